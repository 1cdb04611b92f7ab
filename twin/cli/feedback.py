"""``twin feedback``: the producer's side of the portal's feedback and reuses.

``list`` shows what visitors sent (with their e-mail, for replying), ``answer`` stores an
answer and publishes the question with it, ``publish``/``hide`` moderate, ``purge`` deletes
the e-mail addresses older than the retention period (``TWIN_PORTAL_EMAIL_RETENTION_DAYS``;
run it from the same timer as ``twin refresh``). The CLI runs on the server, as staff.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from gis import registry
from gis.portal.feedback import (
    STATUSES,
    Status,
    Subject,
    answer_feedback,
    forget_emails,
    get_item,
    list_items,
    set_status,
)
from twin.cli.common import console, domain_errors, engine_for, settings
from twin.cli.options import JsonOption

app = typer.Typer(help="Answer, publish and hide the portal's feedback and reuses.")
ReuseOption = Annotated[bool, typer.Option("--reuse", help="a reuse, not a feedback item")]


def _subject(reuse: bool) -> Subject:
    return "reuse" if reuse else "feedback"


@app.command("list")
@domain_errors
def list_(
    layer: Annotated[str | None, typer.Option(help="only this layer")] = None,
    status: Annotated[str | None, typer.Option(help="new, published or hidden")] = None,
    reuse: ReuseOption = False,
    as_json: JsonOption = False,
) -> None:
    """Items newest first, with the senders' e-mail addresses (never shown publicly)."""
    if status is not None and status not in STATUSES:
        raise typer.BadParameter(f"--status: one of {', '.join(STATUSES)}")
    statuses: tuple[Status, ...] = (status,) if status else STATUSES
    with engine_for(settings()) as engine, engine.connect() as conn:
        ids = [layer] if layer else [la.id for la in registry.list_layers(conn)]
        items = list_items(conn, _subject(reuse), ids, statuses)
    if as_json:
        typer.echo(json.dumps([{"id": i.id, "layer": i.layer_id, "status": i.status,
                                "created": i.created_at.isoformat(), "name": i.author_name,
                                "email": i.author_email, **{k: str(v) if v is not None
                                                            else None
                                                            for k, v in i.fields.items()}}
                               for i in items], indent=2))
        return
    table = Table(title="Reuses" if reuse else "Feedback")
    for column in ("id", "layer", "status", "sent", "from", "text", "answer"):
        table.add_column(column)
    for i in items:
        text = i.fields.get("message") or f"{i.fields.get('title')} {i.fields.get('url')}"
        table.add_row(str(i.id), i.layer_id, i.status, f"{i.created_at:%Y-%m-%d %H:%M}",
                      i.author_email or i.author_name or "-", str(text)[:80],
                      str(i.fields.get("answer") or "-")[:60])
    console.print(table)


@app.command()
@domain_errors
def answer(item: Annotated[int, typer.Argument(help="feedback id")],
           text: Annotated[str, typer.Argument(help="the answer, shown on the portal")]) -> None:
    """Answer a question (or error report, suggestion) and publish both."""
    with engine_for(settings()) as engine, engine.begin() as conn:
        get_item(conn, "feedback", item)
        answer_feedback(conn, item, text.strip())
    console.print(f"feedback {item} answered and published")


def _moderate(item: int, reuse: bool, status: Status) -> None:
    with engine_for(settings()) as engine, engine.begin() as conn:
        get_item(conn, _subject(reuse), item)
        set_status(conn, _subject(reuse), item, status)
    console.print(f"{_subject(reuse)} {item} {status}")


@app.command()
@domain_errors
def publish(item: Annotated[int, typer.Argument(help="item id")],
            reuse: ReuseOption = False) -> None:
    """Show an item on the portal (a reuse in the showcase)."""
    _moderate(item, reuse, "published")


@app.command()
@domain_errors
def hide(item: Annotated[int, typer.Argument(help="item id")],
         reuse: ReuseOption = False) -> None:
    """Hide an item from the portal (spam, personal data, off topic)."""
    _moderate(item, reuse, "hidden")


@app.command()
@domain_errors
def purge() -> None:
    """Delete the senders' e-mail addresses older than the retention period (GDPR)."""
    config = settings()
    before = datetime.now(UTC) - timedelta(days=config.portal_email_retention_days)
    with engine_for(config) as engine, engine.begin() as conn:
        cleared = forget_emails(conn, before)
    console.print(f"{cleared} e-mail address(es) older than "
                  f"{config.portal_email_retention_days} days deleted")
