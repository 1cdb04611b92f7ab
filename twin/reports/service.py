"""The reports' per-app state, the layer made ready on first use, and the notices sent.

The declaration is read on first use (never at import or app creation: a deployment without
reports pays nothing); the layer is registered and given its table once per process. Notices
are sent after every status change made here and after every Part 4 edit of the reports
layer (`NoticeMiddleware`): a change made in QGIS reaches the reporter too.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gis.errors import GisError
from gis.model import Layer
from gis.reports.config import ReportsConfig, load_config
from gis.reports.store import Notice, ensure_layer, mark_notified, pending_notices
from twin.notify import SMTP_TIMEOUT
from twin.portal.limits import RateLimiter
from twin.settings import Settings

log = logging.getLogger(__name__)
STATUS_LABELS = {
    "acknowledged": ("pris en compte", "in behandeling genomen", "acknowledged"),
    "in_progress": ("en cours de traitement", "wordt uitgevoerd", "in progress"),
    "solved": ("résolu", "opgelost", "solved"),
    "rejected": ("rejeté", "afgewezen", "rejected"),
}


@dataclass
class ReportsState:
    """Per app: the declaration, its own rate limiter, the layer once made ready."""

    settings: Settings
    engine: Engine
    limiter: RateLimiter
    _config: ReportsConfig | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def config(self) -> ReportsConfig:
        if self._config is None:
            path = self.settings.reports_file or self.settings.config_dir / "reports.yml"
            self._config = load_config(path)
        return self._config

    def layer(self) -> Layer:
        """The reports layer, registered and created the first time (thread pool only)."""
        with self._lock, self.engine.begin() as conn:
            return ensure_layer(conn, self.config, self.settings.storage_crs)


def notice_message(settings: Settings, config: ReportsConfig, notice: Notice) -> EmailMessage:
    """The reporter's notice, in the three languages (their language is not kept)."""
    fr, nl, en = STATUS_LABELS.get(notice.to_status, (notice.to_status,) * 3)
    url = f"{settings.base_url}/portal/reports/{notice.number}"
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = notice.email
    message["Subject"] = f"[{settings.publisher_name}] #{notice.number}: {en}"
    category = config.category_label(notice.category, "fr")
    message.set_content(
        f"Votre signalement n° {notice.number} ({category}) est maintenant : {fr}.\n"
        f"Uw melding nr. {notice.number} ({config.category_label(notice.category, 'nl')}) "
        f"is nu: {nl}.\n"
        f"Your report #{notice.number} ({config.category_label(notice.category, 'en')}) is "
        f"now: {en}.\n\n{url}\n\n-- {settings.publisher_name}\n")
    return message


def deliver_notices(state: ReportsState) -> int:
    """Send every pending notice; returns how many were handed to the mail server.

    A notice is marked sent only once the server took it: a server down keeps it pending
    for the next change (nothing is lost, nothing is sent twice).
    """
    settings = state.settings
    layer = state.layer()
    sent = 0
    with state.engine.begin() as conn:
        notices = pending_notices(conn, layer)
        if notices and not settings.smtp_host:
            log.info("%d report notices pending; no TWIN_SMTP_HOST", len(notices))
            return 0
        for notice in notices:
            try:
                with smtplib.SMTP(settings.smtp_host or "", settings.smtp_port,
                                  timeout=SMTP_TIMEOUT) as smtp:
                    smtp.send_message(notice_message(settings, state.config, notice))
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("report #%d: the notice was not sent: %s", notice.number, exc)
                break
            mark_notified(conn, notice)
            sent += 1
    return sent


def reports_state(app: Any) -> ReportsState:
    state: ReportsState = app.state.reports
    return state


class NoticeMiddleware:
    """After a successful Part 4 write to the reports layer, tell reporters (QGIS edits)."""

    WRITES = frozenset({"POST", "PUT", "PATCH"})

    def __init__(self, app: ASGIApp, state: ReportsState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in self.WRITES \
                or not self._edits_reports(scope["path"]):
            await self.app(scope, receive, send)
            return
        status = 500

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if status < 300:  # after the response: the editor never waits for the mail server
            await run_in_threadpool(deliver_notices, self.state)

    def _edits_reports(self, path: str) -> bool:
        if not path.startswith("/collections/"):
            return False
        try:
            layer_id = self.state.config.layer_id
        except GisError:
            return False  # no declaration: no reports layer to watch
        return path.startswith(f"/collections/{layer_id}/items")
