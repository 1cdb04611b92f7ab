"""Wiring of the publication services into the app: audit, pseudonym secret, views.

`install_publication` is the single line the app factory calls. It adds the audit
middleware and, on the first request (never at import or construction time), stores the
deployment's pseudonym key and creates any missing ``publish`` view, so no outside read can
hit a layer without its rule-applied view.
"""

from __future__ import annotations

import logging
import threading

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from gis import anonymise, registry
from gis.errors import GisError
from twin.audit import LevelCache, audited, audited_operation
from twin.settings import Settings

log = logging.getLogger(__name__)


def prepare_store(engine: Engine, settings: Settings) -> None:
    """Pseudonym secret in the store, a published view for every loaded layer."""
    secret = settings.pseudonym_key.get_secret_value() if settings.pseudonym_key else None
    with engine.begin() as conn:
        layers = registry.list_layers(conn, kinds=["vector"])
        anonymise.sync_pseudonym_secret(conn, secret, layers)
        anonymise.ensure_published_views(conn, layers)


class PublicationMiddleware:
    """Pure ASGI: prepares the store on the first request and audits layer accesses."""

    def __init__(self, app: ASGIApp, engine: Engine, settings: Settings) -> None:
        self.app = app
        self.engine = engine
        self.settings = settings
        self.levels = LevelCache(engine)
        self.ready = threading.Event()
        self.lock = threading.Lock()

    def prepare_once(self) -> None:
        with self.lock:
            if self.ready.is_set():
                return
            try:
                prepare_store(self.engine, self.settings)
            except (DBAPIError, GisError) as exc:  # not migrated yet: /readyz says so
                log.warning("publication not prepared yet: %s", exc)
                return
            self.ready.set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self.ready.is_set():
            await run_in_threadpool(self.prepare_once)
        if audited_operation(scope["method"], scope["path"]) is None:
            await self.app(scope, receive, send)
            return
        await audited(self.app, self.engine, self.levels, scope, receive, send)


def install_publication(app: FastAPI, engine: Engine, settings: Settings) -> None:
    """The one line of the app factory: prepare the store lazily and audit every access."""
    app.add_middleware(PublicationMiddleware, engine=engine, settings=settings)
