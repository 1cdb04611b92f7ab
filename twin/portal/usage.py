"""Counting downloads and API requests per layer and day, in memory, added to the store in
batches (`gis.portal.usage`): no address, key or agent is ever kept.

A pure ASGI middleware looks at the path of each successful response: a file under
``/downloads/`` is a download, a collection's items or tiles or a 3D tileset an API request.
The counts are flushed every `FLUSH_SECONDS` (in a worker thread, after the response) and
whenever a page shows them.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gis.model import RESERVED_LAYER_IDS
from gis.portal.usage import Usage, add_counts

log = logging.getLogger(__name__)
FLUSH_SECONDS = 10.0
_ID = r"(?P<layer>[a-z][a-z0-9_]{0,47})"
DOWNLOAD_PATHS = (re.compile(rf"^/downloads/{_ID}\.[a-z0-9]+$"),
                  re.compile(rf"^/downloads/(?:lidar|rasters|cityjson)/{_ID}[/.]"))
API_PATHS = (re.compile(rf"^/collections/{_ID}/(?:items|tiles/)"),
             re.compile(rf"^/3dtiles/{_ID}/"))


def classify(path: str) -> tuple[str, str] | None:
    """(layer id, "downloads" | "api_requests") of a counted path, else None."""
    for kind, patterns in (("downloads", DOWNLOAD_PATHS), ("api_requests", API_PATHS)):
        for pattern in patterns:
            found = pattern.match(path)
            if found and found["layer"] not in RESERVED_LAYER_IDS:  # the records catalogue
                return found["layer"], kind
    return None


class UsageRecorder:
    """Counts in memory; `flush` adds them to the store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._counts: Counter[tuple[str, date, str]] = Counter()
        self._lock = threading.Lock()
        self._flushed_at = time.monotonic()

    def count(self, layer_id: str, kind: str) -> None:
        with self._lock:
            self._counts[(layer_id, datetime.now(UTC).date(), kind)] += 1

    def due(self) -> bool:
        return bool(self._counts) and time.monotonic() - self._flushed_at > FLUSH_SECONDS

    def flush(self) -> None:
        with self._lock:
            taken, self._counts = self._counts, Counter()
            self._flushed_at = time.monotonic()
        if not taken:
            return
        counts: dict[tuple[str, date], Usage] = {}
        for (layer_id, day, kind), n in taken.items():
            old = counts.get((layer_id, day), Usage(0, 0))
            counts[(layer_id, day)] = Usage(old.downloads + n * (kind == "downloads"),
                                            old.api_requests + n * (kind == "api_requests"))
        try:
            with self.engine.begin() as conn:
                add_counts(conn, counts)
        except IntegrityError:  # a layer dropped meanwhile: count the others one by one
            for key, usage in counts.items():
                try:
                    with self.engine.begin() as conn:
                        add_counts(conn, {key: usage})
                except IntegrityError:
                    continue
        except DBAPIError as exc:
            log.warning("usage counts lost (database): %s", exc)


class UsageMiddleware:
    """Counts successful downloads and API requests of layers (`classify`)."""

    def __init__(self, app: ASGIApp, recorder: UsageRecorder) -> None:
        self.app = app
        self.recorder = recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        counted = classify(scope.get("path", ""))
        if counted is None:
            await self.app(scope, receive, send)
            return
        status: dict[str, Any] = {}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if status.get("code") in (200, 206, 304):
            self.recorder.count(*counted)
            if self.recorder.due():
                await run_in_threadpool(self.recorder.flush)
