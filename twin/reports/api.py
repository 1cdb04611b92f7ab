"""``/api/reports``: citizens report a located problem and follow it; staff move it on.

``POST /api/reports`` takes JSON, an HTML form or a multipart form with a photo (the portal's
page works without JavaScript). Abuse handling is the portal's: a honeypot (``website``), a
rate limit per client (`twin.portal.limits`, a limiter of its own), size limits, an e-mail
kept only with explicit consent; the photo is checked and re-encoded without metadata
(`gis.reports.photos`), its GPS position used only with consent (``use_photo_location``).
``GET /api/reports/{number}`` answers what anyone may know (the published view: category,
status, dates, location rounded to the layer's grid). Staff -- callers who may write the
reports layer -- list full reports and set statuses; so does QGIS through Part 4.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from gis import registry
from gis.access import decide
from gis.errors import LayerNotFound, ReportError, ReportNotFound
from gis.reports import store
from gis.reports.photos import CleanPhoto, clean_photo
from gis.reports.workflow import as_status
from twin.access import ANONYMOUS, Caller, get_caller
from twin.errors import (
    CredentialsRequired,
    ProducerKeyRequired,
    SubmissionRefused,
    TooManySubmissions,
    http_error,
)
from twin.reports.pages import form_page
from twin.reports.refusals import refusal
from twin.reports.service import ReportsState, deliver_notices, reports_state

router = APIRouter(tags=["citizens' reports"])
CallerDep = Annotated[Caller, Depends(get_caller)]
HONEYPOT = "website"
MAX_FIELDS = 64 * 1024
EMAIL = re.compile(r"^[^@\s<>]{1,64}@[^@\s<>]{1,255}\.[^@\s<>]{2,63}$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
YES = (True, "true", "on", "yes", "1")
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
#: what the form shows again after a refusal (never the honeypot; a photo cannot be)
REFILLED = frozenset({"category", "description", "lon", "lat", "parcel", "email", "consent",
                      "use_photo_location"})


def _state(request: Request) -> ReportsState:
    return reports_state(request.app)


StateDep = Annotated[ReportsState, Depends(_state)]


async def _fields(request: Request, state: ReportsState) -> tuple[dict[str, Any], bytes | None,
                                                                    bool]:
    """(fields, photo bytes, came from a form): JSON, url-encoded or multipart."""
    limit = state.config.limits.photo_bytes + MAX_FIELDS
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise SubmissionRefused(f"at most {limit} bytes", "size")
    media = request.headers.get("content-type", "").split(";")[0].strip()
    if media in FORM_TYPES:
        form = await request.form(max_files=1, max_fields=20, max_part_size=MAX_FIELDS)
        fields: dict[str, Any] = {k: v for k, v in form.multi_items()
                                  if isinstance(v, str)}
        upload = form.get("photo")
        photo = None
        if isinstance(upload, UploadFile) and upload.filename:
            photo = await upload.read(state.config.limits.photo_bytes + 1)
        return fields, photo or None, True
    body = await request.body()
    if len(body) > MAX_FIELDS:
        raise SubmissionRefused(f"at most {MAX_FIELDS} bytes of JSON (photos: multipart)",
                               "size")
    try:
        data = json.loads(body)
    except ValueError:
        raise SubmissionRefused("send JSON, a form or a multipart form") from None
    if not isinstance(data, dict):
        raise SubmissionRefused("send a JSON object")
    return data, None, False


def _text(fields: dict[str, Any], name: str, limit: int, required: bool) -> str | None:
    value = fields.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise SubmissionRefused(f"{name}: required", name)
        return None
    if not isinstance(value, str):
        raise SubmissionRefused(f"{name}: text expected", name)
    value = CONTROL.sub("", value.strip())
    if len(value) > limit:
        raise SubmissionRefused(f"{name}: at most {limit} characters", name)
    return value


def _number(value: Any, name: str) -> float:
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise SubmissionRefused(f"{name}: a number in degrees expected", "location") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise SubmissionRefused(f"{name}: a number in degrees expected", "location")
    return number


def _point(fields: dict[str, Any]) -> tuple[float, float] | None:
    """lon/lat fields, or a GeoJSON point (``location`` or ``geometry``), or nothing."""
    geometry = fields.get("location") or fields.get("geometry")
    if isinstance(geometry, str) and geometry.strip().startswith("{"):
        try:
            geometry = json.loads(geometry)
        except ValueError:
            raise SubmissionRefused("location: not GeoJSON", "location") from None
    if isinstance(geometry, dict):
        coordinates = geometry.get("coordinates")
        if geometry.get("type") != "Point" or not isinstance(coordinates, list) \
                or len(coordinates) < 2:
            raise SubmissionRefused("location: a GeoJSON Point expected", "location")
        return _number(coordinates[0], "location"), _number(coordinates[1], "location")
    lon, lat = fields.get("lon"), fields.get("lat")
    if lon in (None, "") and lat in (None, ""):
        return None
    if lon in (None, "") or lat in (None, ""):
        raise SubmissionRefused("lon, lat: both are needed", "location")
    return _number(lon, "lon"), _number(lat, "lat")


def _new_report(fields: dict[str, Any], photo: CleanPhoto | None, state: ReportsState
                ) -> store.NewReport:
    category = _text(fields, "category", 64, required=True)
    description = _text(fields, "description", state.config.limits.description_chars, True)
    email = _text(fields, "email", 200, required=False)
    if email is not None:
        if not EMAIL.match(email):
            raise SubmissionRefused("email: not an e-mail address", "email")
        if fields.get("consent") not in YES:
            raise SubmissionRefused("email: kept only with your consent (consent: true)",
                                   "email")
    point = _point(fields)
    given = str(fields.get("source"))
    source = given if given in ("map", "parcel") else "form"
    if point is None and photo is not None and photo.position is not None:
        point, source = photo.position, "photo"
    if point is None:
        raise SubmissionRefused("location: click the map, give lon and lat or a parcel, or "
                                "share the photo's location", "location")
    assert category is not None
    assert description is not None
    return store.NewReport(category, description, point[0], point[1], email, source, photo)


def _locate(state: ReportsState, value: str) -> tuple[float, float]:
    """The place typed in the form, from the declared layer as the public sees it."""
    locator = state.config.locate
    if locator is None:
        raise SubmissionRefused("parcel: this portal places reports by coordinates only",
                               "parcel")
    with state.engine.connect() as conn:
        try:
            layer = registry.get_layer(conn, locator.layer)
        except LayerNotFound:
            layer = None
        if layer is None or not decide(ANONYMOUS, layer, "read").allowed:
            raise SubmissionRefused("parcel: the search layer is not available", "parcel")
        return store.locate(conn, layer, locator.field, value)


def _submit(state: ReportsState, fields: dict[str, Any], photo_bytes: bytes | None) -> int:
    limits = state.config.limits
    photo = None
    if photo_bytes is not None:
        photo = clean_photo(photo_bytes, limits.photo_bytes, limits.photo_pixels,
                            use_position=fields.get("use_photo_location") in YES)
    parcel = _text(fields, "parcel", 100, required=False)
    if parcel is not None and _point(fields) is None:
        lon, lat = _locate(state, parcel)
        fields = {**fields, "lon": lon, "lat": lat, "source": "parcel"}
    report = _new_report(fields, photo, state)
    layer = state.layer()
    with state.engine.begin() as conn:
        return store.submit(conn, layer, state.config, report)


def _from_form(request: Request) -> bool:
    """Sent by the portal's form in a browser (no JavaScript): it wants pages, not JSON."""
    media = request.headers.get("content-type", "").split(";")[0].strip()
    return media in FORM_TYPES and "text/html" in request.headers.get("accept", "")


@router.post("/api/reports", include_in_schema=False)
async def post_report(request: Request, state: StateDep, caller: CallerDep) -> Response:
    """A new report; a refused one sent by the portal's form gets the form back, filled
    again, with the reason in the visitor's language (API clients keep the OGC document)."""
    typed = Typed()
    try:
        return await _receive(request, state, typed)
    except (SubmissionRefused, TooManySubmissions) as exc:
        if not _from_form(request):
            raise
        status, body = http_error(exc)
        filled = {k: str(v) for k, v in typed.fields.items()
                  if k in REFILLED and isinstance(v, str | int | float)}
        return await form_page(request, caller, state, filled,
                               refusal(str(body["description"]), status,
                                       getattr(exc, "field", None)),
                               photo_dropped=typed.photo)


@dataclass
class Typed:
    """What the citizen sent, kept to fill the form again if the report is refused."""

    fields: dict[str, Any] = field(default_factory=dict)
    photo: bool = False


async def _receive(request: Request, state: ReportsState, typed: Typed) -> Response:
    fields, photo, form = await _fields(request, state)
    typed.fields, typed.photo = fields, photo is not None
    if fields.get(HONEYPOT):
        raise SubmissionRefused("refused")
    client = request.client.host if request.client else "unknown"
    if not state.limiter.allow(client):
        raise TooManySubmissions("too many reports from this client: try again later")
    try:
        number = await run_in_threadpool(_submit, state, fields, photo)
    except ReportError as exc:
        raise SubmissionRefused(str(exc), exc.field) from None
    follow = f"{state.settings.base_url}/portal/reports/{number}"
    if form and "text/html" in request.headers.get("accept", ""):
        lang = request.query_params.get("lang") or fields.get("lang") or "fr"
        return RedirectResponse(f"{follow}?lang={lang if lang in ('fr', 'nl', 'en') else 'fr'}"
                                "&sent=1", status_code=303)
    return JSONResponse({"number": number, "status": "new", "follow": follow},
                        status_code=201, headers={"Location": f"/api/reports/{number}"})


def public_json(state: ReportsState, number: int) -> dict[str, Any]:
    """What anyone may know of a report, with its history of statuses."""
    layer = state.layer()
    with state.engine.connect() as conn:
        report = store.public_report(conn, layer, number)
        changes = store.history(conn, number)
    base = state.settings.base_url
    return {
        "number": report.number, "category": report.category, "status": report.status,
        "created": report.created_at.isoformat(), "updated": report.updated_at.isoformat(),
        "location": {"type": "Point", "coordinates": [round(report.lon, 6),
                                                      round(report.lat, 6)]},
        "changes": [{"status": c.to_status, "at": c.changed_at.isoformat()} for c in changes],
        "photo": f"{base}/api/reports/{number}/photo" if report.photo_published else None,
    }


@router.get("/api/reports/{number}", include_in_schema=False)
async def get_report(state: StateDep, number: int) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(public_json, state, number))


def _staff(state: ReportsState, caller: Caller) -> Any:
    layer = state.layer()
    decision = decide(caller, layer, "write")
    if decision.reason == "anonymous":
        raise CredentialsRequired()
    if not decision.allowed:
        raise ProducerKeyRequired("a staff key that may edit the reports layer is needed")
    return layer


@router.get("/api/reports/{number}/photo", include_in_schema=False)
async def get_photo(state: StateDep, caller: CallerDep, number: int) -> Response:
    """The photo, once staff published it (staff see every photo)."""
    def read() -> tuple[str, bytes]:
        layer = state.layer()
        staff = caller.role != "anonymous" and decide(caller, layer, "write").allowed
        with state.engine.connect() as conn:
            published = store.public_report(conn, layer, number).photo_published
            found = store.photo(conn, number) if (published or staff) else None
        if found is None:
            raise ReportNotFound(f"no photo for report {number}")
        return found

    media, content = await run_in_threadpool(read)
    return Response(content, media_type=media, headers={"Cache-Control": "private, no-store",
                                                        "X-Content-Type-Options": "nosniff"})


def staff_json(report: store.Report) -> dict[str, Any]:
    return {"number": report.number, "category": report.category, "status": report.status,
            "created": report.created_at.isoformat(), "updated": report.updated_at.isoformat(),
            "location": {"type": "Point", "coordinates": [report.lon, report.lat]},
            "description": report.description, "email": report.email,
            "location_source": report.location_source, "has_photo": report.has_photo,
            "photo_published": report.photo_published}


@router.get("/api/reports", include_in_schema=False)
async def list_reports(state: StateDep, caller: CallerDep, status: str | None = None,
                       limit: int = 500) -> JSONResponse:
    def read() -> list[dict[str, Any]]:
        layer = _staff(state, caller)
        wanted = as_status(status) if status else None
        with state.engine.connect() as conn:
            return [staff_json(r) for r in store.staff_reports(conn, layer, wanted,
                                                               limit=min(max(limit, 1), 5000))]

    reports = await run_in_threadpool(read)
    return JSONResponse({"reports": reports}, headers={"Cache-Control": "private, no-store"})


class StatusChange(BaseModel):
    """A staff decision: the next status, optionally publishing (or withdrawing) the photo."""

    status: str
    publish_photo: bool | None = None


@router.post("/api/reports/{number}/status", include_in_schema=False)
async def set_status(state: StateDep, caller: CallerDep, number: int,
                     change: StatusChange) -> JSONResponse:
    def apply() -> dict[str, Any]:
        layer = _staff(state, caller)
        with state.engine.begin() as conn:
            store.set_status(conn, layer, number, as_status(change.status), caller.key_id,
                             change.publish_photo)
            report = store.staff_reports(conn, layer, number=number)[0]
        deliver_notices(state)
        return staff_json(report)

    return JSONResponse(await run_in_threadpool(apply))
