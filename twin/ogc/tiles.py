"""Vector tiles of every visible collection: OGC API Tiles (WebMercatorQuad), TileJSON 3.0 and
a MapLibre style, which is what QGIS and MapLibre load today.

Tiles are encoded by PostGIS (`tiles.mvt`), one round trip each (`twin.ogc.reads`). Their
ETag is made of the layer's version and edit counter (``twin.layer.edit_seq``, bumped by every
Part 4 edit), read in the same statement as the tile; a client revalidating a tile costs one
indexed lookup of that stamp and gets a 304 when nothing changed.
"""

from __future__ import annotations

from typing import Annotated, Any

import pygeoapi.api.tiles as tiles_api
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from tiles import mvt
from twin.access import Caller, get_caller
from twin.errors import CollectionNotFound, NotFound
from twin.ogc import sql
from twin.ogc.catalog import Collection
from twin.ogc.context import OgcContext, ogc_context
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
    collection = await run_in_threadpool(context.catalog.get, caller, collection_id)
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
    collection = await run_in_threadpool(context.catalog.get, caller, collection_id)
    if wants(request) != "json":
        return await call_pygeoapi(context, caller, request,
                                   tiles_api.get_collection_tiles_metadata, collection_id, TMS)
    return JSONResponse(_tileset(context, collection))


def _etag(collection: Collection, stamp: tuple[Any, ...], z: int, x: int, y: int) -> str:
    """Changes with the layer's load and version, every edit (``edit_seq``) and the relation
    the caller reads (the rule-applied view and the raw table hold different values)."""
    layer = collection.layer
    loaded = int(layer.last_load.timestamp()) if layer.last_load else 0
    version, edits = stamp
    return f'W/"{layer.id}-{collection.schema}-{version}-{loaded}-{edits}-{z}-{x}-{y}"'


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
    collection = context.catalog.get(caller, collection_id)
    if not mvt.valid_tile(z, x, y):
        raise NotFound(f"tile {z}/{y}/{x} is outside {TMS} (zoom {mvt.MIN_ZOOM}-{mvt.MAX_ZOOM})")
    key = {"layer_id": collection.id}
    if if_none_match:  # revalidation: the stamp alone decides, no tile is built
        query = prepared(context.reads.dialect, ("stamp",), sql.layer_stamp)
        stamp = fetch_one(context.reads, query.sql, {**query.params, **key})
        if stamp is None:
            raise CollectionNotFound(collection_id)
        etag = _etag(collection, stamp, z, x, y)
        if etag in (t.strip() for t in if_none_match.split(",")):
            return Response(status_code=304, headers=_headers(context, caller, etag))
    statement = _tile_statement(context, collection, z)
    values = mvt.tile_values(z, x, y, context.settings.tile_max_features)
    row = fetch_one(context.reads, statement.sql, {**statement.params, **values, **key})
    if row is None:
        raise CollectionNotFound(collection_id)
    return Response(bytes(row[0] or b""), media_type=MVT_MEDIA_TYPE,
                    headers=_headers(context, caller, _etag(collection, row[1:], z, x, y)))


def _headers(context: OgcContext, caller: Caller, etag: str) -> dict[str, str]:
    """Anonymous callers read the published view of open layers: shared caches may keep it.
    A keyed caller's tile (a shared layer, a raw table) is for that caller only."""
    scope = "public" if caller.key_id is None else "private"
    return {"ETag": etag, "Vary": "Authorization, X-API-Key",
            "Cache-Control": f"{scope}, max-age={context.settings.tile_cache_seconds}"}


@router.get(f"/collections/{{collection_id}}/tiles/{TMS}/{{z}}/{{y}}/{{x}}",
            include_in_schema=False)
async def tile(collection_id: str, z: int, y: int, x: int, request: Request) -> Response:
    # a hot route: caller and context inline, not through FastAPI's dependency machinery
    caller, context = await get_caller(request), await ogc_context(request)
    return await run_in_threadpool(_tile, context, caller, collection_id, z, y, x,
                                   request.headers.get("if-none-match"))


@router.get("/collections/{collection_id}/tilejson.json", include_in_schema=False)
async def tilejson(collection_id: str, caller: CallerDep, context: ContextDep) -> JSONResponse:
    collection = await run_in_threadpool(context.catalog.get, caller, collection_id)
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
    collection = await run_in_threadpool(context.catalog.get, caller, collection_id)
    url = _url(context, collection)
    source = {"type": "vector", "tiles": [f"{url}/tiles/{TMS}/{{z}}/{{y}}/{{x}}"],
              "minzoom": mvt.MIN_ZOOM, "maxzoom": mvt.MAX_ZOOM}
    return JSONResponse({
        "version": 8,
        "name": collection.layer.spec.label(),
        "sources": {collection.id: source},
        "layers": _style_layers(collection),
    })


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
