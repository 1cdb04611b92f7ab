"""``/collections/catalog``: OGC API Records over the DCAT records (`twin.ogc.records`).

Included before the features router so that these paths win over
``/collections/{collection_id}``. JSON items, items and queryables are ours (CQL2 text and
JSON, exact paging); the collection document and every HTML page are pygeoapi's (the site's
layout), answered through `twin.ogc.records.TwinRecordProvider` with the caller put in
`records.CALLER` first, so a page never shows what its caller may not see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import orjson
import pygeoapi.api as core_api
import pygeoapi.api.itemtypes as itemtypes_api
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pygeoapi.util import render_j2_template
from starlette.concurrency import run_in_threadpool

from twin.access import Caller, get_caller
from twin.errors import BadRequest
from twin.http_cache import VARY_CREDENTIALS
from twin.ogc import records
from twin.ogc.context import OgcContext, ogc_context
from twin.ogc.delegate import call_pygeoapi, wants
from twin.ogc.query import multi_params

router = APIRouter(tags=["OGC API Records"])
CallerDep = Annotated[Caller, Depends(get_caller)]
ContextDep = Annotated[OgcContext, Depends(ogc_context)]
BASE = f"/collections/{records.CATALOG_ID}"
#: the answer depends on the caller's key (shared datasets) and on the format asked for
VARY = f"Accept, {VARY_CREDENTIALS}"


async def _pygeoapi_as(caller: Caller, context: OgcContext, request: Request,
                       handler: Callable[..., Any], *args: Any) -> Response:
    """A pygeoapi handler answering for ``caller``: `records.CALLER` holds it for the
    provider during the call only."""
    token = records.CALLER.set(caller)
    try:
        return await call_pygeoapi(context, caller, request, handler, *args)
    finally:
        records.CALLER.reset(token)


def _source(context: OgcContext) -> records.RecordSource:
    return records.RecordSource(context.catalog.engine, context.settings)  # lag-tolerant


def _json(document: dict[str, Any], media_type: str = records.GEOJSON) -> Response:
    """The document, with its page links also in a ``Link`` header (as the features fast
    path answers: clients such as ogctests read the offered formats there)."""
    headers = {"Vary": VARY, "Cache-Control": "private, no-cache"}
    links = [f'<{link["href"]}>; rel="{link["rel"]}"; type="{link["type"]}"'
             for link in document.get("links", [])
             if link["rel"] in ("self", "alternate", "next", "prev", records.QUERYABLES_REL)]
    if links and document.get("type") == "FeatureCollection":
        headers["Link"] = ", ".join(links)
    return Response(orjson.dumps(document), media_type=media_type, headers=headers)


@router.get(BASE, include_in_schema=False)
async def record_collection(request: Request, caller: CallerDep,
                            context: ContextDep) -> Response:
    """pygeoapi's collection document, with the sortables link it does not know."""
    response = await _pygeoapi_as(caller, context, request, core_api.describe_collections,
                                  records.CATALOG_ID)
    if response.status_code != 200 or "json" not in response.headers.get("content-type", ""):
        return response
    document = orjson.loads(response.body)
    document["links"] = [*document.get("links", []),
                         *records.collection_links(context.settings.base_url)]
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return Response(orjson.dumps(document), headers=headers)


@router.get(f"{BASE}/queryables", include_in_schema=False)
async def record_queryables(request: Request, caller: CallerDep,
                            context: ContextDep) -> Response:
    if wants(request) == "html":
        return await _pygeoapi_as(caller, context, request,
                                  itemtypes_api.get_collection_queryables, records.CATALOG_ID)
    return _json(records.queryables_document(context.settings.base_url),
                 "application/schema+json")


@router.get(f"{BASE}/sortables", include_in_schema=False)
async def record_sortables(request: Request, context: ContextDep) -> Response:
    wants(request)  # an unknown f is a 400, as everywhere
    return _json(records.sortables_document(context.settings.base_url),
                 "application/schema+json")


@router.get(f"{BASE}/schema", include_in_schema=False)
async def record_schema(request: Request, caller: CallerDep, context: ContextDep) -> Response:
    return await _pygeoapi_as(caller, context, request, core_api.get_collection_schema,
                              records.CATALOG_ID)


@router.get(f"{BASE}/items", include_in_schema=False)
async def record_items(request: Request, caller: CallerDep, context: ContextDep) -> Response:
    params = request.query_params.multi_items()
    query = records.parse_records_query(multi_params(params), context.limits)
    if wants(request) == "html":
        return await run_in_threadpool(_items_html, context, caller, query, params)
    if wants(request) == "jsonld":  # pygeoapi's JSON-LD, through the provider
        return await _pygeoapi_as(caller, context, request,
                                  itemtypes_api.get_collection_items, records.CATALOG_ID)
    page = await run_in_threadpool(records.records_page, _source(context), caller, query,
                                   params)
    return _json(page)


def _items_html(context: OgcContext, caller: Caller, query: records.RecordsQuery,
                params: list[tuple[str, str]]) -> Response:
    """pygeoapi's items page (the site's layout) over our page: rendered here, not by
    pygeoapi's handler, because that one reads ``filter`` as ECQL, refuses CQL2-JSON and
    drops the filter from its next/prev links."""
    api = context.core.api_for(context.catalog.visible(caller))
    content = records.records_page(_source(context), caller, query, params, "html")
    url = f"{context.settings.base_url}/collections/{records.CATALOG_ID}"
    title = api.config["resources"][records.CATALOG_ID]["title"]
    content["links"].append({"rel": "collection", "href": url, "type": "text/html",
                             "title": title.get("en", records.CATALOG_ID)})
    content.update(items_path=f"{url}/items", dataset_path=url,
                   collections_path=f"{context.settings.base_url}/collections",
                   offset=query.offset, id_field="title", title_field="title")
    html = render_j2_template(api.tpl_config, api.get_dataset_templates(records.CATALOG_ID),
                              "collections/items/index.html", content, api.default_locale)
    return Response(html, media_type="text/html",
                    headers={"Vary": VARY, "Cache-Control": "private, no-cache"})


@router.post(f"{BASE}/items", include_in_schema=False)
async def record_search(request: Request, caller: CallerDep, context: ContextDep) -> Response:
    """CQL2-JSON in the body (what OWSLib's ``cql=`` sends); other parameters in the query."""
    params = request.query_params.multi_items()
    if any(name in ("filter", "filter-lang") for name, _ in params):
        raise BadRequest("filter: give it in the body or in the query string, not both")
    body = (await request.body()).decode("utf-8", errors="replace")
    query = records.parse_records_query(
        multi_params([*params, ("filter", body), ("filter-lang", "cql2-json")]), context.limits)
    page = await run_in_threadpool(records.records_page, _source(context), caller, query,
                                   params)
    return _json(page)


@router.get(f"{BASE}/items/{{record_id}}", include_in_schema=False)
async def record_item(record_id: str, request: Request, caller: CallerDep,
                      context: ContextDep) -> Response:
    if wants(request) != "json":  # HTML and JSON-LD are pygeoapi's, after the 404 check
        await run_in_threadpool(records.one_record, _source(context), caller, record_id)
        return await _pygeoapi_as(caller, context, request, itemtypes_api.get_collection_item,
                                  records.CATALOG_ID, record_id)
    feature = await run_in_threadpool(records.one_record, _source(context), caller, record_id)
    return _json(feature)
