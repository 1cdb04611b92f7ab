"""Handing a request to pygeoapi's core: which format was asked for, and the call itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from twin.access import Caller
from twin.errors import BadRequest
from twin.ogc.context import OgcContext


def wants(request: Request) -> str:
    """``json`` (the fast path), ``html`` or ``jsonld`` (pygeoapi), from ``f`` or Accept."""
    f = request.query_params.get("f")
    if f is None:
        accept = request.headers.get("accept", "")
        return "html" if accept.split(",")[0].strip().startswith("text/html") else "json"
    if f in ("json", "geojson"):
        return "json"
    if f in ("html", "jsonld"):
        return f
    raise BadRequest(f"f: {f!r} is not offered here (json, html)")


async def call_pygeoapi(context: OgcContext, caller: Caller, request: Request,
                        handler: Callable[..., Any], *args: Any) -> Response:
    """Run a pygeoapi handler with the configuration of the collections ``caller`` may see."""
    wants(request)  # an unknown (or empty) f is a 400 everywhere
    visible = await run_in_threadpool(context.catalog.visible, caller)
    api = context.core.api_for(visible)
    return await context.core.call(api, handler, request, *args)
