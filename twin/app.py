"""The FastAPI application factory: ``create_app(settings)`` builds everything, imports nothing.

Routers are listed explicitly in `create_app`: each further service (3D Tiles, viewer,
catalogue, downloads, keys) adds one ``include_router`` line and reads what it needs from
``app.state`` (``settings``, ``engine``, ``ogc``), never from globals.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool

from gis import migrate
from gis.db import make_engine
from twin.api import catalog as catalog_api
from twin.api import downloads as downloads_api
from twin.api import edit as edit_api
from twin.api import tiles3d as tiles3d_api
from twin.api import viewer as viewer_api
from twin.errors import install_error_handlers
from twin.ogc import api as ogc_api
from twin.ogc import tiles as ogc_tiles
from twin.ogc.catalog import Catalog
from twin.ogc.context import OgcContext
from twin.ogc.core import PygeoapiCore, static_files
from twin.publication import install_publication, prepare_at_startup
from twin.settings import Settings

log = logging.getLogger(__name__)
health = APIRouter(tags=["health"])


@health.get("/healthz", include_in_schema=False)
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


def _readiness(request: Request) -> tuple[bool, str]:
    expected: frozenset[str] = request.app.state.schema_heads
    try:
        with request.app.state.engine.connect() as conn:
            missing = migrate.missing_heads(conn, expected)
    except DBAPIError as exc:
        return False, f"database unreachable: {type(exc.orig).__name__}"
    if missing:
        return False, f"schema not migrated (missing {', '.join(sorted(missing))}): twin db migrate"
    return True, "ready"


@health.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    """Readiness: the database answers and its schema is at every migration head."""
    ready, detail = await run_in_threadpool(_readiness, request)
    return JSONResponse({"status": "ok" if ready else "unavailable", "detail": detail},
                        status_code=200 if ready else 503)


def create_app(settings: Settings) -> FastAPI:
    """The whole service for one deployment's settings."""
    engine = make_engine(settings.url, pool_size=10)
    reads = make_engine(settings.url, pool_size=10, pre_ping=False, autocommit=True)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(prepare_at_startup, engine, settings)
        yield
        engine.dispose()
        reads.dispose()

    app = FastAPI(title="Commune geodata and digital twin", lifespan=lifespan,
                  openapi_url=None, docs_url=None, redoc_url=None)
    catalog = Catalog(engine, settings.ogc_registry_ttl)
    app.state.settings = settings
    app.state.engine = engine
    app.state.schema_heads = migrate.heads()
    app.state.ogc = OgcContext(settings, engine, catalog, PygeoapiCore(settings, catalog), reads)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD"],
                       allow_headers=["*"], expose_headers=["ETag", "Content-Crs", "Link"])
    install_error_handlers(app)

    app.include_router(health)
    app.include_router(ogc_tiles.router)
    app.include_router(ogc_api.router)
    app.mount("/static", static_files(), name="static")  # pygeoapi's HTML assets
    app.include_router(catalog_api.router)
    app.include_router(downloads_api.router)
    app.include_router(edit_api.router)
    app.include_router(viewer_api.router)
    app.include_router(tiles3d_api.router)
    install_publication(app, engine)
    # further services, one line each, e.g.: app.include_router(threedtiles.router)
    return app
