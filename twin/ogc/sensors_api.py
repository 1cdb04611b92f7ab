"""``/collections/sensors``: the Things with their latest observations (`twin.ogc.sensors`).

Included before the features router (as the records collection is) so that these paths win
over ``/collections/{collection_id}``. GeoJSON and JSON only: browsers asking for HTML are
sent to the portal's sensors page, which shows the same Things with their charts.
"""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from gis.sensors import latest
from gis.sensors.latest import Box
from twin.access import Caller, get_caller
from twin.errors import ItemNotFound
from twin.http_cache import VARY_CREDENTIALS
from twin.ogc import sensors
from twin.ogc.context import OgcContext, ogc_context
from twin.ogc.delegate import wants
from twin.ogc.query import multi_params
from twin.sta.api import scope_for

router = APIRouter(tags=["OGC API Features"])
CallerDep = Annotated[Caller, Depends(get_caller)]
ContextDep = Annotated[OgcContext, Depends(ogc_context)]
BASE = f"/collections/{sensors.SENSORS_ID}"
#: latest values change with every observation: revalidate always, per caller
HEADERS = {"Cache-Control": "private, no-cache", "Vary": f"Accept, {VARY_CREDENTIALS}"}


def _portal(context: OgcContext) -> RedirectResponse:
    return RedirectResponse(f"{context.settings.base_url}/portal/sensors", status_code=303)


def _json(body: bytes, media_type: str) -> Response:
    return Response(body, media_type=media_type, headers=HEADERS)


def extent_for(context: OgcContext, caller: Caller) -> Box | None:
    """The bbox of the Things this caller sees (None: none has a location). Part of the
    ``/collections`` list, so read where the catalogue reads (a replica, when configured)."""
    engine = context.catalog.engine
    with engine.connect() as conn:
        return latest.extent(conn, scope_for(engine, caller))


@router.get(BASE, include_in_schema=False)
async def sensors_collection(request: Request, caller: CallerDep,
                             context: ContextDep) -> Response:
    if wants(request) == "html":
        return _portal(context)
    box = await run_in_threadpool(extent_for, context, caller)
    return _json(orjson.dumps(sensors.collection_document(context.settings.base_url, box)),
                 "application/json")


@router.get(f"{BASE}/queryables", include_in_schema=False)
async def sensors_queryables(request: Request, context: ContextDep) -> Response:
    if wants(request) == "html":
        return _portal(context)
    return _json(orjson.dumps(sensors.queryables_document(context.settings.base_url)),
                 "application/schema+json")


def _items(context: OgcContext, caller: Caller, request: Request) -> Response:
    params = multi_params(request.query_params.multi_items())
    body, links = sensors.items_document(context.engine, scope_for(context.engine, caller),
                                         context.settings.base_url, params, context.limits)
    response = _json(body, sensors.GEOJSON)
    response.headers["Link"] = ", ".join(
        f'<{link["href"]}>; rel="{link["rel"]}"; type="{link["type"]}"' for link in links
        if link["rel"] in ("self", "alternate", "next", "prev", sensors.QUERYABLES_REL))
    return response


@router.get(f"{BASE}/items", include_in_schema=False)
async def sensors_items(request: Request, caller: CallerDep, context: ContextDep) -> Response:
    if wants(request) == "html":
        return _portal(context)
    return await run_in_threadpool(_items, context, caller, request)


def _item(context: OgcContext, caller: Caller, item_id: str) -> Response:
    document = sensors.item_document(context.engine, scope_for(context.engine, caller),
                                     context.settings.base_url, item_id)
    if document is None:
        raise ItemNotFound(sensors.SENSORS_ID, item_id)
    return _json(orjson.dumps(document), sensors.GEOJSON)


@router.get(f"{BASE}/items/{{item_id}}", include_in_schema=False)
async def sensors_item(item_id: str, request: Request, caller: CallerDep,
                       context: ContextDep) -> Response:
    if wants(request) == "html":
        return _portal(context)
    return await run_in_threadpool(_item, context, caller, item_id)
