"""What the OGC routers share, created by the app factory and kept on ``app.state.ogc``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from fastapi import Request
from sqlalchemy import Engine

from gis.schema import published_relation
from twin.http_cache import ByteLRU, Scope, make_etag
from twin.ogc.catalog import Catalog, Collection
from twin.ogc.core import PygeoapiCore
from twin.ogc.features import Counting
from twin.ogc.query import Limits
from twin.settings import Settings

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/landing-page",
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/json",
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-common-2/1.0/conf/collections",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/accent-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    # Part 4 (twin.api.edit): what QGIS looks for before it offers editing
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
    # OGC API Records (twin.ogc.records): the collection ``catalog``
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/records-api",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-collection",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core-query-parameters",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/filtering",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/sorting",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/json",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/html",
]


#: bumped when the bytes we make of the same data change (document shape, tile encoding), so
#: a deployment of new code does not validate what the previous one served
REPRESENTATION_REVISION: Final = 1


@dataclass(frozen=True)
class View:
    """What one caller's representation of a collection is made from: the layer's stamp as the
    catalogue knows it (version, load time, declaration change, edit counter) and the relation
    that caller reads. Two callers share a `View` -- hence ETags and cached tiles -- only
    when they read the same relation of the same layer state."""

    layer_id: str
    schema: str
    table: str
    version: int | None
    loaded: str
    updated: str
    edit_seq: int
    #: an open layer through its published view: what anyone may read, shared caches included
    public: bool

    @property
    def state(self) -> tuple[int | None, str, str, int]:
        """The layer's state alone (any view): what the tile cache drops entries by."""
        return self.version, self.loaded, self.updated, self.edit_seq

    @property
    def scope(self) -> Scope:
        return "public" if self.public else "private"

    def with_stamp(self, version: int | None, edit_seq: int) -> View:
        """The same view at the (version, edit counter) a read itself returned."""
        return View(self.layer_id, self.schema, self.table, version, self.loaded,
                    self.updated, edit_seq, self.public)


@dataclass
class OgcContext:
    settings: Settings
    engine: Engine
    catalog: Catalog
    core: PygeoapiCore
    #: the autocommit, no-pre-ping engine of the hot reads (`twin.ogc.reads`)
    reads: Engine
    #: encoded vector tiles by (view, z, x, y): loads and edits move the view, so they
    #: invalidate it (`twin.ogc.tiles`)
    tiles: ByteLRU = field(init=False)
    #: what else a representation depends on: settings that shape bodies, the code revision
    salt: str = field(init=False)

    def __post_init__(self) -> None:
        settings = self.settings
        self.tiles = ByteLRU(settings.tile_cache_bytes)
        self.salt = make_etag(REPRESENTATION_REVISION, settings.base_url,
                              settings.tile_max_features, settings.tile_exact_geometry,
                              settings.ogc_count_threshold, settings.ogc_count_max_cost,
                              settings.ogc_default_limit, settings.ogc_max_limit)

    def view(self, collection: Collection) -> View:
        """The view ``collection`` (as `Catalog.get` made it for a caller) is served from."""
        layer = collection.layer
        public = (layer.spec.access_level == "open"
                  and (collection.schema, collection.table) == published_relation(layer.table))
        return View(layer.id, collection.schema, collection.table, layer.current_version,
                    layer.last_load.isoformat() if layer.last_load else "",
                    layer.updated_at.isoformat() if layer.updated_at else "",
                    self.catalog.edit_seq(layer.id), public)

    @property
    def counting(self) -> Counting:
        return Counting(self.settings.ogc_count_threshold, self.settings.ogc_count_max_cost)

    @property
    def limits(self) -> Limits:
        return Limits(self.settings.ogc_default_limit, self.settings.ogc_max_limit)


async def ogc_context(request: Request) -> OgcContext:
    """FastAPI dependency: the OGC context of the running app (set by the factory; async, so
    FastAPI does not hop to a worker thread to fetch an attribute)."""
    context: OgcContext = request.app.state.ogc
    return context
