"""``twin ingest all``: load every vector layer of the manifest that names its source.

Each layer is declared by the same resolver as ``twin ingest vector``
(`gis.ingest.declaration.resolve`: manifest > flags > defaults), so a layer loads the same
whichever command loads it; flags apply to every layer and contradicting a manifest value is
that layer's error. One failed layer does not stop the others (each load is atomic on its
own); the command lists what failed and why, and exits 1 if anything did.
"""

from __future__ import annotations

import json

import typer
from rich.table import Table
from sqlalchemy import Engine

from gis.errors import GisError
from gis.ingest import LoadResult
from gis.ingest.declaration import Defaults, GivenOptions, Manifest, read_manifest
from twin.cli.common import console, domain_errors, engine_for, err_console, settings
from twin.cli.declare import declare, defaults_for
from twin.cli.ingest_vector import load_vector, result_json
from twin.cli.options import (
    AccessOption,
    JsonOption,
    ManifestOption,
    StrictOption,
)

#: one load's outcome: its result, or the error that stopped it
Outcome = tuple[str, LoadResult | GisError]


def _load_one(engine: Engine, layer_id: str, given: GivenOptions, defaults: Defaults,
              manifest: Manifest) -> LoadResult | GisError:
    try:
        resolution = declare(engine, layer_id, given, defaults, manifest)
        source = resolution.load.source
        assert source is not None  # only layers naming their source are loaded
        with console.status(f"loading {layer_id}"):
            return load_vector(engine, resolution, source, progress=False)
    except GisError as exc:
        return exc


def _summary(outcomes: list[Outcome]) -> Table:
    summary = Table(title="Loads")
    for column in ("layer", "version", "features", "repaired", "rejected", "result"):
        summary.add_column(column)
    for layer_id, outcome in outcomes:
        if isinstance(outcome, GisError):
            summary.add_row(layer_id, "-", "-", "-", "-", f"[red]{outcome}[/]")
        else:
            quality = outcome.quality
            summary.add_row(layer_id, str(outcome.version), str(outcome.feature_count),
                            str(quality.repaired), str(quality.rejected), "[green]loaded[/]")
    return summary


def _as_json(outcomes: list[Outcome]) -> str:
    return json.dumps([
        {"layer_id": layer_id, "error": str(outcome)} if isinstance(outcome, GisError)
        else result_json(outcome) for layer_id, outcome in outcomes
    ], indent=2, ensure_ascii=False)


@domain_errors
def all_layers(
    manifest: ManifestOption = None,
    access: AccessOption = None,
    strict: StrictOption = False,
    as_json: JsonOption = False,
) -> None:
    """Declare and load every vector layer of the manifest (default: config/layers.yml)."""
    config = settings()
    declared = read_manifest(manifest or config.manifest)
    layer_ids = [s.id for s in declared.layers.values() if s.kind == "vector" and s.source]
    given = GivenOptions(kind="vector", access=access, strict=strict or None)
    with engine_for(config) as engine:
        outcomes: list[Outcome] = [
            (layer_id, _load_one(engine, layer_id, given, defaults_for(config), declared))
            for layer_id in layer_ids]
    if as_json:
        typer.echo(_as_json(outcomes))
    else:
        console.print(_summary(outcomes))
    failures = 0
    for layer_id, outcome in outcomes:
        if isinstance(outcome, GisError):  # one line each: the table wraps long messages
            failures += 1
            err_console.print(f"[bold red]error:[/] {layer_id}: {outcome}", highlight=False,
                              soft_wrap=True)
    if failures:
        err_console.print(f"[bold red]error:[/] {failures} of {len(outcomes)} layers failed")
        raise typer.Exit(1)
