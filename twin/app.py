"""The FastAPI application factory: ``create_app(settings)`` builds everything, imports nothing.

Routers are listed explicitly in `create_app`: each further service (3D Tiles, viewer,
catalogue, downloads, keys) adds one ``include_router`` line and reads what it needs from
``app.state`` (``settings``, ``engine``, ``ogc``), never from globals.

``/health`` (liveness) and ``/ready`` (readiness: every check of `READINESS_CHECKS`) are
what an orchestrator polls; ``/healthz`` and ``/readyz`` are the same routes under the names
scripts and the docker health check already use.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State

from gis import migrate
from gis.db import make_engine
from twin.api import catalog as catalog_api
from twin.api import csw as csw_api
from twin.api import downloads as downloads_api
from twin.api import edit as edit_api
from twin.api import feed as feed_api
from twin.api import raster_tiles as raster_tiles_api
from twin.api import terrain as terrain_api
from twin.api import tiles3d as tiles3d_api
from twin.api import viewer as viewer_api
from twin.errors import install_error_handlers
from twin.ogc import api as ogc_api
from twin.ogc import tiles as ogc_tiles
from twin.ogc.catalog import Catalog
from twin.ogc.context import OgcContext
from twin.ogc.core import PygeoapiCore, static_files
from twin.ops.middleware import install_operations
from twin.portal.state import install_portal
from twin.publication import install_publication, prepare_at_startup
from twin.reports.install import install_reports
from twin.settings import Settings
from twin.sta import api as sta_api
from twin.transforms import probe_at_startup, service_grids_exact

log = logging.getLogger(__name__)
health = APIRouter(tags=["health"])


@health.get("/health", include_in_schema=False)
@health.get("/healthz", include_in_schema=False)
async def healthz() -> dict[str, str]:
    """Liveness: the process answers (nothing else is asked: a database outage must not get
    a healthy process restarted)."""
    return {"status": "ok"}


#: One readiness check: (ready, detail) from the app's state; run in the thread pool.
ReadinessCheck = Callable[[State], tuple[bool, str]]


def database_ready(state: State) -> tuple[bool, str]:
    """The database answers and its schema is at every migration head of this release."""
    expected: frozenset[str] = state.schema_heads
    try:
        with state.engine.connect() as conn:
            missing = migrate.missing_heads(conn, expected)
    except DBAPIError as exc:
        return False, f"database unreachable: {type(exc.orig).__name__}"
    if missing:
        return False, f"schema not migrated (missing {', '.join(sorted(missing))}): twin db migrate"
    return True, "ready"


def grids_exact(state: State) -> tuple[bool, str]:
    """Positions are exact: the service's grids work, and the database's transforms known so
    far are either exact or reprojected by the service (`twin.transforms`)."""
    ok, detail = service_grids_exact()
    if not ok:
        return False, detail
    known = state.ogc.catalog.transforms.known()
    by_service = [f"EPSG:{p.source}->EPSG:{p.target}" for p in known if p.wrong]
    if by_service:
        return True, (f"{detail}; reprojected by the service (the database's PROJ lacks "
                      f"their grids): {', '.join(by_service)}")
    probed = [p for p in known if p.exact]
    return True, (f"{detail}; {len(probed)} database transforms probed, all grid-exact"
                  + (f" ({len(known) - len(probed)} pairs without a common area, by the "
                     "service)" if len(probed) < len(known) else ""))


#: The checks of ``/ready``, in order; each app copies the list at creation
#: (``app.state.readiness_checks``). The first failure answers: later checks may need what
#: an earlier one checks (the database).
READINESS_CHECKS: list[ReadinessCheck] = [database_ready, grids_exact]


def _readiness(state: State) -> tuple[bool, dict[str, str]]:
    """(ready, detail of each check run); logs the reason of a failure."""
    details: dict[str, str] = {}
    checks: list[ReadinessCheck] = state.readiness_checks
    for check in checks:
        ok, detail = check(state)
        details[check.__name__] = detail
        if not ok:
            log.warning("not ready: %s", detail)
            return False, details
    return True, details


@health.get("/ready", include_in_schema=False)
@health.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    """Readiness: every check of `READINESS_CHECKS` passes (503 with the failing detail)."""
    ready, details = await run_in_threadpool(_readiness, request.app.state)
    detail = "ready" if ready else list(details.values())[-1]
    return JSONResponse({"status": "ok" if ready else "unavailable", "detail": detail,
                         "checks": details}, status_code=200 if ready else 503)


def create_app(settings: Settings) -> FastAPI:
    """The whole service for one deployment's settings."""
    engine = make_engine(settings.url, pool_size=10)
    # read-only endpoints may read a streaming replica; writes and loads stay on the primary
    reads = make_engine(settings.database_read_url or settings.url, pool_size=10,
                        pre_ping=False, autocommit=True)
    # the catalogue, registry polls, metadata and HTML pages: lag-tolerant, not hot (pinged)
    replica = (make_engine(settings.database_read_url, pool_size=10)
               if settings.database_read_url else engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(prepare_at_startup, engine, settings)
        await run_in_threadpool(probe_at_startup, catalog.transforms, engine, settings)
        yield
        engine.dispose()
        reads.dispose()
        replica.dispose()

    app = FastAPI(title="Commune geodata and digital twin", lifespan=lifespan,
                  openapi_url=None, docs_url=None, redoc_url=None)
    catalog = Catalog(replica, settings.ogc_registry_ttl)
    app.state.settings = settings
    app.state.engine = engine
    app.state.read_engine = reads
    app.state.replica_engine = replica
    app.state.schema_heads = migrate.heads()
    app.state.readiness_checks = list(READINESS_CHECKS)
    app.state.ogc = OgcContext(settings, engine, catalog, PygeoapiCore(settings, catalog), reads)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD"],
                       allow_headers=["*"],
                       expose_headers=["ETag", "Content-Crs", "Link", "X-Request-ID"])
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
    app.include_router(terrain_api.router)  # /terrain: quantized-mesh from the DTMs
    app.include_router(csw_api.router)  # /csw: CSW 2.0.2, ISO 19139 / INSPIRE
    app.include_router(feed_api.router)  # /catalog/feed.atom
    app.include_router(raster_tiles_api.router)  # map tiles of DTM/DSM/orthophotos
    app.include_router(sta_api.router)  # /sta/v1.1: OGC SensorThings API
    install_reports(app)  # /api/reports, /portal/reports (before the portal's catch-all)
    install_portal(app)  # /portal/: pages, feedback API, usage counting
    install_publication(app, engine)
    install_operations(app, settings, engine)  # last: its middleware is the outermost
    # further services, one line each, e.g.: app.include_router(threedtiles.router)
    return app
