"""One pure ASGI middleware for every request: its id, and its metrics.

Pure ASGI (as `twin.publication.AuditMiddleware`), not Starlette's ``BaseHTTPMiddleware``,
which runs the app in a separate task, buffers nothing well and costs a task per request:
downloads and 3D Tiles stream. It is the outermost middleware, so the id is current for
everything after it (CORS, audit, handlers, the thread pool, log records) and its header is
on every answer, preflights included.
"""

from __future__ import annotations

import time

from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from twin.ops import metrics
from twin.ops.context import HEADER, request_id_for, reset_request_id, set_request_id
from twin.settings import Settings

_HEADER_KEY = HEADER.lower().encode("latin-1")


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == _HEADER_KEY:
            return bytes(value).decode("latin-1")
    return None


def _route_template(scope: Scope) -> str | None:
    """The path template of the route that answered (the router leaves it in the scope)."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    return template if isinstance(template, str) else None


class RequestMiddleware:
    """Gives every HTTP request an id (``X-Request-ID`` in and out) and measures it."""

    def __init__(self, app: ASGIApp, http_metrics: metrics.HttpMetrics | None) -> None:
        self.app = app
        self.http_metrics = http_metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_for(_incoming_id(scope))
        scope.setdefault("state", {})["request_id"] = request_id
        header = (_HEADER_KEY, request_id.encode("latin-1"))
        status = [500]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
                headers = [(name, value) for name, value in message.get("headers", ())
                           if bytes(name).lower() != _HEADER_KEY]
                message = {**message, "headers": [*headers, header]}
            await send(message)

        token = set_request_id(request_id)
        start = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        except BaseException:
            # left current: Starlette's last-resort 500 and the server's own error line,
            # both outside this middleware, still carry the id (the task ends with it)
            self._observe(scope, status[0], start)
            raise
        self._observe(scope, status[0], start)
        reset_request_id(token)

    def _observe(self, scope: Scope, status: int, start: float) -> None:
        if self.http_metrics is None:
            return
        family = metrics.route_family(scope["method"], _route_template(scope))
        self.http_metrics.observe(family, scope["method"], status,
                                  time.perf_counter() - start)


def install_operations(app: FastAPI, settings: Settings, engine: Engine) -> None:
    """The app factory's one line: request ids and, unless disabled, ``/metrics``.

    Call it after every other middleware is added, so this one is the outermost.
    """
    http_metrics = None
    if settings.metrics_enabled:
        operations = metrics.Operations(engine, public=settings.metrics_public)
        app.state.operations = operations
        http_metrics = operations.http
        app.include_router(metrics.router)
    app.add_middleware(RequestMiddleware, http_metrics=http_metrics)
