"""Wiring of the publication services into the app: the store prepared at start-up, audit.

`install_publication` is the single line the app factory calls: it adds the audit
middleware. `prepare_at_startup` runs in the app's lifespan, before the first request is
taken: it hands the deployment's pseudonym key to the store and lets the store create any
missing ``publish`` view (`gis.publication`). No request ever changes a schema.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from starlette.types import ASGIApp, Receive, Scope, Send

from gis.errors import GisError
from gis.publication import PublicationReport, prepare_publication
from twin.audit import LevelCache, audited, audited_operation
from twin.settings import Settings

log = logging.getLogger(__name__)


def prepare_store(engine: Engine, settings: Settings) -> PublicationReport:
    """Pseudonym secret in the store, a published view for every loaded layer."""
    return prepare_publication(engine, settings.pseudonym_secret)


def prepare_at_startup(engine: Engine, settings: Settings) -> None:
    """`prepare_store` when the service starts; a store not reachable or not migrated yet
    is logged (``/readyz`` says so) and prepared by ``twin db migrate`` later."""
    try:
        report = prepare_store(engine, settings)
    except (DBAPIError, GisError) as exc:
        log.warning("publication not prepared at start-up: %s", exc)
        return
    if report.views_created:
        log.info("published views created for %s", ", ".join(report.views_created))


class AuditMiddleware:
    """Pure ASGI: records every successful access to shared or closed data."""

    def __init__(self, app: ASGIApp, engine: Engine) -> None:
        self.app = app
        self.engine = engine
        self.levels = LevelCache(engine)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or audited_operation(scope["method"], scope["path"]) is None:
            await self.app(scope, receive, send)
            return
        await audited(self.app, self.engine, self.levels, scope, receive, send)


def install_publication(app: FastAPI, engine: Engine) -> None:
    """The one line of the app factory: audit every access to shared or closed data."""
    app.add_middleware(AuditMiddleware, engine=engine)
