"""``twin audit``: who read or changed shared and closed data, when, and how much."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from gis import access
from twin.cli.common import console, domain_errors, engine_for, settings
from twin.cli.options import JsonOption

app = typer.Typer(help="Read the audit log of shared and closed data.")


@app.callback(invoke_without_command=True)
@domain_errors
def audit(
    layer: Annotated[str | None, typer.Option(help="only this layer")] = None,
    since: Annotated[datetime | None, typer.Option(help="only entries from this time on")] = None,
    key: Annotated[str | None, typer.Option(help="only this key id")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 1000,
    as_json: JsonOption = False,
) -> None:
    """Audit entries, newest first."""
    with engine_for(settings()) as engine, engine.connect() as conn:
        entries = access.read_audit(conn, layer, since, key, limit)
    if as_json:
        typer.echo(json.dumps([e.model_dump(mode="json") for e in entries], indent=2))
        return
    table = Table(title="Audit log")
    for column in ("time", "key", "role", "layer", "level", "operation", "features", "status",
                   "path"):
        table.add_column(column, no_wrap=column in ("key", "layer"))
    for e in entries:
        table.add_row(f"{e.at:%Y-%m-%d %H:%M:%S}", e.key_id or "-", e.role, e.layer_id,
                      e.access_level, e.operation,
                      "-" if e.feature_count is None else str(e.feature_count),
                      "-" if e.status is None else str(e.status), e.path or "-")
    console.print(table)
