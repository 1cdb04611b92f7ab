"""The audit trail of shared and closed data, written once per request at the HTTP edge.

The publication middleware (`twin.publication`) matches the request path against the
endpoints that read or change a layer, and after a successful answer records (key, layer,
operation, feature count, path, status) when the layer is shared or closed. Handlers may
tell it the number of features they returned with `twin.access.note_feature_count`;
everything else needs no cooperation, so a new endpoint is audited as soon as its path
pattern is listed here.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gis import access as store_access
from gis import registry
from gis.errors import LayerNotFound
from twin.access import Caller

log = logging.getLogger(__name__)

#: (path pattern with a ``layer`` group, operation name); first match wins.
AUDITED_PATHS: list[tuple[re.Pattern[str], str]] = [
    # a dataset's OGC API record (`twin.ogc.records`) reads as its DCAT page does
    (re.compile(r"^/collections/catalog/items/(?P<layer>[a-z][a-z0-9_]*)$"), "catalog"),
    (re.compile(r"^/collections/(?P<layer>[a-z][a-z0-9_]*)/items/[^/]+$"), "item"),
    (re.compile(r"^/collections/(?P<layer>[a-z][a-z0-9_]*)/items$"), "items"),
    (re.compile(r"^/collections/(?P<layer>[a-z][a-z0-9_]*)/queryables$"), "queryables"),
    (re.compile(r"^/collections/(?P<layer>[a-z][a-z0-9_]*)/schema$"), "schema"),
    (re.compile(r"^/collections/(?P<layer>[a-z][a-z0-9_]*)/tiles(/.*)?$"), "tiles"),
    (re.compile(r"^/collections/(?P<layer>[a-z][a-z0-9_]*)/(style|styles|tilejson)(/.*)?"),
     "tiles"),
    (re.compile(r"^/collections/(?P<layer>[a-z][a-z0-9_]*)$"), "collection"),
    (re.compile(r"^/tiles/(?P<layer>[a-z][a-z0-9_]*)(/.*)?$"), "tiles"),
    (re.compile(r"^/3dtiles/(?P<layer>[a-z][a-z0-9_]*)(/.*)?$"), "3dtiles"),
    (re.compile(r"^/terrain/(?P<layer>[a-z][a-z0-9_]*)(/.*)?$"), "terrain"),
    (re.compile(r"^/downloads/(?P<layer>[a-z][a-z0-9_]*)\.[a-z]+$"), "download"),
    (re.compile(r"^/catalog/datasets/(?P<layer>[a-z][a-z0-9_]*)(\.[a-z]+)?$"), "catalog"),
]

WRITE_METHODS = {"POST": "create", "PUT": "replace", "PATCH": "update", "DELETE": "delete"}


def audited_operation(method: str, path: str) -> tuple[str, str] | None:
    """(layer id, operation) when ``path`` reads or changes a layer, else None."""
    for pattern, operation in AUDITED_PATHS:
        match = pattern.match(path)
        if match:
            if method in WRITE_METHODS and operation in ("item", "items"):
                operation = WRITE_METHODS[method]
            elif method not in ("GET", "HEAD") and method not in WRITE_METHODS:
                return None
            return match.group("layer"), operation
    return None


@dataclass(frozen=True)
class FinishedRequest:
    """What the audit needs of a request once its answer was sent."""

    method: str
    path: str
    query: str
    status: int
    caller: Caller | None
    feature_count: int | None


class LevelCache:
    """Access levels of layers for two seconds, so open layers cost no query per request.

    A layer reclassified from open to shared is audited at most two seconds late.
    """

    def __init__(self, engine: Engine, ttl: float = 2.0) -> None:
        self.engine = engine
        self.ttl = ttl
        self._levels: dict[str, tuple[str | None, float]] = {}

    def known_unaudited(self, layer_id: str) -> bool:
        """Whether the cache already says the layer is open (or gone): nothing to record, and
        no need to leave the event loop to find out."""
        found = self._levels.get(layer_id)
        return found is not None and found[1] > time.monotonic() and found[0] in (None, "open")

    def level(self, layer_id: str) -> str | None:
        found = self._levels.get(layer_id)
        if found is not None and found[1] > time.monotonic():
            return found[0]
        with self.engine.connect() as conn:
            try:
                level: str | None = registry.get_layer(conn, layer_id).spec.access_level
            except LayerNotFound:
                level = None
        self._levels[layer_id] = (level, time.monotonic() + self.ttl)
        return level


def record_request(engine: Engine, levels: LevelCache, request: FinishedRequest) -> None:
    """Write the audit entry of a finished request when its layer is shared or closed."""
    target = audited_operation(request.method, request.path)
    if request.caller is None or target is None or request.status >= 400:
        return
    layer_id, operation = target
    if levels.level(layer_id) in (None, "open"):
        return
    with engine.begin() as conn:
        try:
            layer = registry.get_layer(conn, layer_id)
        except LayerNotFound:
            return
        if not store_access.needs_audit(layer.spec):
            return
        store_access.record_access(
            conn, key_id=request.caller.key_id, role=request.caller.role, spec=layer.spec,
            operation=operation, feature_count=request.feature_count,
            path=request.path + (f"?{request.query}" if request.query else ""),
            status=request.status,
        )


async def audited(app: ASGIApp, engine: Engine, levels: LevelCache, scope: Scope,
                  receive: Receive, send: Send) -> None:
    """Run the request, then record it (after the answer is sent) when it touched a layer."""
    status = [500]

    async def watch(message: Message) -> None:
        if message["type"] == "http.response.start":
            status[0] = int(message["status"])
        await send(message)

    await app(scope, receive, watch)
    state = scope.get("state") or {}
    finished = FinishedRequest(
        method=scope["method"], path=scope["path"],
        query=scope.get("query_string", b"").decode("latin-1"), status=status[0],
        caller=state.get("caller"), feature_count=state.get("audit_feature_count"))
    target = audited_operation(finished.method, finished.path)
    if finished.caller is None or target is None or finished.status >= 400 or \
            levels.known_unaudited(target[0]):
        return  # open-data traffic: decided inline, no thread hop
    await run_in_threadpool(record_request, engine, levels, finished)
