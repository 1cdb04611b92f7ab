"""The SensorThings API 1.1 routes: GET any resource path with the query options, POST
(deep insert, on an entity set or a navigation of one entity), PATCH, DELETE, and the
dataArray extension (``POST /CreateObservations``).

The caller's `Scope` is decided here by `gis.access.decide` over the registry layers Things
link to; the store applies it to every query, so a Thing of a closed layer and everything
under it reads as not found. Writes need a key with write rights. New observations are
announced on the MQTT broker (``TWIN_MQTT_HOST``) after their transaction commits.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from gis import access, registry
from gis.errors import SensorEntityNotFound, SensorError
from gis.sensors import odata
from gis.sensors.entities import SETS
from gis.sensors.mqtt import Announcer, documents
from gis.sensors.observations import NewObservation
from gis.sensors.paths import ResourcePath, parse_path
from gis.sensors.read import Reader
from gis.sensors.scope import Scope
from gis.sensors.write import Writer
from twin.access import Caller, get_caller
from twin.errors import CredentialsRequired, WriteForbidden

PREFIX = "/sta/v1.1"
router = APIRouter(prefix=PREFIX, tags=["sensors"])
CallerDep = Annotated[Caller, Depends(get_caller)]
CONFORMANCE = [
    "http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/resource-path-to-entities",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/create-update-delete",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/data-array/data-array",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/create-observations-via-mqtt/observations-creation",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/receive-updates-via-mqtt/receive-updates",
]


def scope_for(engine: Engine, caller: Caller) -> Scope:
    """What this caller may read and write, from the access levels of the registry's layers
    (`gis.access.decide`, the one policy)."""
    with engine.connect() as conn:
        layers = registry.list_layers(conn)
    readable = frozenset(la.id for la in layers if access.decide(caller, la, "read").allowed)
    writable = frozenset(la.id for la in layers if access.decide(caller, la, "write").allowed)
    staff = caller.role == "staff"
    return Scope(readable=None if staff else readable,
                 writable=None if staff and caller.can_write else writable,
                 write_unlinked=caller.role != "anonymous" and caller.can_write)


def _base(request: Request) -> str:
    return f"{request.app.state.settings.base_url}{PREFIX}"


def _options(request: Request) -> odata.Options:
    return odata.parse_options(dict(request.query_params))


def _require_writer(caller: Caller) -> None:
    if caller.role == "anonymous":
        raise CredentialsRequired()
    if not caller.can_write:
        raise WriteForbidden()


@router.get("", include_in_schema=False)
async def root(request: Request) -> JSONResponse:
    base = _base(request)
    return JSONResponse({
        "value": [{"name": name, "url": f"{base}/{name}"} for name in SETS],
        "serverSettings": {"conformance": CONFORMANCE,
                           "http://www.opengis.net/spec/iot_sensing/1.1/req/"
                           "create-observations-via-mqtt/observations-creation": {
                               "endpoints": _mqtt_endpoints(request)}},
    })


def _mqtt_endpoints(request: Request) -> list[str]:
    settings = request.app.state.settings
    return [f"mqtt://{settings.mqtt_host}:{settings.mqtt_port}"] if settings.mqtt_host else []


def _get(request: Request, caller: Caller, path: str) -> Any:
    engine: Engine = request.app.state.engine
    scope = scope_for(engine, caller)
    resource = parse_path(path)
    options = _options(request)
    with engine.connect() as conn:
        return resource, Reader(conn, scope, _base(request)).resource(resource, options)


@router.get("/{path:path}", include_in_schema=False)
async def read(request: Request, caller: CallerDep, path: str) -> Response:
    resource, found = await run_in_threadpool(_get, request, caller, path)
    if resource.value:
        return Response("" if found is None else str(found), media_type="text/plain")
    return JSONResponse(found)


async def _body(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except ValueError:
        raise SensorError("the body is not JSON") from None


def _announce(request: Request, stored: list[tuple[int, NewObservation]]) -> None:
    settings = request.app.state.settings
    if not settings.mqtt_host or not stored:
        return
    announcer: Announcer | None = getattr(request.app.state, "sta_announcer", None)
    if announcer is None:
        announcer = Announcer(settings.mqtt_host, settings.mqtt_port)
        request.app.state.sta_announcer = announcer
    announcer.announce(documents(_base(request), stored))


def _create(request: Request, caller: Caller, path: str, body: Any) -> tuple[str, Any]:
    engine: Engine = request.app.state.engine
    scope = scope_for(engine, caller)
    resource = parse_path(path)
    target, implied = _creation_target(resource)
    with engine.begin() as conn:
        writer = Writer(conn, scope)
        if implied:
            parent_set = resource.segments[-2].entity_set
            writer.check_writable(parent_set, next(iter(implied.values())))
        new_id = writer.create(SETS[target], body, implied)
    _announce(request, writer.created.stored)
    with engine.connect() as conn:
        reader = Reader(conn, scope, _base(request))
        document = reader.resource(parse_path(f"{target}({new_id})"), odata.Options())
    return document["@iot.selfLink"], document


def _creation_target(resource: ResourcePath) -> tuple[str, dict[str, int]]:
    """The entity set a POST creates in, and the parent it links to (``Things(1)/Datastreams``
    creates a Datastream of Thing 1)."""
    last = resource.last
    if last.single or resource.attribute or resource.ref:
        raise SensorError("POST to an entity set or a navigation to many entities")
    if len(resource.segments) == 1:
        return last.entity_set.name, {}
    parent = resource.segments[-2]
    assert parent.id is not None or parent.single
    if parent.id is None:
        raise SensorError("POST through a navigation needs the parent's id")
    back = {"Locations": "Thing"}.get(last.entity_set.name, parent.entity_set.singular)
    return last.entity_set.name, {back: parent.id}


@router.post("/CreateObservations", include_in_schema=False)
async def create_observations(request: Request, caller: CallerDep) -> JSONResponse:
    _require_writer(caller)
    body = await _body(request)

    def run() -> list[str]:
        engine: Engine = request.app.state.engine
        scope = scope_for(engine, caller)
        with engine.begin() as conn:
            writer = Writer(conn, scope)
            ids = writer.create_observations(body)
        _announce(request, writer.created.stored)
        base = _base(request)
        return [f"{base}/Observations({i})" if isinstance(i, int) else i for i in ids]

    return JSONResponse(await run_in_threadpool(run), status_code=201)


@router.post("/{path:path}", include_in_schema=False)
async def create(request: Request, caller: CallerDep, path: str) -> JSONResponse:
    _require_writer(caller)
    body = await _body(request)
    link, document = await run_in_threadpool(_create, request, caller, path, body)
    return JSONResponse(document, status_code=201, headers={"Location": link})


def _single(path: str) -> tuple[str, int]:
    resource = parse_path(path)
    last = resource.last
    if len(resource.segments) != 1 or last.id is None or resource.attribute:
        raise SensorEntityNotFound("PATCH and DELETE address one entity: Set(id)")
    return last.entity_set.name, last.id


@router.patch("/{path:path}", include_in_schema=False)
async def patch(request: Request, caller: CallerDep, path: str) -> JSONResponse:
    _require_writer(caller)
    body = await _body(request)

    def run() -> Any:
        engine: Engine = request.app.state.engine
        scope = scope_for(engine, caller)
        name, entity_id = _single(path)
        with engine.begin() as conn:
            Writer(conn, scope).patch(SETS[name], entity_id, body)
        with engine.connect() as conn:
            return Reader(conn, scope, _base(request)).resource(
                parse_path(f"{name}({entity_id})"), odata.Options())

    return JSONResponse(await run_in_threadpool(run))


@router.delete("/{path:path}", include_in_schema=False)
async def remove(request: Request, caller: CallerDep, path: str) -> Response:
    _require_writer(caller)

    def run() -> None:
        engine: Engine = request.app.state.engine
        scope = scope_for(engine, caller)
        name, entity_id = _single(path)
        with engine.begin() as conn:
            Writer(conn, scope).delete(SETS[name], entity_id)

    await run_in_threadpool(run)
    return Response(status_code=200)
