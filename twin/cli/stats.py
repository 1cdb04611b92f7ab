"""``twin stats``: downloads and API requests per dataset (no personal data is recorded)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from gis.portal.usage import monthly_usage, usage_totals
from twin.cli.common import console, domain_errors, engine_for, settings
from twin.cli.options import JsonOption


@domain_errors
def stats(
    layer: Annotated[str | None, typer.Option(help="month by month for this layer")] = None,
    days: Annotated[int, typer.Option(min=1, help="period, in days up to today")] = 365,
    as_json: JsonOption = False,
) -> None:
    """Usage per dataset over the period, most used first (or per month for one layer)."""
    since = (datetime.now(UTC) - timedelta(days=days)).date()
    with engine_for(settings()) as engine, engine.connect() as conn:
        if layer:
            rows = [(month.isoformat()[:7], u) for month, u in
                    monthly_usage(conn, layer, since)]
        else:
            totals = usage_totals(conn, since)
            rows = sorted(totals.items(), key=lambda kv: (-kv[1].total, kv[0]))
    if as_json:
        typer.echo(json.dumps([{"key": key, "downloads": u.downloads,
                                "api_requests": u.api_requests} for key, u in rows], indent=2))
        return
    table = Table(title=f"Usage of {layer} per month" if layer else f"Usage since {since}")
    for column in ("month" if layer else "layer", "downloads", "API requests"):
        table.add_column(column)
    for key, u in rows:
        table.add_row(key, str(u.downloads), str(u.api_requests))
    console.print(table)
