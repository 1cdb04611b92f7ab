"""OGC API Features Part 4: create, replace, update and delete items, with ETags.

Only keys with write rights that may also see the layer edit it (`gis.access.decide`,
``write``). For anyone else the layer is either invisible (404, as everywhere) or read-only
(401 without a key, 403 with one). Domain errors of the edit (invalid feature 400, unknown
feature 404, stale If-Match 412) propagate to the one error table in ``twin.errors``.
Payloads are GeoJSON in CRS84 unless ``Content-Crs`` names another offered CRS. Every change
is versioned (``twin.feature_change``) and audited (by the audit middleware).

ETags are those GET serves (`twin.ogc.api.item_validators`: ``"<row version>.<view digest>"``);
If-Match is compared on the row version alone (`twin.http_cache.row_versions`), so a tag
read through any view or shape still locks the row. After its commit every edit expires the
OGC catalogue (`Catalog.expire`): this process's next item, page or tile response is made
from the new edit counter at once, never a stale 304 or cached tile.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from gis import edit, registry
from gis.access import decide
from gis.errors import LayerNotFound
from gis.model import Layer
from twin.access import Caller, can_write, get_caller, note_feature_count
from twin.errors import (
    BadRequest,
    CollectionNotFound,
    CredentialsRequired,
    ItemNotFound,
    WriteForbidden,
)
from twin.http_cache import row_versions
from twin.ogc.api import item_validators
from twin.ogc.context import OgcContext
from twin.ogc.crs import parse_crs

router = APIRouter(tags=["OGC API Features Part 4"])
CallerDep = Annotated[Caller, Depends(get_caller)]
READ = "GET, HEAD, OPTIONS"
MERGE_PATCH = ("application/merge-patch+json", "application/json", "application/geo+json")


def _layer(request: Request, caller: Caller, collection_id: str) -> Layer:
    with request.app.state.engine.connect() as conn:
        try:
            layer = registry.get_layer(conn, collection_id)
        except LayerNotFound:
            raise CollectionNotFound(collection_id) from None
    if not decide(caller, layer, "read").allowed or layer.spec.kind != "vector":
        raise CollectionNotFound(collection_id)
    return layer


def _writable(request: Request, caller: Caller, collection_id: str) -> Layer:
    layer = _layer(request, caller, collection_id)
    decision = decide(caller, layer, "write")
    if not decision.visible:
        raise CollectionNotFound(collection_id)
    if not decision.allowed:
        raise CredentialsRequired() if decision.reason == "anonymous" else WriteForbidden()
    if layer.current_version is None:
        raise CollectionNotFound(collection_id)
    return layer


def _fid(collection_id: str, item_id: str) -> int:
    try:
        fid = int(item_id)
    except ValueError:
        raise ItemNotFound(collection_id, item_id) from None
    if not 0 < fid < 2**63:
        raise ItemNotFound(collection_id, item_id)
    return fid


def _crs(request: Request, layer: Layer) -> edit.SourceCrs:
    header = request.headers.get("content-crs")
    value = header.strip().strip("<>") if header else None
    parsed = parse_crs(value, layer.storage_srid, "Content-Crs")
    return edit.SourceCrs(parsed.srid, parsed.lat_lon)


async def _body(request: Request) -> dict[str, Any]:
    media = request.headers.get("content-type", "application/json").split(";")[0].strip()
    if media not in MERGE_PATCH:
        raise BadRequest(f"Content-Type {media!r}: send GeoJSON (application/geo+json)")
    try:
        document = orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"the body is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise BadRequest("the body must be a GeoJSON Feature object")
    return document


def _apply(engine: Engine, request: Request, layer: Layer, change: Any, *args: Any) -> Any:
    """Run one edit in its own transaction (edit errors propagate to the error table:
    EditError 400, FeatureNotFound 404, EditConflict 412). Downloads need no invalidation:
    the edit moves the layer's ``edit_seq``, to which `gis.export` keys its files."""
    with engine.begin() as conn:
        result = change(conn, layer, *args)
    _context(request).catalog.expire()  # the edit moved edit_seq: see it at the next read
    note_feature_count(request, 1)
    return result


def _context(request: Request) -> OgcContext:
    context: OgcContext = request.app.state.ogc
    return context


def _etag(request: Request, caller: Caller, layer: Layer, row_version: str) -> str:
    """The ETag a GET of the item without parameters now returns to this caller (the
    catalogue was expired by the edit, so its stamp is the edit's)."""
    context = _context(request)
    collection = context.catalog.get(caller, layer.id)
    return item_validators(context, context.view(collection), row_version, ()).etag


def _item_url(request: Request, layer_id: str, fid: int) -> str:
    return f"{request.app.state.settings.base_url}/collections/{layer_id}/items/{fid}"


@router.options("/collections/{collection_id}/items", include_in_schema=False)
async def items_options(request: Request, caller: CallerDep, collection_id: str) -> Response:
    layer = await run_in_threadpool(_layer, request, caller, collection_id)
    allow = "GET, HEAD, POST, OPTIONS" if can_write(caller, layer) else READ
    return Response(status_code=204, headers={"Allow": allow})


@router.options("/collections/{collection_id}/items/{item_id}", include_in_schema=False)
async def item_options(request: Request, caller: CallerDep, collection_id: str,
                       item_id: str) -> Response:
    layer = await run_in_threadpool(_layer, request, caller, collection_id)
    _fid(collection_id, item_id)
    writable = can_write(caller, layer)
    allow = "GET, HEAD, PUT, PATCH, DELETE, OPTIONS" if writable else READ
    return Response(status_code=204, headers={"Allow": allow})


@router.post("/collections/{collection_id}/items", include_in_schema=False)
async def create(request: Request, caller: CallerDep, collection_id: str) -> Response:
    layer = await run_in_threadpool(_writable, request, caller, collection_id)
    feature = await _body(request)
    crs = _crs(request, layer)
    fid, tag = await run_in_threadpool(_apply, request.app.state.engine, request, layer,
                                       edit.create_feature, feature, crs, caller.key_id)
    etag = await run_in_threadpool(_etag, request, caller, layer, tag)
    return Response(status_code=201, headers={
        "Location": _item_url(request, layer.id, fid), "ETag": etag})


async def _change(request: Request, caller: Caller, collection_id: str, item_id: str,
                  change: Any) -> Response:
    layer = await run_in_threadpool(_writable, request, caller, collection_id)
    fid = _fid(collection_id, item_id)
    feature = await _body(request)
    crs = _crs(request, layer)
    tag = await run_in_threadpool(_apply, request.app.state.engine, request, layer, change,
                                  fid, feature, crs, caller.key_id,
                                  row_versions(request.headers.get("if-match")))
    etag = await run_in_threadpool(_etag, request, caller, layer, tag)
    return Response(status_code=204, headers={"ETag": etag})


@router.put("/collections/{collection_id}/items/{item_id}", include_in_schema=False)
async def replace(request: Request, caller: CallerDep, collection_id: str,
                  item_id: str) -> Response:
    return await _change(request, caller, collection_id, item_id, edit.replace_feature)


@router.patch("/collections/{collection_id}/items/{item_id}", include_in_schema=False)
async def update(request: Request, caller: CallerDep, collection_id: str,
                 item_id: str) -> Response:
    return await _change(request, caller, collection_id, item_id, edit.update_feature)


@router.delete("/collections/{collection_id}/items/{item_id}", include_in_schema=False)
async def delete(request: Request, caller: CallerDep, collection_id: str,
                 item_id: str) -> Response:
    layer = await run_in_threadpool(_writable, request, caller, collection_id)
    fid = _fid(collection_id, item_id)
    await run_in_threadpool(_apply, request.app.state.engine, request, layer,
                            edit.delete_feature, fid, caller.key_id,
                            row_versions(request.headers.get("if-match")))
    return Response(status_code=204)
