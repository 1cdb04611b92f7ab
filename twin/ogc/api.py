"""OGC API Features routes: pygeoapi's core for the documents, a fast path for GeoJSON.

Landing page, collections, queryables, schemas and every HTML page are rendered by pygeoapi
(per caller: its configuration holds only the collections the caller may see). GeoJSON items
and items take the fast path of `twin.ogc.features`: the same document shape, serialised by
PostGIS. The conformance declaration and the OpenAPI document are ours, because they must say
exactly what this server implements.

GeoJSON items pages and items carry strong ETags (`twin.http_cache`) made of the catalogue's
view of the layer (`twin.ogc.context.View`: stamp and the relation the caller reads) and the
query string, so a page revalidation is answered 304 before its query runs. An item's tag
also holds its row version, which Part 4 editors send back in If-Match (`twin.api.edit`).

Pages and items are read on the hot-read engine (`twin.ogc.reads`: the replica of
``TWIN_DATABASE_READ_URL`` when configured, one round trip); everything pygeoapi renders
reads through the catalogue's engine (the same server, pinged): docs/scaling.md.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Annotated, Any

import orjson
import pygeoapi.api as core_api
import pygeoapi.api.itemtypes as itemtypes_api
import pygeoapi.api.tiles as tiles_api
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pygeoapi.util import render_j2_template
from starlette.concurrency import run_in_threadpool

from twin.access import Caller, can_write, get_caller
from twin.http_cache import VARY_CREDENTIALS, Validators, cache_control, item_etag, make_etag
from twin.ogc import bim_links, features, reads, sql
from twin.ogc.catalog import Attribute, Collection
from twin.ogc.context import CONFORMANCE, OgcContext, View, ogc_context
from twin.ogc.delegate import call_pygeoapi as _pygeoapi
from twin.ogc.delegate import wants
from twin.ogc.openapi import OPENAPI_MEDIA_TYPE, openapi_document
from twin.ogc.query import multi_params, parse_item_query, parse_items_query
from twin.ogc.records import CATALOG_ID, collection_links
from twin.ogc.records_api import router as records_router
from twin.ogc.sensors import collection_document
from twin.ogc.sensors_api import extent_for
from twin.ogc.sensors_api import router as sensors_router
from twin.ogc.tiles import collection_tile_links

router = APIRouter(tags=["OGC API Features"])
#: first, so that ``/collections/catalog/...`` (OGC API Records) wins over the layer routes
router.include_router(records_router)
router.include_router(sensors_router)  # ``/collections/sensors``: Things, latest values
CallerDep = Annotated[Caller, Depends(get_caller)]
ContextDep = Annotated[OgcContext, Depends(ogc_context)]
_DROPPED_RELS = ("processes", "job-list")
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
JSON_SCHEMA_2019 = "https://json-schema.org/draft/2019-09/schema"


def _rewrite_json(response: Response, change: Callable[[dict[str, Any]], None]) -> Response:
    if response.status_code != 200 or "json" not in response.headers.get("content-type", ""):
        return response
    document = orjson.loads(response.body)
    change(document)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return Response(orjson.dumps(document), status_code=200, headers=headers)


@router.get("/", include_in_schema=False)
async def landing_page(request: Request, caller: CallerDep, context: ContextDep) -> Response:
    if "f" not in request.query_params and wants(request) == "html":
        portal = f"{context.settings.base_url}/portal/"
        return RedirectResponse(portal, status_code=303)  # browsers: the public portal
    response = await _pygeoapi(context, caller, request, core_api.landing_page)

    def keep_served_links(document: dict[str, Any]) -> None:
        document["links"] = [link for link in document.get("links", [])
                             if not str(link.get("rel", "")).endswith(_DROPPED_RELS)]

    return _rewrite_json(response, keep_served_links)


@router.get("/conformance", include_in_schema=False)
async def conformance(request: Request, caller: CallerDep, context: ContextDep) -> Response:
    if wants(request) == "html":
        api = context.core.api_for(await run_in_threadpool(context.catalog.visible, caller))
        html = render_j2_template(api.tpl_config, api.config["server"]["templates"],
                                  "conformance.html", {"conformsTo": CONFORMANCE},
                                  api.default_locale)
        return Response(html, media_type="text/html")
    return JSONResponse({"conformsTo": CONFORMANCE})


@router.get("/openapi", include_in_schema=False)
async def openapi(request: Request, caller: CallerDep, context: ContextDep) -> Response:
    if wants(request) == "html":
        return await _pygeoapi(context, caller, request, core_api.openapi_)
    visible = await run_in_threadpool(context.catalog.visible, caller)
    editable = frozenset(cid for cid, c in visible.items() if can_write(caller, c.layer))
    document = openapi_document(context.settings, visible, editable)
    return Response(orjson.dumps(document), media_type=OPENAPI_MEDIA_TYPE)


@router.get("/collections", include_in_schema=False)
async def collections(request: Request, caller: CallerDep, context: ContextDep) -> Response:
    response = await _pygeoapi(context, caller, request, core_api.describe_collections)
    sensors_box = (await run_in_threadpool(extent_for, context, caller)
                   if "json" in response.headers.get("content-type", "") else None)

    def add_links(document: dict[str, Any]) -> None:
        for collection in document.get("collections", []):
            _add_collection_links(context, collection)
        if sensors_box is not None:  # listed once the caller sees a located Thing
            document.setdefault("collections", []).append(
                collection_document(context.settings.base_url, sensors_box))

    return _rewrite_json(response, add_links)


def _add_collection_links(context: OgcContext, collection: dict[str, Any]) -> None:
    if collection["id"] == CATALOG_ID:  # records have sortables, no tiles
        collection["links"] = [*collection.get("links", []),
                               *collection_links(context.settings.base_url)]
        return
    layer = context.catalog.layers().get(collection["id"])
    if layer is not None and layer.spec.kind == "table" and layer.spec.join is None:
        collection.get("extent", {}).pop("spatial", None)  # rows without geometries
        collection["itemType"] = "feature"
        return
    url = f"{context.settings.base_url}/collections/{collection['id']}"
    collection["links"] = [*collection.get("links", []), *collection_tile_links(url)]


@router.get("/collections/{collection_id}", include_in_schema=False)
async def collection(collection_id: str, request: Request, caller: CallerDep,
                     context: ContextDep) -> Response:
    await run_in_threadpool(context.catalog.get, caller, collection_id)
    response = await _pygeoapi(context, caller, request, core_api.describe_collections,
                               collection_id)
    return _rewrite_json(response, lambda doc: _add_collection_links(context, doc))


@router.get("/collections/{collection_id}/queryables", include_in_schema=False)
async def queryables(collection_id: str, request: Request, caller: CallerDep,
                     context: ContextDep) -> Response:
    collection = await run_in_threadpool(context.catalog.get, caller, collection_id)
    response = await _pygeoapi(context, caller, request,
                               itemtypes_api.get_collection_queryables, collection_id)
    temporal = collection.layer.spec.temporal_property

    def part3_schema_uri(document: dict[str, Any]) -> None:
        document["$schema"] = JSON_SCHEMA_2019  # Part 3 requires the https form
        properties = document.get("properties", {})
        if not collection.spatial:
            properties.pop("geometry", None)
        # a JSON document (a BIM element's property sets) has no CQL2 literal to compare
        # with: its scalar members are queryable as flat columns instead
        for name in [n for n, s in properties.items()
                     if isinstance(s, dict) and s.get("type") == "object"]:
            del properties[name]
        found = properties.get(temporal or "")
        if isinstance(found, dict):  # what ``datetime`` filters on (Part 5's role)
            found["x-ogc-role"] = "primary-instant"

    return _rewrite_json(response, part3_schema_uri)


@router.get("/collections/{collection_id}/schema", include_in_schema=False)
async def schema(collection_id: str, request: Request, caller: CallerDep,
                 context: ContextDep) -> Response:
    await run_in_threadpool(context.catalog.get, caller, collection_id)
    return await _pygeoapi(context, caller, request, core_api.get_collection_schema,
                           collection_id)


@router.get("/TileMatrixSets", include_in_schema=False)
async def tile_matrix_sets(request: Request, caller: CallerDep, context: ContextDep) -> Response:
    return await _pygeoapi(context, caller, request, tiles_api.tilematrixsets)


@router.get("/TileMatrixSets/{tms_id}", include_in_schema=False)
async def tile_matrix_set(tms_id: str, request: Request, caller: CallerDep,
                          context: ContextDep) -> Response:
    return await _pygeoapi(context, caller, request, tiles_api.tilematrixset, tms_id)


def _geojson_response(page: features.Page, links: list[dict[str, str]]) -> Response:
    """The page with ``Content-Crs`` and a ``Link`` header (self, alternate, queryables)."""
    link_header = ", ".join(f'<{link["href"]}>; rel="{link["rel"]}"; type="{link["type"]}"'
                            for link in links
                            if link["rel"] in ("self", "alternate", QUERYABLES_REL))
    return Response(page.body, media_type=features.GEOJSON,
                    headers={"Content-Crs": f"<{page.crs.uri}>", "Link": link_header})


def _links(context: OgcContext, collection: Collection, request: Request) -> features.LinkBuilder:
    url = f"{context.settings.base_url}/collections/{collection.id}"
    return features.LinkBuilder(url, multi_params(request.query_params.multi_items()))


@lru_cache(maxsize=256)
def _relation(schema: str, table: str, attributes: tuple[Attribute, ...]) -> Any:
    """The table clause of a relation (built once per relation and column list)."""
    return sql.relation(schema, table, attributes)


#: the JSON fast path answers by ``f`` or Accept, and by the caller's view
ITEMS_VARY = f"Accept, {VARY_CREDENTIALS}"


def representation(request: Request) -> tuple[tuple[str, str], ...]:
    """The query parameters a GeoJSON body depends on: all but ``f`` (``f=json`` and no ``f``
    give the same bytes), ordered by name (stable, so repeated values keep their order)."""
    return tuple(sorted(((k, v) for k, v in request.query_params.multi_items() if k != "f"),
                        key=lambda pair: pair[0]))


def _cache_rules(view: View, etag: str) -> Validators:
    """Revalidated at every use (``no-cache``): the 304 costs no query, and an edit or a load
    shows at once; public only for what anyone may read."""
    return Validators(etag, cache_control(view.scope), ITEMS_VARY)


def item_validators(context: OgcContext, view: View, row_version: str,
                    shape: tuple[tuple[str, str], ...]) -> Validators:
    """The validators of one item in one view and shape (`twin.api.edit` answers its edits
    with the same tag a GET without parameters then returns)."""
    return _cache_rules(view, item_etag(row_version, "item", context.salt, view.layer_id,
                                        view.schema, view.table, *view.state, shape))


def _items_json(context: OgcContext, caller: Caller, collection_id: str,
                request: Request) -> Response:
    collection = context.catalog.get(caller, collection_id)
    query = parse_items_query(
        multi_params(request.query_params.multi_items()), collection, context.limits)
    view = context.view(collection)
    validators = _cache_rules(view, make_etag(
        "items", context.salt, view.layer_id, view.schema, view.table, *view.state,
        representation(request)))
    unchanged = validators.not_modified(request.headers.get("if-none-match"))
    if unchanged is not None:  # the stamp decides: the page query does not run
        return unchanged
    rel = _relation(collection.schema, collection.table, tuple(collection.attributes.values()))
    links = _links(context, collection, request)
    page = reads.run(context.reads, lambda conn: features.items_page(
        conn, rel, collection, query, links, context.counting))
    response = _geojson_response(page, links.page_links(query, more=False))
    response.headers.update(validators.headers())
    return response


def _item_json(context: OgcContext, caller: Caller, collection_id: str, item_id: str,
               request: Request) -> Response:
    collection = context.catalog.get(caller, collection_id)
    query = parse_item_query(multi_params(request.query_params.multi_items()), collection)
    view = context.view(collection)
    rel = _relation(collection.schema, collection.table, tuple(collection.attributes.values()))
    links = _links(context, collection, request)
    related = bim_links.item_links(context.settings, context.catalog, caller, collection.id,
                                   item_id)
    page, tag = features.item(context.reads, rel, collection, item_id, query, links, related)
    response = _geojson_response(page, links.item_links(item_id))
    if tag is not None:  # validation, and Part 4 optimistic locking
        validators = item_validators(context, view, tag,
                                     representation(request) + bim_links.tag_part(related))
        unchanged = validators.not_modified(request.headers.get("if-none-match"))
        if unchanged is not None:
            return unchanged
        response.headers.update(validators.headers())
    return response


@router.get("/collections/{collection_id}/items", include_in_schema=False)
async def items(collection_id: str, request: Request) -> Response:
    caller, context = await get_caller(request), await ogc_context(request)  # as `item`
    if wants(request) != "json":  # validated exactly as the fast path, then pygeoapi renders
        collection = await run_in_threadpool(context.catalog.get, caller, collection_id)
        parse_items_query(multi_params(request.query_params.multi_items()), collection,
                          context.limits)
        return await _pygeoapi(context, caller, request, itemtypes_api.get_collection_items,
                               collection_id)
    return await run_in_threadpool(_items_json, context, caller, collection_id, request)


@router.get("/collections/{collection_id}/items/{item_id}", include_in_schema=False)
async def item(collection_id: str, item_id: str, request: Request) -> Response:
    # the hottest route resolves its caller and context inline: FastAPI's dependency
    # machinery costs more per request than both lookups together
    caller, context = await get_caller(request), await ogc_context(request)
    if wants(request) != "json":
        collection = await run_in_threadpool(context.catalog.get, caller, collection_id)
        parse_item_query(multi_params(request.query_params.multi_items()), collection)
        return await _pygeoapi(context, caller, request, itemtypes_api.get_collection_item,
                               collection_id, item_id)
    return await run_in_threadpool(_item_json, context, caller, collection_id, item_id,
                                   request)
