"""pygeoapi's core, configured from ``config/pygeoapi.yml`` plus the layer registry.

The server part of the configuration comes from the YAML template; the collections are
rendered from the registry (one per visible vector layer, multilingual titles from the layer
spec, our `TwinFeatureProvider` loaded by dotted path). One pygeoapi `API` object exists per
set of visible collections and registry stamp, created lazily inside the app (never at import
time) and replaced when the registry changes.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from copy import deepcopy
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pygeoapi
import yaml
from pygeoapi import l10n
from pygeoapi.api import API, APIRequest
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from gis.errors import ConfigurationError
from tiles import mvt
from twin.ogc.catalog import Catalog, Collection
from twin.ogc.crs import CRS84, storage_uri, supported_uris
from twin.ogc.records import CATALOG_ID, RecordSource, record_resource
from twin.settings import Settings

PROVIDER = "twin.ogc.provider.TwinFeatureProvider"
MVT_PROVIDER = "twin.ogc.mvt_provider.TwinMVTProvider"
PORTAL_TEMPLATES = Path(__file__).resolve().parent.parent / "portal" / "pygeoapi_templates"


class _NoConfigCache(dict[Any, Any]):
    """Replaces pygeoapi's process-wide cache of the translated configuration.

    pygeoapi keeps ONE translated configuration per locale for the whole process; with one
    configuration per set of visible collections, HTML pages would be rendered with another
    caller's collections (a 500 for a partner's shared layer, or a leak). Never caching costs
    one deep copy of the configuration per HTML page.
    """

    def get(self, key: Any, default: Any = None) -> Any:
        return default

    def __setitem__(self, key: Any, value: Any) -> None:
        return None


def static_files() -> StaticFiles:
    """pygeoapi's CSS, scripts and images, which its HTML pages load from ``/static``."""
    return StaticFiles(directory=Path(pygeoapi.__file__).parent / "static")


def load_template(settings: Settings) -> dict[str, Any]:
    """The server/metadata template, with the URL and limits of this deployment."""
    path = Path(settings.config_dir) / "pygeoapi.yml"
    try:
        config: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"{path}: cannot read the pygeoapi template: {exc}") from exc
    server = config.setdefault("server", {})
    server["url"] = settings.base_url
    server.setdefault("limits", {}).update(
        default_items=settings.ogc_default_limit, max_items=settings.ogc_max_limit)
    config.setdefault("logging", {"level": "ERROR"})
    # HTML pages in the portal's layout, maps by MapLibre from the product (no CDN, no Leaflet)
    server["templates"] = {"path": str(PORTAL_TEMPLATES), "static": str(
        Path(pygeoapi.__file__).parent / "static")}
    config["resources"] = {}
    return config


def _extents(collection: Collection) -> dict[str, Any]:
    """Spatial extent from the load; temporal from the temporal property's range, as UTC
    instants (a date is its midnight), absent when the layer declares none."""
    layer = collection.layer
    # pygeoapi needs a spatial extent; a table's is taken out of its documents (`twin.ogc.api`)
    extents: dict[str, Any] = {
        "spatial": {"bbox": list(layer.extent_4326 or (-180, -90, 180, 90)), "crs": CRS84}}
    if collection.temporal_extent is not None:
        begin, end = (_utc(value) for value in collection.temporal_extent)
        extents["temporal"] = {"begin": begin, "end": end,
                               "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
    return extents


def _utc(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def collection_resource(collection: Collection, catalog: Catalog, settings: Settings,
                        base_url: str) -> dict[str, Any]:
    """The pygeoapi resource of one layer."""
    layer = collection.layer
    spec = layer.spec
    resource: dict[str, Any] = {
        "type": "collection",
        "title": dict(spec.title),
        "description": dict(spec.description) or dict(spec.title),
        "keywords": list(spec.keywords) or [spec.id],
        "extents": _extents(collection),
        "links": [],
        "providers": [{
            "type": "feature",
            "name": PROVIDER,
            "data": {"catalog": catalog, "collection": collection.id,
                     "relation": [collection.schema, collection.table],
                     "collection_url": f"{base_url}/collections/{collection.id}"},
            "id_field": "fid",
            "options": {"count_threshold": settings.ogc_count_threshold,
                        "count_max_cost": settings.ogc_count_max_cost},
            "crs": supported_uris(layer.storage_srid),
            "storage_crs": storage_uri(layer.storage_srid),
        }, {
            "type": "tile",
            "name": MVT_PROVIDER,
            "data": {"catalog": catalog, "collection": collection.id,
                     "relation": [collection.schema, collection.table]},
            "options": {"zoom": {"min": mvt.MIN_ZOOM, "max": mvt.MAX_ZOOM},
                        "schemes": ["WebMercatorQuad"],
                        "max_features": settings.tile_max_features,
                        "exact_geometry": settings.tile_exact_geometry},
            "format": {"name": "pbf", "mimetype": "application/vnd.mapbox-vector-tile"},
        }],
    }
    if not collection.spatial:  # a table: features only, no tiles
        resource["providers"] = resource["providers"][:1]
    return resource


class PygeoapiCore:
    """pygeoapi `API` objects per visible-collection set, and a way to call its handlers."""

    def __init__(self, settings: Settings, catalog: Catalog) -> None:
        self.settings = settings
        self.catalog = catalog
        self.template = load_template(settings)
        self._apis: dict[tuple[Any, ...], API] = {}
        self._lock = threading.Lock()
        l10n._cfg_cache = _NoConfigCache()  # per-caller configurations: see _NoConfigCache

    def api_for(self, visible: dict[str, Collection]) -> API:
        key = (self.catalog.stamp, tuple(sorted((k, c.schema) for k, c in visible.items())))
        found = self._apis.get(key)
        if found is not None:
            return found
        with self._lock:
            if key not in self._apis:
                if len(self._apis) > 32:
                    self._apis.clear()
                config = deepcopy(self.template)
                config["resources"] = {
                    cid: collection_resource(c, self.catalog, self.settings,
                                             self.settings.base_url)
                    for cid, c in visible.items()
                }
                # the record collection (OGC API Records): the same for every caller, its
                # provider filters by the caller of each request (`twin.ogc.records.CALLER`)
                config["resources"][CATALOG_ID] = record_resource(
                    RecordSource(self.catalog.engine, self.settings))
                self._apis[key] = API(config, {})
            return self._apis[key]

    async def call(self, api: API, handler: Callable[..., tuple[dict[str, str], int, Any]],
                   request: Request, *args: Any) -> Response:
        """Run a pygeoapi handler in a worker thread and turn its answer into a Response."""
        api_request = await APIRequest.from_starlette(request, api.locales)
        if not api_request.is_valid():
            headers, status, content = api.get_format_exception(api_request)
        else:
            headers, status, content = await asyncio.to_thread(handler, api, api_request, *args)
        return Response(content, status_code=int(status), headers=dict(headers))
