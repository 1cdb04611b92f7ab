"""``twin reports``: staff's side of citizens' reports.

``list`` shows reports newest first with what only staff see (description, e-mail);
``set-status`` moves one along the workflow (new -> acknowledged -> in_progress -> solved /
rejected; anything else is refused, naming what is allowed) and e-mails the reporter when
they left an address. The same changes can be made over the API and in QGIS (Part 4).
``purge`` clears the reporters' e-mail addresses past the retention period
(``TWIN_PORTAL_EMAIL_RETENTION_DAYS``), in the reports and in the Part 4 change log; run it
from the same timer as ``twin feedback purge``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from gis.reports import store
from gis.reports.workflow import STATUSES, as_status
from twin.cli.common import console, domain_errors, engine_for, settings
from twin.cli.options import JsonOption
from twin.portal.limits import RateLimiter
from twin.reports.api import staff_json
from twin.reports.service import ReportsState, deliver_notices

app = typer.Typer(help="List citizens' reports and move them along their status workflow.")


@app.command("list")
@domain_errors
def list_(
    status: Annotated[str | None, typer.Option(help=", ".join(STATUSES))] = None,
    limit: Annotated[int, typer.Option(min=1, help="at most this many")] = 200,
    as_json: JsonOption = False,
) -> None:
    """Reports newest first, with descriptions and e-mails (staff only, never published)."""
    wanted = as_status(status) if status else None
    config = settings()
    with engine_for(config) as engine:
        state = ReportsState(config, engine, RateLimiter(1))
        layer = state.layer()
        with engine.connect() as conn:
            reports = store.staff_reports(conn, layer, wanted, limit=limit)
    if as_json:
        typer.echo(json.dumps([staff_json(r) for r in reports], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"Reports ({layer.id})")
    for column in ("number", "status", "category", "reported", "lon, lat", "e-mail", "text"):
        table.add_column(column)
    for r in reports:
        table.add_row(str(r.number), r.status, r.category, f"{r.created_at:%Y-%m-%d %H:%M}",
                      f"{r.lon:.5f}, {r.lat:.5f}", r.email or "-", (r.description or "")[:60])
    console.print(table)


@app.command("set-status")
@domain_errors
def set_status(
    number: Annotated[int, typer.Argument(help="the report's number")],
    status: Annotated[str, typer.Argument(help=", ".join(STATUSES))],
    publish_photo: Annotated[bool | None, typer.Option(
        "--publish-photo/--hide-photo", help="show (or withdraw) the photo publicly")] = None,
) -> None:
    """Move a report to its next status and tell the reporter by e-mail."""
    target = as_status(status)
    config = settings()
    with engine_for(config) as engine:
        state = ReportsState(config, engine, RateLimiter(1))
        layer = state.layer()
        with engine.begin() as conn:
            before = store.set_status(conn, layer, number, target, None, publish_photo)
        sent = deliver_notices(state)
    console.print(f"report {number}: {before} -> {target}"
                  + (f" ({sent} notice(s) e-mailed)" if sent else ""))


@app.command()
@domain_errors
def purge(
    days: Annotated[int | None, typer.Option(
        min=0, help="forget addresses of reports older than this many days (default: "
        "TWIN_PORTAL_EMAIL_RETENTION_DAYS)")] = None,
) -> None:
    """Clear reporters' e-mail addresses past the retention period (GDPR), also in the
    change log of staff edits, in one transaction."""
    config = settings()
    kept = config.portal_email_retention_days if days is None else days
    before = datetime.now(UTC) - timedelta(days=kept)
    with engine_for(config) as engine:
        layer = ReportsState(config, engine, RateLimiter(1)).layer()
        with engine.begin() as conn:
            forgotten = store.forget_emails(conn, layer, before)
    console.print(f"{forgotten.emails} e-mail address(es) of reports older than {kept} days "
                  f"deleted; {forgotten.logged} change-log entries cleaned")
