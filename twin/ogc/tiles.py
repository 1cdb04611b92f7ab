"""Vector tiles of every visible collection: OGC API Tiles (WebMercatorQuad), TileJSON 3.0 and
a MapLibre style, which is what QGIS and MapLibre load today.

Tiles are encoded by PostGIS (`tiles.mvt`), one round trip each (`twin.ogc.reads`), and kept
in an in-process LRU bounded by ``tile_cache_bytes`` (`OgcContext.tiles`). A tile's strong
ETag and its cache key are made of the catalogue's view of the layer (`twin.ogc.context.View`:
version, load time, declaration change, Part 4 edit counter ``edit_seq``, and the relation the
caller reads -- the published view and staff's raw table hold different values), so:

- a revalidation whose ETag matches is a 304 without touching the database;
- a cache hit is a 200 without touching the database;
- a load or an edit moves the stamp, so the old entries are never read again and are dropped
  when the first tile of the new state is stored.

When a change is seen. The catalogue re-polls the registry every ``ogc_registry_ttl`` s (2 s).
An edit through Part 4 in this process expires the catalogue after its commit
(`twin.api.edit`), so the next tile request of this process already sees the new stamp:
an editor never gets their own stale tile. Loads (``twin ingest``, another process) and edits
through other workers are seen within ``ogc_registry_ttl`` -- a bound far below the
``tile_cache_seconds`` a client keeps a tile without asking anyway. A tile read on a miss also
returns the layer's (version, edit counter) from the same snapshot: when it is newer than the
catalogue's, the tile is served under an ETag of what was read, is not cached, and the
catalogue is expired so the next request re-polls.
"""

from __future__ import annotations

from typing import Annotated, Any

import pygeoapi.api.tiles as tiles_api
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from gis import registry
from tiles import mvt
from twin.access import Caller, get_caller
from twin.errors import CollectionNotFound, NotFound
from twin.http_cache import Validators, cache_control, make_etag
from twin.ogc import sql
from twin.ogc.catalog import Collection
from twin.ogc.context import OgcContext, View, ogc_context
from twin.ogc.delegate import call_pygeoapi, wants
from twin.ogc.features import prepared
from twin.ogc.reads import fetch_one
from twin.ogc.sql import Prepared

router = APIRouter(tags=["OGC API Tiles"])
CallerDep = Annotated[Caller, Depends(get_caller)]
ContextDep = Annotated[OgcContext, Depends(ogc_context)]

MVT_MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
TMS = "WebMercatorQuad"
TMS_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
CRS_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
TILESETS_REL = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
TEMPLATE = "/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}"


def collection_tile_links(collection_url: str) -> list[dict[str, str]]:
    """Links from a collection to its TileJSON and style (pygeoapi adds the tilesets links,
    from our `TwinMVTProvider`)."""
    return [
        {"rel": "describedby", "type": "application/json", "title": "TileJSON 3.0",
         "href": f"{collection_url}/tilejson.json"},
        {"rel": "stylesheet", "type": "application/vnd.mapbox.style+json",
         "title": "MapLibre style", "href": f"{collection_url}/style.json"},
    ]


def _url(context: OgcContext, collection: Collection) -> str:
    return f"{context.settings.base_url}/collections/{collection.id}"


def tiled_collection(context: OgcContext, caller: Caller, collection_id: str) -> Collection:
    """A visible collection that has geometries (a table without a join has no tiles)."""
    collection = context.catalog.get(caller, collection_id)
    if not collection.spatial:
        raise NotFound(f"collection {collection_id!r} has no geometries, hence no tiles")
    return collection


def _tileset(context: OgcContext, collection: Collection) -> dict[str, Any]:
    url = _url(context, collection)
    return {
        "title": collection.layer.spec.label(),
        "dataType": "vector",
        "crs": CRS_3857,
        "tileMatrixSetURI": TMS_URI,
        "links": [
            {"rel": "self", "type": "application/json", "href": f"{url}/tiles/{TMS}"},
            {"rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
             "type": "application/json",
             "href": f"{context.settings.base_url}/TileMatrixSets/{TMS}"},
            {"rel": "item", "type": MVT_MEDIA_TYPE, "templated": True,
             "href": f"{url}{TEMPLATE}"},
        ],
        "layers": [{"id": collection.id, "dataType": "vector",
                    "geometryType": _geometry_family(collection),
                    "propertiesSchema": {"type": "object", "properties": {
                        n: {"type": a.json_type} for n, a in collection.attributes.items()}}}],
    }


def _geometry_family(collection: Collection) -> str:
    kind = (collection.layer.geometry_type or "").lower()
    for family in ("point", "line", "polygon"):
        if family in kind:
            return {"point": "points", "line": "lines", "polygon": "polygons"}[family]
    return "polygons"


@router.get("/collections/{collection_id}/tiles", include_in_schema=False)
async def tilesets(collection_id: str, request: Request, caller: CallerDep,
                   context: ContextDep) -> Response:
    collection = await run_in_threadpool(tiled_collection, context, caller, collection_id)
    if wants(request) != "json":
        return await call_pygeoapi(context, caller, request, tiles_api.get_collection_tiles,
                                   collection_id)
    tileset = _tileset(context, collection)
    summary = {k: tileset[k] for k in ("title", "dataType", "crs", "tileMatrixSetURI", "links")}
    return JSONResponse({"links": [{"rel": "self", "type": "application/json",
                                    "href": f"{_url(context, collection)}/tiles"}],
                         "tilesets": [summary]})


@router.get(f"/collections/{{collection_id}}/tiles/{TMS}", include_in_schema=False)
async def tileset(collection_id: str, request: Request, caller: CallerDep,
                  context: ContextDep) -> Response:
    collection = await run_in_threadpool(tiled_collection, context, caller, collection_id)
    if wants(request) != "json":
        return await call_pygeoapi(context, caller, request,
                                   tiles_api.get_collection_tiles_metadata, collection_id, TMS)
    return JSONResponse(_tileset(context, collection))


def _validators(context: OgcContext, view: View, z: int, x: int, y: int) -> Validators:
    """ETag of one tile of one view, and who may cache it: an open layer's published tile may
    sit in shared caches; a keyed caller's tile (a shared layer, a raw table) is theirs."""
    etag = make_etag("tile", context.salt, view.layer_id, view.schema, view.table,
                     *view.state, z, x, y)
    return Validators(etag, cache_control(view.scope,
                                          max_age=context.settings.tile_cache_seconds))


def _tile_statement(context: OgcContext, collection: Collection, z: int) -> Prepared:
    """The compiled tile statement of a collection's zoom class, with its stamp columns."""
    detail = z >= mvt.DETAIL_ZOOM
    unclipped = not context.settings.tile_exact_geometry
    return prepared(context.reads.dialect,
                    ("tile", collection.schema, collection.table, collection.id,
                     tuple(collection.attributes), detail, unclipped),
                    lambda: sql.stamped_tile(mvt.tile_template(
                        collection.schema, collection.table, collection.id,
                        list(collection.attributes), detail, unclipped)))


def _tile(context: OgcContext, caller: Caller, collection_id: str, z: int, y: int, x: int,
          if_none_match: str | None) -> Response:
    collection = tiled_collection(context, caller, collection_id)
    if not mvt.valid_tile(z, x, y):
        raise NotFound(f"tile {z}/{y}/{x} is outside {TMS} (zoom {mvt.MIN_ZOOM}-{mvt.MAX_ZOOM})")
    view = context.view(collection)
    validators = _validators(context, view, z, x, y)
    unchanged = validators.not_modified(if_none_match)
    if unchanged is not None:  # revalidation: the catalogue's stamp decides, no read
        return unchanged
    key = (view.layer_id, view.schema, view.table, view.state, z, x, y)
    cached = context.tiles.get(key)
    if cached is not None:
        return Response(cached, media_type=MVT_MEDIA_TYPE, headers=validators.headers())
    statement = _tile_statement(context, collection, z)
    values = mvt.tile_values(z, x, y, context.settings.tile_max_features)
    row = fetch_one(context.reads, statement.sql,
                    {**statement.params, **values, "layer_id": collection.id})
    if row is None:
        raise CollectionNotFound(collection_id)
    body = bytes(row[0] or b"")
    read = view.with_stamp(row[1], int(row[2]))
    if read == view:
        context.tiles.put(key, body, view.layer_id, view.state)
    else:  # the registry moved on since the catalogue's last poll: say what was read
        context.catalog.expire()
        validators = _validators(context, read, z, x, y)
        unchanged = validators.not_modified(if_none_match)
        if unchanged is not None:
            return unchanged
    return Response(body, media_type=MVT_MEDIA_TYPE, headers=validators.headers())


@router.get(f"/collections/{{collection_id}}/tiles/{TMS}/{{z}}/{{y}}/{{x}}",
            include_in_schema=False)
async def tile(collection_id: str, z: int, y: int, x: int, request: Request) -> Response:
    # a hot route: caller and context inline, not through FastAPI's dependency machinery
    caller, context = await get_caller(request), await ogc_context(request)
    return await run_in_threadpool(_tile, context, caller, collection_id, z, y, x,
                                   request.headers.get("if-none-match"))


@router.get("/collections/{collection_id}/tilejson.json", include_in_schema=False)
async def tilejson(collection_id: str, caller: CallerDep, context: ContextDep) -> JSONResponse:
    collection = await run_in_threadpool(tiled_collection, context, caller, collection_id)
    bounds = list(collection.layer.extent_4326 or (-180.0, -85.0511, 180.0, 85.0511))
    center = [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, 14]
    return JSONResponse({
        "tilejson": "3.0.0",
        "name": collection.layer.spec.label(),
        "description": collection.layer.spec.description.get("en", ""),
        "attribution": collection.layer.spec.producer,
        "scheme": "xyz",
        "tiles": [f"{_url(context, collection)}/tiles/{TMS}/{{z}}/{{y}}/{{x}}"],
        "minzoom": mvt.MIN_ZOOM,
        "maxzoom": mvt.MAX_ZOOM,
        "bounds": bounds,
        "center": center,
        "vector_layers": [{
            "id": collection.id, "minzoom": mvt.MIN_ZOOM, "maxzoom": mvt.MAX_ZOOM,
            "fields": {n: a.json_type.capitalize() for n, a in collection.attributes.items()},
        }],
    })


@router.get("/collections/{collection_id}/style.json", include_in_schema=False)
async def style(collection_id: str, caller: CallerDep, context: ContextDep) -> JSONResponse:
    collection = await run_in_threadpool(tiled_collection, context, caller, collection_id)
    url = _url(context, collection)
    source = {"type": "vector", "tiles": [f"{url}/tiles/{TMS}/{{z}}/{{y}}/{{x}}"],
              "minzoom": mvt.MIN_ZOOM, "maxzoom": mvt.MAX_ZOOM}
    return JSONResponse({
        "version": 8,
        "name": collection.layer.spec.label(),
        "sources": {collection.id: source},
        "layers": _choropleth(context, collection) or _style_layers(collection),
    })


#: the choropleth's ramp, light to dark (ColorBrewer YlOrRd, 5 classes)
RAMP = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")


def _choropleth(context: OgcContext, collection: Collection) -> list[dict[str, Any]] | None:
    """A joined table's fill by its declared numeric ``style_column``: a linear ramp over
    the column's range in the relation the caller reads (None: no such column)."""
    join = collection.layer.spec.join
    column = join.style_column if join is not None else None
    attribute = collection.attributes.get(column or "")
    if column is None or attribute is None or attribute.json_type not in ("integer", "number"):
        return None
    with context.catalog.engine.connect() as conn:
        found = registry.value_range(conn, (collection.schema, collection.table), column)
    low, high = (float(found[0]), float(found[1])) if found else (0.0, 1.0)
    stops: list[Any] = []
    for index, colour in enumerate(RAMP):
        stops += [low + (high - low) * index / (len(RAMP) - 1), colour]
    if high <= low:
        stops = [low, RAMP[-1]]
    common = {"source": collection.id, "source-layer": collection.id}
    fill = ["interpolate", ["linear"], ["to-number", ["get", column], low], *stops]
    return [{"id": f"{collection.id}-fill", "type": "fill", **common,
             "paint": {"fill-color": fill, "fill-opacity": 0.75}},
            {"id": f"{collection.id}-outline", "type": "line", **common,
             "paint": {"line-color": "#636363", "line-width": 0.5}}]


def _style_layers(collection: Collection) -> list[dict[str, Any]]:
    common = {"source": collection.id, "source-layer": collection.id}
    family = _geometry_family(collection)
    if family == "points":
        return [{"id": f"{collection.id}-circle", "type": "circle", **common,
                 "paint": {"circle-radius": 4, "circle-color": "#d7301f",
                           "circle-stroke-color": "#ffffff", "circle-stroke-width": 1}}]
    if family == "lines":
        return [{"id": f"{collection.id}-line", "type": "line", **common,
                 "paint": {"line-color": "#2b8cbe", "line-width": 2}}]
    return [
        {"id": f"{collection.id}-fill", "type": "fill", **common,
         "paint": {"fill-color": "#fdbb84", "fill-opacity": 0.6}},
        {"id": f"{collection.id}-outline", "type": "line", **common,
         "paint": {"line-color": "#b30000", "line-width": 1}},
    ]
