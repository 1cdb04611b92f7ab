"""What the portal knows of every layer, read once per registry change, not per page.

Home, search and facets need every layer's declaration, dates, products and popularity; a
page must not re-read a thousand declarations, so the listing is cached for
``ogc_registry_ttl`` seconds (the catalogue's own poll interval): a new or changed layer
appears as soon as the OGC collections do. Who may see what is decided per request.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from gis import export, registry, vocab
from gis.model import Layer
from gis.portal.search import sync_index
from gis.portal.usage import Usage, usage_totals
from twin.catalog.records import tiles_root, tileset_bytes

#: registry kind -> the portal's data kind (unknown kinds keep their own name)
KIND_OF = {"vector": "vector", "lidar": "pointcloud", "raster": "terrain", "bim": "bim",
           "table": "table"}
FORMAT_NAMES = {"geojson": "GeoJSON", "gpkg": "GeoPackage", "csv": "CSV", "parquet": "Parquet"}


@dataclass(frozen=True)
class Entry:
    """A layer as the portal lists it."""

    layer: Layer
    modified: datetime | None
    issued: datetime | None
    data_kind: str
    formats: tuple[str, ...]
    usage: Usage
    #: facet -> this layer's codes (`twin.portal.search.FACETS`), computed once per read
    facets: dict[str, tuple[str, ...]]

    @property
    def id(self) -> str:
        return self.layer.id

    @property
    def popularity(self) -> int:
        return self.usage.total


def data_kind(layer: Layer, has_tileset: bool) -> str:
    """vector, point cloud, 3D buildings (a vector layer with built tiles), terrain, BIM..."""
    kind = str(layer.spec.kind)
    if kind == "vector" and has_tileset:
        return "buildings3d"
    return KIND_OF.get(kind, kind)


def formats(layer: Layer, has_tileset: bool) -> tuple[str, ...]:
    kind = str(layer.spec.kind)
    found: list[str] = []
    if kind == "vector":
        found += [FORMAT_NAMES.get(f, f.upper()) for f in export.FORMATS]
        found.append("MVT")
    elif kind == "lidar":
        found.append("LAZ")
    elif kind == "raster":
        found.append("GeoTIFF")
    elif kind == "table":
        found += [FORMAT_NAMES.get(f, f.upper()) for f in export.TABLE_FORMATS]
    if has_tileset:
        found.append("3D Tiles")
    return tuple(found)


def facet_codes(layer: Layer, kind: str, offered: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The codes of each facet a layer has (themes and formats are several)."""
    spec = layer.spec
    return {"theme": tuple(vocab.short_code(t) for t in spec.theme),
            "producer": (spec.producer,), "licence": (vocab.short_code(spec.licence),),
            "format": offered, "frequency": (vocab.short_code(spec.update_frequency),),
            "kind": (kind,)}


def read_entries(engine: Engine, data_dir: Path, today: date | None = None) -> list[Entry]:
    """Every registered layer with its dates, products and last year's usage; the search
    index is brought up to date in the same pass (so searches never wait for it)."""
    since = (today or datetime.now(UTC).date()) - timedelta(days=365)
    tiles = tiles_root(data_dir)
    with engine.begin() as conn:
        sync_index(conn)
        layers = registry.list_layers(conn)
        dates = registry.load_dates(conn, [la.id for la in layers])
        usage = usage_totals(conn, since)
    none = Usage(0, 0)
    entries = []
    for layer in layers:
        loaded = dates.get(layer.id)
        built = tileset_bytes(tiles, layer.id) is not None
        kind, offered = data_kind(layer, built), formats(layer, built)
        entries.append(Entry(layer, loaded.modified if loaded else None,
                             loaded.issued if loaded else None, kind, offered,
                             usage.get(layer.id, none), facet_codes(layer, kind, offered)))
    return entries


class PortalIndex:
    """The cached listing (`read_entries`), re-read at most every ``ttl`` seconds."""

    def __init__(self, engine: Engine, data_dir: Path, ttl: float) -> None:
        self.engine = engine
        self.data_dir = data_dir
        self.ttl = ttl
        self._entries: list[Entry] = []
        self._read_at = float("-inf")
        self._lock = threading.Lock()

    def entries(self) -> list[Entry]:
        if time.monotonic() - self._read_at >= self.ttl:
            with self._lock:
                if time.monotonic() - self._read_at >= self.ttl:
                    self._entries = read_entries(self.engine, self.data_dir)
                    self._read_at = time.monotonic()
        return self._entries

    def expire(self) -> None:
        self._read_at = float("-inf")
