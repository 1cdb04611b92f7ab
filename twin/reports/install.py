"""Mounting the reports into the app: routes, per-app state, the notice middleware."""

from __future__ import annotations

from fastapi import FastAPI

from twin.portal.limits import RateLimiter
from twin.reports.service import NoticeMiddleware, ReportsState
from twin.settings import Settings


def install_reports(app: FastAPI) -> None:
    """``/api/reports``, ``/portal/reports`` (before the portal's catch-all page) and the
    notices after QGIS edits of the reports layer."""
    from twin.reports.api import router as api_router
    from twin.reports.pages import router as pages_router

    settings: Settings = app.state.settings
    state = ReportsState(settings, app.state.engine, RateLimiter(settings.portal_rate_limit))
    app.state.reports = state
    app.add_middleware(NoticeMiddleware, state=state)
    app.include_router(api_router)
    app.include_router(pages_router)
