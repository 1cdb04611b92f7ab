"""``/portal/``: home, search, dataset pages, reuses, about, feeds and the portal's errors.

Pages are rendered on the server in the visitor's language (`twin.portal.render`); what
they list is what `gis.access.decide` lets the visitor see, and an invisible dataset reads
exactly like an unknown one (a 404 page that does not name it).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from gis.portal.feedback import list_items
from twin.access import Caller, can_see, get_caller
from twin.errors import NotFound
from twin.portal import feed
from twin.portal.dataset import build_page
from twin.portal.index import Entry
from twin.portal.render import render, translator
from twin.portal.search import (
    FACETS,
    PAGE_SIZE,
    SORTS,
    SearchQuery,
    facet_counts,
    run_search,
    visible,
)
from twin.portal.sensors import sensor_views
from twin.portal.state import PortalState, portal_state
from twin.settings import Settings

router = APIRouter(tags=["portal"])
CallerDep = Annotated[Caller, Depends(get_caller)]
StateDep = Annotated[PortalState, Depends(portal_state)]
STATIC = Path(__file__).resolve().parent / "static"
HOME_LISTS = 6
#: the MapLibre files a page loads (the rest of the npm package is not served)
MAPLIBRE_FILES = frozenset({"maplibre-gl.mjs", "maplibre-gl-shared.mjs",
                            "maplibre-gl-worker.mjs", "maplibre-gl.css"})
PRIVATE = {"Cache-Control": "private, no-cache", "Vary": "Accept-Language, Authorization, "
           "X-API-Key, Cookie"}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def not_found_page(request: Request) -> Response:
    t = translator(request)
    response = render(request, "error.html", status=404, t=t, status_code=404,
                      message=t("error_404"))
    response.headers.update(PRIVATE)
    return response


def error_page(request: Request, status: int, description: str, request_id: str | None
               ) -> Response | None:
    """The error of a portal page a browser asked for, as a page in the visitor's language
    (`twin.errors` asks; the APIs and JSON clients keep the OGC exception document)."""
    path = request.url.path
    if not (path == "/portal" or path.startswith("/portal/")) \
            or "text/html" not in request.headers.get("accept", ""):
        return None
    t = translator(request)
    message = t("error_404") if status == 404 else t("error_other")
    detail = description if status < 500 else None  # a server fault's cause stays in the log
    response = render(request, "error.html", status=status, t=t, status_code=status,
                      message=message, detail=detail, request_id=request_id)
    response.headers.update(PRIVATE)
    return response


@router.get("/portal", include_in_schema=False)
async def portal_root(request: Request) -> RedirectResponse:
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"{_settings(request).base_url}/portal/{query}", status_code=308)


@router.get("/portal/", include_in_schema=False)
async def home(request: Request, caller: CallerDep, state: StateDep) -> Response:
    entries = visible(await run_in_threadpool(state.index.entries), caller)
    themes = facet_counts(entries, "theme")
    latest = sorted((e for e in entries if e.modified), key=_modified, reverse=True)[:HOME_LISTS]
    popular = sorted((e for e in entries if e.popularity), key=lambda e: (-e.popularity, e.id)
                     )[:HOME_LISTS]
    response = render(request, "home.html", entries=entries, themes=themes, latest=latest,
                      popular=popular)
    response.headers.update(PRIVATE)
    return response


def _modified(entry: Entry) -> str:
    return entry.modified.isoformat() if entry.modified else ""


def _query(request: Request) -> SearchQuery:
    params = request.query_params
    filters = {facet: tuple(v for v in params.getlist(facet) if v) for facet in FACETS}
    sort = params.get("sort", "relevance")
    try:
        page = int(params.get("page", "1"))
    except ValueError:
        page = 1
    return SearchQuery(params.get("q", "")[:200], {k: v for k, v in filters.items() if v},
                       sort if sort in SORTS else "relevance", page)


@router.get("/portal/search", include_in_schema=False)
async def search(request: Request, caller: CallerDep, state: StateDep) -> Response:
    query = _query(request)
    entries = await run_in_threadpool(state.index.entries)
    result = await run_in_threadpool(run_search, request.app.state.engine, entries, caller,
                                     query)
    response = render(request, "search.html", query=query, result=result, facets=FACETS,
                      page_size=PAGE_SIZE, sorts=SORTS)
    response.headers.update(PRIVATE)
    return response


def _entry(state: PortalState, caller: Caller, layer_id: str) -> Entry | None:
    for entry in state.index.entries():
        if entry.id == layer_id:
            return entry if can_see(caller, entry.layer) else None
    return None


def _fresh_entry(state: PortalState, caller: Caller, layer_id: str) -> Entry | None:
    found = _entry(state, caller, layer_id)
    if found is None:  # registered since the last read? read once more before a 404
        state.index.expire()
        found = _entry(state, caller, layer_id)
    return found


def _background(state: PortalState, caller: Caller, settings: Settings,
                layer_id: str) -> tuple[str, ...]:
    ids = [i for i in settings.portal_background_layers if i != layer_id]
    entries = {e.id: e for e in state.index.entries() if e.id in ids}
    return tuple(i for i in ids if i in entries and can_see(caller, entries[i].layer)
                 and entries[i].layer.spec.kind == "vector")


def _dataset(request: Request, caller: Caller, state: PortalState, layer_id: str) -> Response:
    entry = _fresh_entry(state, caller, layer_id)
    if entry is None:
        return not_found_page(request)
    settings = _settings(request)
    state.usage.flush()
    t = translator(request)
    with request.app.state.engine.connect() as conn:
        page = build_page(conn, settings, caller, entry, t,
                          _background(state, caller, settings, layer_id))
    response = render(request, "dataset.html", t=t, page=page, entry=entry,
                      layer=entry.layer, sent=request.query_params.get("sent"))
    response.headers.update(PRIVATE)
    return response


@router.get("/portal/datasets/{layer_id}", include_in_schema=False)
async def dataset(request: Request, caller: CallerDep, state: StateDep,
                  layer_id: str) -> Response:
    return await run_in_threadpool(_dataset, request, caller, state, layer_id)


@router.get("/portal/reuses", include_in_schema=False)
async def reuses(request: Request, caller: CallerDep, state: StateDep) -> Response:
    entries = {e.id: e for e in visible(await run_in_threadpool(state.index.entries), caller)}

    def read() -> list[object]:
        with request.app.state.engine.connect() as conn:
            return list(list_items(conn, "reuse", list(entries), ("published",)))

    items = await run_in_threadpool(read)
    response = render(request, "reuses.html", items=items, entries=entries)
    response.headers.update(PRIVATE)
    return response


@router.get("/portal/sensors", include_in_schema=False)
async def sensors(request: Request, caller: CallerDep) -> Response:
    """The live sensors the visitor may see, with their latest values and charts."""
    t = translator(request)
    things = await run_in_threadpool(sensor_views, request.app.state.engine, caller, t)
    response = render(request, "sensors.html", t=t, things=things)
    response.headers.update(PRIVATE)
    return response


@router.get("/portal/about", include_in_schema=False)
async def about(request: Request) -> Response:
    return render(request, "about.html")


@router.get("/portal/feed.atom", include_in_schema=False)
async def portal_feed(request: Request, caller: CallerDep, state: StateDep) -> Response:
    entries = visible(await run_in_threadpool(state.index.entries), caller)
    return await run_in_threadpool(feed.feed_response, request, entries, None)


@router.get("/portal/datasets/{layer_id}/feed.atom", include_in_schema=False)
async def dataset_feed(request: Request, caller: CallerDep, state: StateDep,
                       layer_id: str) -> Response:
    entry = await run_in_threadpool(_fresh_entry, state, caller, layer_id)
    if entry is None:
        raise NotFound("not found")
    return await run_in_threadpool(feed.feed_response, request, [entry], entry)


def _file(folder: Path, path: str) -> Response:
    target = (folder / path).resolve()
    if not target.is_relative_to(folder.resolve()) or not target.is_file():
        raise NotFound("not found")
    media = "text/javascript" if target.suffix == ".mjs" else mimetypes.guess_type(target)[0]
    return FileResponse(target, media_type=media or "application/octet-stream",
                        headers={"Cache-Control": "public, max-age=3600"})


@router.get("/portal/static/{path:path}", include_in_schema=False)
async def static(path: str) -> Response:
    return _file(STATIC, path)


@router.get("/portal/vendor/maplibre/{name}", include_in_schema=False)
async def maplibre(request: Request, name: str) -> Response:
    if name not in MAPLIBRE_FILES:
        raise NotFound("not found")
    return _file(_settings(request).maplibre_dir, name)


@router.get("/portal/{rest:path}", include_in_schema=False)
async def unknown_page(request: Request) -> Response:
    return not_found_page(request)
