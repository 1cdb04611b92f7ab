"""``twin refresh [LAYER]... | --due``: reload layers from their declared ``source_url``.

Meant to run unattended (cron, a systemd timer, the docker ``refresh`` service; see
docs/refresh.md): ``--due`` picks the layers whose declared update frequency says they are
due, an unchanged source makes no version, and a failed layer is recorded late, keeps its
previous version and its contact point gets an e-mail -- the other layers still refresh.
The exit status is 1 when any refresh failed, so a timer's unit shows the failure too.
"""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer
from rich.table import Table

from gis import registry
from gis.refresh import RefreshOutcome, due_layers, refresh_layer
from twin.cli.common import console, domain_errors, engine_for, err_console, settings
from twin.cli.options import JsonOption
from twin.notify import notify_refresh_failure


def outcome_json(outcome: RefreshOutcome) -> dict[str, object]:
    """An outcome for scripts: status, version, change set counts and ids, error."""
    change = outcome.change
    return {
        "layer_id": outcome.layer_id, "status": outcome.status,
        "source_url": outcome.source_url, "version": outcome.version, "error": outcome.error,
        "added": change.added if change else None,
        "removed": change.removed if change else None,
        "changed": change.changed if change else None,
        "change_set": change.__dict__ if change else None,
    }


def outcomes_table(outcomes: list[RefreshOutcome]) -> Table:
    table = Table(title="Refresh")
    for column in ("layer", "status", "version", "added", "removed", "changed", "error"):
        table.add_column(column)
    for o in outcomes:
        c = o.change
        counts = (str(c.added), str(c.removed), str(c.changed)) if c else ("-", "-", "-")
        table.add_row(o.layer_id, o.status, str(o.version or "-"), *counts, o.error or "")
    return table


@domain_errors
def refresh(
    layer_ids: Annotated[Optional[list[str]], typer.Argument(  # noqa: UP045
        metavar="[LAYER]...", help="layers to refresh")] = None,
    due: Annotated[bool, typer.Option(
        "--due", help="every layer whose update frequency says it is due")] = False,
    as_json: JsonOption = False,
) -> None:
    """Fetch layers from their source_url and load what changed as new versions."""
    if bool(layer_ids) == due:
        raise typer.BadParameter("name the layers or give --due (not both)")
    config = settings()
    outcomes: list[RefreshOutcome] = []
    with engine_for(config) as engine:
        if due:
            with engine.connect() as conn:
                layer_ids = [layer.id for layer in due_layers(conn)]
        for layer_id in layer_ids or []:
            outcome = refresh_layer(engine, layer_id, default_storage_crs=config.storage_crs,
                                    secrets=config.source_secrets)
            if outcome.status == "failed":
                with engine.connect() as conn:
                    spec = registry.get_layer(conn, layer_id).spec
                notify_refresh_failure(config, spec, outcome)
            outcomes.append(outcome)
    if as_json:
        typer.echo(json.dumps([outcome_json(o) for o in outcomes], indent=2, default=str))
    elif outcomes:
        console.print(outcomes_table(outcomes))
    else:
        console.print("no layer is due")
    failed = [o.layer_id for o in outcomes if o.status == "failed"]
    if failed:
        err_console.print(f"[red]refresh failed:[/] {', '.join(failed)} (previous versions "
                          "kept, marked late)")
        raise typer.Exit(1)
