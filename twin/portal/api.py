"""Feedback and reuses: visitors post them, the layer's producer answers and moderates.

``POST /api/datasets/{id}/feedback`` and ``POST /api/datasets/{id}/reuses`` take JSON or a
form (the dataset page's forms work without JavaScript: a form post is answered with a
redirect back to the page). Abuse handling: length limits, a rate limit per client
(`twin.portal.limits`), a honeypot field (``website``) no person fills, e-mail kept only with
explicit consent and never shown. Producers -- callers who may write the layer
(`gis.access.decide`, ``write``), that is its editing keys and staff -- list every item with
the senders' addresses, answer questions and publish or hide items.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from gis import registry
from gis.access import decide
from gis.errors import LayerNotFound, SubmissionNotFound
from gis.model import Layer
from gis.portal.feedback import (
    FEEDBACK_KINDS,
    Item,
    Subject,
    add_item,
    answer_feedback,
    get_item,
    list_items,
    set_status,
)
from twin.access import Caller, can_see, get_caller
from twin.errors import (
    CredentialsRequired,
    DatasetNotFound,
    ProducerKeyRequired,
    SubmissionRefused,
    TooManySubmissions,
)
from twin.portal.mail import notify_new_item
from twin.portal.state import PortalState, portal_state
from twin.settings import Settings

router = APIRouter(tags=["portal"])
CallerDep = Annotated[Caller, Depends(get_caller)]
StateDep = Annotated[PortalState, Depends(portal_state)]
HONEYPOT = "website"
MAX_FIELD = 200
MAX_URL = 500
EMAIL = re.compile(r"^[^@\s<>]{1,64}@[^@\s<>]{1,255}\.[^@\s<>]{2,63}$")
URL = re.compile(r"^https?://[^\s<>\"]{3,}$")
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_BODY = 64 * 1024


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _layer(request: Request, caller: Caller, layer_id: str) -> Layer:
    with request.app.state.engine.connect() as conn:
        try:
            layer = registry.get_layer(conn, layer_id)
        except LayerNotFound:
            raise DatasetNotFound() from None
    if not can_see(caller, layer):
        raise DatasetNotFound()
    return layer


async def _payload(request: Request) -> tuple[dict[str, Any], bool]:
    """(fields, came from a form): JSON, or an HTML form (url-encoded: no file uploads)."""
    body = await request.body()
    if len(body) > MAX_BODY:
        raise SubmissionRefused(f"at most {MAX_BODY} bytes")
    media = request.headers.get("content-type", "").split(";")[0].strip()
    if media == FORM_TYPE:
        return dict(parse_qsl(body.decode("utf-8", "replace"))), True
    try:
        fields = json.loads(body)
    except ValueError:
        raise SubmissionRefused("send JSON or a form") from None
    if not isinstance(fields, dict):
        raise SubmissionRefused("send a JSON object")
    return fields, False


def _text(fields: dict[str, Any], name: str, limit: int, required: bool = True) -> str | None:
    value = fields.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise SubmissionRefused(f"{name}: required")
        return None
    if not isinstance(value, str):
        raise SubmissionRefused(f"{name}: text expected")
    value = value.strip()
    if len(value) > limit:
        raise SubmissionRefused(f"{name}: at most {limit} characters")
    return value


def _consented(fields: dict[str, Any]) -> bool:
    return fields.get("consent") in (True, "true", "on", "yes", "1")


def _author(fields: dict[str, Any]) -> tuple[str | None, str | None]:
    name = _text(fields, "name", MAX_FIELD, required=False)
    email = _text(fields, "email", MAX_FIELD, required=False)
    if email is not None:
        if not EMAIL.match(email):
            raise SubmissionRefused("email: not an e-mail address")
        if not _consented(fields):
            raise SubmissionRefused("email: kept only with your consent (consent: true)")
    return name, email


def _check_client(request: Request, state: PortalState, fields: dict[str, Any]) -> None:
    if fields.get(HONEYPOT):
        raise SubmissionRefused("refused")
    client = request.client.host if request.client else "unknown"
    if not state.limiter.allow(client):
        raise TooManySubmissions("too many messages from this client: try again later")


def _store(request: Request, layer: Layer, subject: Subject, values: dict[str, Any],
           author: tuple[str | None, str | None], summary: str) -> int:
    with request.app.state.engine.begin() as conn:
        item_id = add_item(conn, subject, layer.id, values, *author)
    notify_new_item(_settings(request), layer.spec, subject, item_id, summary, author[1])
    return item_id


def _created(request: Request, layer: Layer, item_id: int, form: bool) -> Response:
    if form:
        lang = request.query_params.get("lang")
        query = f"?sent={item_id}" + (f"&lang={lang}" if lang else "")
        base = _settings(request).base_url
        return RedirectResponse(f"{base}/portal/datasets/{layer.id}{query}#contact",
                                status_code=303)
    return JSONResponse({"id": item_id, "status": "new"}, status_code=201)


@router.post("/api/datasets/{layer_id}/feedback", include_in_schema=False)
async def post_feedback(request: Request, caller: CallerDep, state: StateDep,
                        layer_id: str) -> Response:
    fields, form = await _payload(request)
    layer = await run_in_threadpool(_layer, request, caller, layer_id)
    _check_client(request, state, fields)
    kind = fields.get("kind")
    if kind not in FEEDBACK_KINDS:
        raise SubmissionRefused(f"kind: one of {', '.join(FEEDBACK_KINDS)}")
    message = _text(fields, "message", _settings(request).portal_max_message)
    author = _author(fields)
    item_id = await run_in_threadpool(_store, request, layer, "feedback",
                                      {"kind": kind, "message": message}, author,
                                      f"{kind}: {message}")
    return _created(request, layer, item_id, form)


@router.post("/api/datasets/{layer_id}/reuses", include_in_schema=False)
async def post_reuse(request: Request, caller: CallerDep, state: StateDep,
                     layer_id: str) -> Response:
    fields, form = await _payload(request)
    layer = await run_in_threadpool(_layer, request, caller, layer_id)
    _check_client(request, state, fields)
    title = _text(fields, "title", MAX_FIELD)
    url = _text(fields, "url", MAX_URL)
    image = _text(fields, "image_url", MAX_URL, required=False)
    for name, value in (("url", url), ("image_url", image)):
        if value is not None and not URL.match(value):
            raise SubmissionRefused(f"{name}: an http(s) address")
    description = _text(fields, "description", _settings(request).portal_max_message)
    author = _author(fields)
    values = {"title": title, "url": url, "description": description, "image_url": image}
    item_id = await run_in_threadpool(_store, request, layer, "reuse", values, author,
                                      f"{title}\n{url}\n\n{description}")
    return _created(request, layer, item_id, form)


# --- producers ---------------------------------------------------------------------------

def _producer_layer(request: Request, caller: Caller, layer_id: str) -> Layer:
    layer = _layer(request, caller, layer_id)
    decision = decide(caller, layer, "write")
    if decision.reason == "anonymous":
        raise CredentialsRequired()
    if not decision.allowed:
        raise ProducerKeyRequired("a producer key of this layer (one that may edit it) is "
                                  "needed")
    return layer


def item_json(item: Item) -> dict[str, Any]:
    created = item.created_at.isoformat()
    fields = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
              for k, v in item.fields.items()}
    return {"id": item.id, "layer": item.layer_id, "status": item.status, "created": created,
            "name": item.author_name, "email": item.author_email, **fields}


SubjectPath = Literal["feedback", "reuses"]
SUBJECTS: dict[str, Subject] = {"feedback": "feedback", "reuses": "reuse"}


@router.get("/api/datasets/{layer_id}/{subject}", include_in_schema=False)
async def list_for_producer(request: Request, caller: CallerDep, layer_id: str,
                            subject: SubjectPath) -> JSONResponse:
    def read() -> list[dict[str, Any]]:
        layer = _producer_layer(request, caller, layer_id)
        with request.app.state.engine.connect() as conn:
            return [item_json(i) for i in list_items(conn, SUBJECTS[subject], [layer.id])]

    items = await run_in_threadpool(read)
    return JSONResponse({"items": items}, headers={"Cache-Control": "private, no-store"})


class Moderation(BaseModel):
    """A producer's decision: publish or hide, with an answer for a question."""

    status: Literal["published", "hidden"] | None = None
    answer: str | None = Field(default=None, max_length=8000)


@router.post("/api/datasets/{layer_id}/{subject}/{item_id}", include_in_schema=False)
async def moderate(request: Request, caller: CallerDep, layer_id: str, subject: SubjectPath,
                   item_id: int, decision: Moderation) -> JSONResponse:
    def apply() -> dict[str, Any]:
        layer = _producer_layer(request, caller, layer_id)
        kind = SUBJECTS[subject]
        with request.app.state.engine.begin() as conn:
            try:
                item = get_item(conn, kind, item_id)
            except SubmissionNotFound:
                raise DatasetNotFound() from None
            if item.layer_id != layer.id:
                raise DatasetNotFound()
            if decision.answer is not None:
                if kind != "feedback":
                    raise SubmissionRefused("answer: only feedback is answered")
                answer_feedback(conn, item_id, decision.answer.strip())
            if decision.status is not None:
                set_status(conn, kind, item_id, decision.status)
            return item_json(get_item(conn, kind, item_id))

    return JSONResponse(await run_in_threadpool(apply))
