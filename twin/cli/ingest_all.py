"""``twin ingest all``: load every vector layer of the manifest that names its source.

One failed layer does not stop the others (each load is atomic on its own); the command
lists what failed and why, and exits 1 if anything did.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from gis import registry
from gis.errors import GisError
from gis.ingest import ingest_vector
from twin.cli.common import console, domain_errors, engine_for, err_console, settings


@domain_errors
def all_layers(
    manifest: Annotated[Path | None, typer.Option(help="layer manifest (YAML)")] = None,
) -> None:
    """Declare and load every vector layer of the manifest (default: config/layers.yml)."""
    config = settings()
    specs = [s for s in registry.load_manifest(manifest or config.manifest)
             if s.kind == "vector" and s.source]
    summary = Table(title="Loads")
    for column in ("layer", "version", "features", "repaired", "rejected", "result"):
        summary.add_column(column)
    failures = 0
    with engine_for(config) as engine:
        for spec in specs:
            with console.status(f"loading {spec.id}"):
                try:
                    result = ingest_vector(engine, spec, Path(str(spec.source)),
                                           default_storage_crs=config.storage_crs,
                                           source_crs=spec.source_crs)
                except GisError as exc:
                    failures += 1
                    summary.add_row(spec.id, "-", "-", "-", "-", f"[red]{exc}[/]")
                    continue
            quality = result.quality
            summary.add_row(spec.id, str(result.version), str(result.feature_count),
                            str(quality.repaired), str(quality.rejected), "[green]loaded[/]")
    console.print(summary)
    if failures:
        err_console.print(f"[bold red]error:[/] {failures} of {len(specs)} layers failed")
        raise typer.Exit(1)
