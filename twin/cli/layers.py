"""``twin layers list|show|register|history|prune``: the registry from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from gis import registry
from gis.model import Layer
from twin.cli.common import console, domain_errors, engine_for, settings

app = typer.Typer(help="Read and declare layers of the registry.", no_args_is_help=True)


def _extent(layer: Layer) -> str:
    if layer.extent is None:
        return "-"
    return ", ".join(f"{v:.1f}" for v in layer.extent)


def layers_table(layers: list[Layer]) -> Table:
    table = Table(title="Layer registry")
    for column in ("id", "kind", "title", "access", "EPSG", "version", "features", "last load",
                   "quality"):
        table.add_column(column)
    for layer in layers:
        quality = layer.quality or {}
        table.add_row(
            layer.id, layer.spec.kind, layer.spec.label(), layer.spec.access_level,
            str(layer.storage_srid), str(layer.current_version or "-"),
            str(layer.feature_count if layer.feature_count is not None else "-"),
            layer.last_load.strftime("%Y-%m-%d %H:%M") if layer.last_load else "-",
            f"{quality.get('repaired', 0)} repaired, {quality.get('rejected', 0)} rejected"
            if quality else "-",
        )
    return table


@app.command("list")
@domain_errors
def list_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every registered layer with its version, size and quality summary."""
    with engine_for(settings()) as engine, engine.connect() as conn:
        layers = registry.list_layers(conn)
    if as_json:
        typer.echo(json.dumps([layer.model_dump(mode="json") for layer in layers], indent=2))
    else:
        console.print(layers_table(layers))


@app.command()
@domain_errors
def show(layer_id: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Everything the registry knows of one layer."""
    with engine_for(settings()) as engine, engine.connect() as conn:
        layer = registry.get_layer(conn, layer_id)
    if as_json:
        typer.echo(layer.model_dump_json(indent=2))
        return
    table = Table(title=f"Layer {layer.id}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, value in layer.spec.model_dump(mode="json").items():
        table.add_row(key, json.dumps(value, ensure_ascii=False) if not isinstance(value, str)
                      else value)
    table.add_row("storage CRS", f"EPSG:{layer.storage_srid}")
    table.add_row("version", str(layer.current_version or "-"))
    table.add_row("features", str(layer.feature_count if layer.feature_count is not None else "-"))
    table.add_row("geometry", layer.geometry_type or "-")
    table.add_row("extent", _extent(layer))
    table.add_row("last load", str(layer.last_load or "-"))
    table.add_row("quality", json.dumps(layer.quality or {}))
    console.print(table)


@app.command()
@domain_errors
def history(layer_id: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every load of a layer (versions and failures), newest first."""
    with engine_for(settings()) as engine, engine.connect() as conn:
        versions = registry.history(conn, layer_id)
    if as_json:
        typer.echo(json.dumps([v.model_dump(mode="json") for v in versions], indent=2))
        return
    table = Table(title=f"History of {layer_id}")
    for column in ("load", "version", "status", "valid from", "valid to", "features", "error"):
        table.add_column(column)
    for v in versions:
        table.add_row(str(v.load_id), str(v.version or "-"), v.status,
                      str(v.begin_lifespan or "-"), str(v.end_lifespan or "-"),
                      str(v.feature_count if v.feature_count is not None else "-"),
                      v.error or "")
    console.print(table)


@app.command()
@domain_errors
def register(
    manifest: Annotated[Optional[Path], typer.Option(help="YAML manifest of layers")] = None,  # noqa: UP045
) -> None:
    """Declare (or update) the layers of a manifest (default: config/layers.yml)."""
    config = settings()
    specs = registry.load_manifest(manifest or config.manifest)
    with engine_for(config) as engine, engine.begin() as conn:
        for spec in specs:
            registry.register(conn, spec, config.storage_crs)
    console.print(f"{len(specs)} layers declared")


@app.command()
@domain_errors
def prune(
    layer_ids: Annotated[Optional[list[str]], typer.Argument(help="layers to prune")] = None,  # noqa: UP045
    keep: Annotated[int, typer.Option(min=0, help="superseded versions to keep")] = 1,
    all_layers: Annotated[bool, typer.Option("--all", help="every vector layer")] = False,
) -> None:
    """Drop the data of old versions (all but the --keep newest superseded ones); their
    history rows stay, marked pruned."""
    from gis.ingest.prune import prune_history  # the ingest stack, for this command only

    if bool(layer_ids) == all_layers:
        raise typer.BadParameter("name the layers or give --all (not both)")
    with engine_for(settings()) as engine:
        if all_layers:
            with engine.connect() as conn:
                layer_ids = [la.id for la in registry.list_layers(conn, kinds=["vector"])]
        for layer_id in layer_ids or []:
            pruned = prune_history(engine, layer_id, keep)
            listed = ", ".join(f"v{v}" for v in pruned) or "nothing"
            console.print(f"{layer_id}: pruned {listed}")
