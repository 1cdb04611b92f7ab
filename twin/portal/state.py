"""The portal's per-app state and its installation into the app (one call in `create_app`)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI, Request

from twin.portal.index import PortalIndex
from twin.portal.limits import RateLimiter
from twin.portal.usage import UsageMiddleware, UsageRecorder
from twin.settings import Settings


@dataclass
class PortalState:
    index: PortalIndex
    usage: UsageRecorder
    limiter: RateLimiter


def portal_state(request: Request) -> PortalState:
    state: PortalState = request.app.state.portal
    return state


def install_portal(app: FastAPI) -> None:
    """The portal's routes, its state and the usage middleware."""
    from twin.portal.api import router as api_router
    from twin.portal.pages import error_page
    from twin.portal.pages import router as pages_router

    settings: Settings = app.state.settings
    engine = app.state.engine
    recorder = UsageRecorder(engine)
    app.state.portal = PortalState(
        PortalIndex(engine, settings.data_dir, settings.ogc_registry_ttl), recorder,
        RateLimiter(settings.portal_rate_limit))
    app.add_middleware(UsageMiddleware, recorder=recorder)
    app.state.error_page = error_page  # errors on portal pages are pages too
    app.include_router(api_router)
    app.include_router(pages_router)
