"""The portal's report pages: report a problem on a map (or by coordinates without
JavaScript) and follow a report by its number, in the portal's layout and languages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from gis import registry
from gis.errors import LayerNotFound, ReportNotFound
from gis.reports import store
from twin.access import Caller, can_see, get_caller
from twin.portal.pages import PRIVATE, not_found_page
from twin.portal.render import render, translator
from twin.reports.refusals import PHOTO_AGAIN, TITLE, Refusal
from twin.reports.service import ReportsState, reports_state

router = APIRouter(tags=["citizens' reports"])
CallerDep = Annotated[Caller, Depends(get_caller)]
SCRIPT = Path(__file__).resolve().parent / "static" / "report-map.js"


def _state(request: Request) -> ReportsState:
    return reports_state(request.app)


StateDep = Annotated[ReportsState, Depends(_state)]


def _background(state: ReportsState, caller: Caller) -> tuple[list[str], list[float]]:
    """The commune's background layers the visitor may see, and the extent they cover."""
    shown: list[str] = []
    bounds: list[float] = []
    with state.engine.connect() as conn:
        for layer_id in state.settings.portal_background_layers:
            try:
                layer = registry.get_layer(conn, layer_id)
            except LayerNotFound:
                continue
            if can_see(caller, layer) and layer.spec.kind == "vector":
                shown.append(layer_id)
                if not bounds and layer.extent_4326:
                    bounds = list(layer.extent_4326)
    return shown, bounds


async def form_page(request: Request, caller: Caller, state: ReportsState,
                    filled: dict[str, str] | None = None, refused: Refusal | None = None,
                    photo_dropped: bool = False) -> Response:
    """The report form; after a refusal, filled again with what was typed, the reason on
    top and the concerned field marked, with the refusal's status code."""
    t = translator(request)
    layer = await run_in_threadpool(state.layer)
    background, bounds = await run_in_threadpool(_background, state, caller)
    config = state.config
    categories = [(code, config.category_label(code, t.lang)) for code in config.categories]
    refusal_values: dict[str, object] = {}
    if refused is not None:
        refusal_values = {"refusal": refused, "refusal_title": TITLE[t.lang],
                          "refusal_text": refused.text(t.lang),
                          "invalid": refused.input_id,
                          "photo_again": PHOTO_AGAIN[t.lang] if photo_dropped else None}
    response = render(request, "report.html", status=refused.status if refused else 200, t=t,
                      layer_id=layer.id, background=background, bounds=bounds,
                      categories=categories, locate=config.locate,
                      max_description=config.limits.description_chars, filled=filled or {},
                      **refusal_values)
    response.headers.update(PRIVATE)
    return response


@router.get("/portal/reports", include_in_schema=False)
async def report_page(request: Request, caller: CallerDep, state: StateDep) -> Response:
    return await form_page(request, caller, state)


@router.get("/portal/reports/report-map.js", include_in_schema=False)
async def report_script() -> Response:
    return FileResponse(SCRIPT, media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=3600"})


@router.get("/portal/reports/follow", include_in_schema=False)
async def follow_form(request: Request, number: str = "") -> Response:
    """The no-JavaScript follow form: to the report's page (an unknown number reads 404)."""
    if not number.strip().isdigit():
        return not_found_page(request)
    lang = translator(request).lang
    return RedirectResponse(f"{state_base(request)}/portal/reports/{int(number)}?lang={lang}",
                            status_code=303)


def state_base(request: Request) -> str:
    return str(reports_state(request.app).settings.base_url)


@router.get("/portal/reports/{number}", include_in_schema=False)
async def follow_page(request: Request, state: StateDep, number: str) -> Response:
    """A report's public page; anything but a known number reads as the portal's 404."""
    def read() -> tuple[store.Report, list[store.StatusChange]] | None:
        if not number.isdigit() or len(number) > 18:
            return None
        layer = state.layer()
        with state.engine.connect() as conn:
            try:
                found = store.public_report(conn, layer, int(number))
                return found, store.history(conn, found.number)
            except ReportNotFound:
                return None

    found = await run_in_threadpool(read)
    if found is None:
        return not_found_page(request)
    t = translator(request)
    report, history = found
    response = render(request, "report_follow.html", t=t, report=report, history=history,
                      category=state.config.category_label(report.category, t.lang),
                      status_label=lambda status: t(f"status_{status}"),
                      grid=t.number(state.config.public_grid_m),
                      sent=request.query_params.get("sent"))
    response.headers.update(PRIVATE)
    return response
