"""Typed settings from ``TWIN_*`` environment variables, passed explicitly to the app factory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from gis.cluster import Cluster


class Settings(BaseSettings):
    """Everything a deployment may change; nothing is read at import time."""

    model_config = SettingsConfigDict(env_prefix="TWIN_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="An existing PostGIS server; when unset, `twin db up` runs a private one.",
    )
    storage_crs: str = "EPSG:31370"
    data_dir: Path = Path("var")
    db_port: int = 54329
    config_dir: Path = Path("config")
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    access_log: bool = Field(default=True, description="uvicorn's per-request access log")
    # operations: log format, Prometheus metrics (twin.ops)
    log_format: Literal["text", "json"] = Field(
        default="text", description="json: one JSON object per log line (time, level, logger, "
        "message, request_id, exc_info), for a log pipeline")
    metrics_enabled: bool = Field(default=True, description="Prometheus metrics at /metrics")
    metrics_public: bool = Field(
        default=False, description="serve /metrics without a key; by default it needs a staff "
        "key (its build gauges name layers, closed ones too)")
    # publication: catalogue publisher, anonymisation key
    pseudonym_key: SecretStr | None = Field(
        default=None, description="HMAC key of pseudonymised fields (shared layers only).")
    publisher_name: str = "Commune"
    publisher_email: str = "opendata@commune.example.be"
    publisher_homepage: str | None = None
    catalog_page_size: int = Field(default=50, ge=1, le=1000)
    metadata_namespace: str | None = Field(
        default=None, description="namespace of the INSPIRE unique resource identifiers "
        "(<namespace>/<layer>, e.g. https://geodata.<commune>/id); default: <public URL>/id")
    # OGC API (twin serve): paging, counting, registry refresh and vector-tile limits
    ogc_default_limit: int = Field(default=10, ge=1)
    ogc_max_limit: int = Field(default=10_000, ge=1, description="larger limits are clamped")
    ogc_count_threshold: int = Field(
        default=100_000, ge=0,
        description="filtered numberMatched is exact up to this many matches, omitted above",
    )
    ogc_count_max_cost: float = Field(
        default=5_000.0, ge=0,
        description="planner cost above which a filtered numberMatched is omitted, not counted",
    )
    ogc_registry_ttl: float = Field(default=2.0, ge=0, description="seconds between checks")
    tile_max_features: int = Field(default=20_000, ge=1, description="cap per tile below z14")
    tile_cache_seconds: int = Field(default=300, ge=0, description="Cache-Control max-age")
    tile_cache_bytes: int = Field(
        default=256 * 2**20, ge=0, description="in-process vector-tile cache (LRU, bytes; 0: "
        "off), keyed by layer stamp and view, so loads and edits invalidate it")
    tile_exact_geometry: bool = Field(
        default=False, description="send every feature of z14+ tiles through ST_AsMVTGeom's "
        "clipper and repair, not only those crossing the tile border (tiles.mvt)")
    # refresh from the source (twin refresh): credentials by host, failure notices by e-mail
    source_credentials: Annotated[dict[str, SecretStr], NoDecode] = Field(
        default_factory=dict, description="JSON object host (or host:port) -> token (sent as "
        "Bearer) or user:password (HTTP Basic) for layers' source_url; never in the manifest")
    smtp_host: str | None = Field(
        default=None, description="mail server for failed-refresh notices to a layer's contact "
        "point; unset: the failure is only logged")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "twin@localhost"
    # public portal (/portal/): metadata language fallback, map background, feedback limits
    portal_languages: tuple[str, ...] = Field(
        default=("fr", "nl", "en"), description="order in which a title or description in "
        "another language is shown when the page's language has none")
    portal_background_layers: tuple[str, ...] = Field(
        default=(), description="ids of the commune's own layers drawn under every map "
        "preview (roads, parcels); only those the visitor may see are used")
    portal_email_retention_days: int = Field(
        default=365, ge=1, description="days after which the e-mail addresses sent with "
        "feedback, reuses and citizens' reports are deleted (`twin feedback purge`, "
        "`twin reports purge`; hourly in docker/compose.yml)")
    portal_rate_limit: int = Field(
        default=5, ge=1, description="feedback and reuse posts per client and 10 minutes")
    portal_max_message: int = Field(default=4000, ge=100, description="characters")
    reports_file: Path | None = Field(
        default=None, description="citizens' reports declaration (categories, limits, layer); "
        "default: reports.yml in config_dir")
    # MapLibre GL JS served by the app for the portal's map previews (npm `maplibre-gl`)
    maplibre_dir: Path = Field(
        default=Path(__file__).resolve().parent.parent / "node_modules/maplibre-gl/dist",
        description="the dist folder of the npm maplibre-gl package")
    # scale-out: the builds' Dask cluster, object storage of products, a read replica
    dask_scheduler: str | None = Field(
        default=None, description="tcp://HOST:PORT of a running Dask scheduler the heavy "
        "builds run on (`twin build ... --scheduler`); unset: in-process")
    storage_options: Annotated[dict[str, Any], NoDecode] = Field(
        default_factory=dict, description="JSON object of fsspec options for `--publish` URLs "
        "and LiDAR inputs given as URLs (s3: endpoint_url, key, secret, client_kwargs...)")
    database_read_url: str | None = Field(
        default=None, description="a streaming replica of the database: read-only endpoints "
        "(items, vector tiles) read it; writes, edits and loads stay on the primary")
    # viewer: CesiumJS build served by the app (npm `cesium`; no CDN)
    cesium_dir: Path = Field(
        default=Path(__file__).resolve().parent.parent / "node_modules/cesium/Build/Cesium",
        description="the Build/Cesium folder of the npm cesium package")
    viewer_sensors_refresh_s: int = Field(
        default=30, ge=5, description="seconds between two refreshes of the viewer's live "
        "sensor labels (a conditional GET of /collections/sensors/items)")
    # sensors (SensorThings MQTT extension): the broker new observations are announced on
    mqtt_host: str | None = Field(
        default=None, description="MQTT broker (Debian mosquitto) for SensorThings; unset: "
        "no MQTT announcements")
    mqtt_port: int = Field(default=1883, ge=1, le=65535)

    @field_validator("source_credentials", mode="before")
    @classmethod
    def _credentials(cls, value: object) -> object:
        """Decoded here, not by the settings source, so that an empty variable (compose's
        ``${TWIN_SOURCE_CREDENTIALS:-}``) means none instead of a JSON error at start-up."""
        if isinstance(value, str):
            return json.loads(value) if value.strip() else {}
        return value

    @field_validator("storage_options", mode="before")
    @classmethod
    def _storage_options(cls, value: object) -> object:
        """JSON decoded here: an empty variable means no options."""
        if isinstance(value, str):
            return json.loads(value) if value.strip() else {}
        return value

    @field_validator("smtp_host", mode="before")
    @classmethod
    def _smtp_host(cls, value: object) -> object:
        """An empty variable means no mail server (notices are then only logged)."""
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def cluster(self) -> Cluster:
        return Cluster(root=self.data_dir.resolve() / "postgres", port=self.db_port)

    @property
    def tiles_dir(self) -> Path:
        return self.data_dir.resolve() / "tiles"

    @property
    def url(self) -> str:
        """The database URL: the configured server, or the private cluster's."""
        return self.database_url or self.cluster.url()

    @property
    def pseudonym_secret(self) -> str | None:
        """The HMAC key of pseudonymised fields, as the store takes it."""
        return self.pseudonym_key.get_secret_value() if self.pseudonym_key else None

    @property
    def source_secrets(self) -> dict[str, str]:
        """Source credentials by host, as the store's refresh takes them."""
        return {host: secret.get_secret_value() for host, secret in self.source_credentials.items()}

    @property
    def resource_namespace(self) -> str:
        """Namespace of resource identifiers: stable across hosts when configured."""
        return (self.metadata_namespace or f"{self.base_url}/id").rstrip("/")

    @property
    def manifest(self) -> Path:
        return self.config_dir / "layers.yml"

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
