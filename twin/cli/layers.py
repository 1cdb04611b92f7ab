"""``twin layers list|show|register|history|prune``: the registry from the command line."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Optional

import typer
from rich.table import Table

from gis import registry, vocab
from gis.ingest.declaration import GivenOptions, read_manifest
from gis.model import Layer, LayerSpec, LayerVersion, QualityReport
from gis.refresh import ChangeSet, RefreshState, change_sets, refresh_states
from twin.cli.common import console, domain_errors, engine_for, settings
from twin.cli.declare import declare, defaults_for
from twin.cli.options import JsonOption, ManifestOption

LayerArgument = Annotated[str, typer.Argument(metavar="LAYER", help="layer id")]

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
def list_command(as_json: JsonOption = False) -> None:
    """Every registered layer with its version, size and quality summary."""
    with engine_for(settings()) as engine, engine.connect() as conn:
        layers = registry.list_layers(conn)
    if as_json:
        typer.echo(json.dumps([layer.model_dump(mode="json") for layer in layers], indent=2))
    else:
        console.print(layers_table(layers))


def _refresh_row(state: RefreshState | None) -> str:
    """The last refresh from the source: when it succeeded, and the last failure's reason
    while the layer is late (a fetch that failed left no load in the history)."""
    if state is None:
        return "never"
    text = f"last success {_when(state.last_success_at)}"
    if state.late:
        text += f"; LATE since {_when(state.last_failure_at)}: {state.last_error}"
    return text


def _overview(layer: Layer, state: RefreshState | None = None) -> Table:
    """Who may read the layer, under which licence, from whom, and what it holds now."""
    spec = layer.spec
    table = Table(title=f"Layer {layer.id}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    access: str = spec.access_level
    if spec.shared_with:
        access += f" (shared with {', '.join(spec.shared_with)})"
    contact = spec.contact_point
    rows = [
        ("kind", spec.kind), ("access", access),
        ("licence", vocab.short_code(spec.licence)),
        ("update frequency", vocab.short_code(spec.update_frequency)),
        ("producer", spec.producer), ("contact", f"{contact.name} <{contact.email}>"),
        ("themes", ", ".join(vocab.short_code(t) for t in spec.theme) or "-"),
        ("keywords", ", ".join(spec.keywords) or "-"),
        ("anonymised fields", ", ".join(f"{name} ({rule.rule})" for name, rule
                                        in spec.personal_fields.items()) or "-"),
        ("source", spec.source or "-"),
        ("source URL", str(spec.source_url) if spec.source_url else "-"),
        ("refresh", _refresh_row(state) if spec.source_url else "-"),
        ("storage CRS", f"EPSG:{layer.storage_srid}"),
        ("version", str(layer.current_version or "-")),
        ("features", str(layer.feature_count if layer.feature_count is not None else "-")),
        ("geometry", layer.geometry_type or "-"), ("extent", _extent(layer)),
        ("last load", _when(layer.last_load)),
    ]
    for key, value in rows:
        table.add_row(key, value)
    return table


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def _titles(spec: LayerSpec) -> Table:
    """Title and description in each language the producer gave."""
    table = Table(title="Titles")
    for column in ("language", "title", "description"):
        table.add_column(column)
    for language in sorted(set(spec.title) | set(spec.description)):
        table.add_row(language, spec.title.get(language, "-"),
                      spec.description.get(language, "-"))
    return table


def quality_summary(layer: Layer) -> Table:
    """The current version's quality: counts, then each problem found (a vector load's
    `QualityReport`); other kinds store their own figures, listed as they are."""
    quality = layer.quality or {}
    version = f"v{layer.current_version}" if layer.current_version else "no version"
    if layer.spec.kind != "vector":
        table = Table(title=f"Quality of {version}")
        table.add_column("figure")
        table.add_column("value", justify="right")
        for key, value in quality.items():
            table.add_row(key, json.dumps(value, ensure_ascii=False)
                          if isinstance(value, dict | list) else str(value))
        return table
    report = QualityReport.model_validate(quality) if quality else None
    table = Table(title=f"Quality of {version}")
    table.add_column("measure")
    table.add_column("count", justify="right")
    if report is None:
        return table
    table.caption = f"source: {report.source}" + (
        "; each issue: twin layers show --json" if report.issues else "")
    for label, count in (("features read", report.features_read),
                         ("features loaded", report.features_loaded),
                         ("repaired", report.repaired), ("rejected", report.rejected)):
        table.add_row(label, str(count))
    for code, count in sorted(report.counts.items()):
        table.add_row(f"  {code}", str(count))
    return table


def versions_table(layer_id: str, versions: list[LayerVersion],
                   changes: dict[int, ChangeSet] | None = None) -> Table:
    """Every load; ``changes`` (versions a refresh loaded) as +added -removed ~changed."""
    table = Table(title=f"History of {layer_id}")
    for column in ("load", "version", "status", "valid from", "valid to", "features",
                   "changes", "error"):
        table.add_column(column)
    for v in versions:
        change = (changes or {}).get(v.version or 0)
        table.add_row(str(v.load_id), str(v.version or "-"), v.status,
                      _when(v.begin_lifespan), _when(v.end_lifespan),
                      str(v.feature_count if v.feature_count is not None else "-"),
                      f"+{change.added} -{change.removed} ~{change.changed}" if change else "-",
                      v.error or "")
    return table


def version_json(version: LayerVersion, change: ChangeSet | None) -> dict[str, Any]:
    """A load as JSON, with its change set against the previous version: counts (null when
    no refresh computed one) and the bounded id lists."""
    payload: dict[str, Any] = version.model_dump(mode="json")
    payload["added"] = change.added if change else None
    payload["removed"] = change.removed if change else None
    payload["changed"] = change.changed if change else None
    payload["change_set"] = None if change is None else {
        "previous_version": change.previous_version, "keyed_by": change.keyed_by,
        "added_ids": change.added_ids, "removed_ids": change.removed_ids,
        "changed_ids": change.changed_ids}
    return payload


@app.command()
@domain_errors
def show(layer: LayerArgument, as_json: JsonOption = False) -> None:
    """Everything the registry knows of one layer: declaration, titles, versions, quality."""
    with engine_for(settings()) as engine, engine.connect() as conn:
        found = registry.get_layer(conn, layer)
        versions = [] if as_json else registry.history(conn, layer)
        changes = {} if as_json else change_sets(conn, layer)
        state = refresh_states(conn, [layer]).get(layer)
    if as_json:
        typer.echo(found.model_dump_json(indent=2))
        return
    for table in (_overview(found, state), _titles(found.spec),
                  versions_table(found.id, versions, changes), quality_summary(found)):
        console.print(table)


@app.command()
@domain_errors
def history(layer: LayerArgument, as_json: JsonOption = False) -> None:
    """Every load of a layer (versions and failures), newest first."""
    with engine_for(settings()) as engine, engine.connect() as conn:
        versions = registry.history(conn, layer)
        changes = change_sets(conn, layer)
    if as_json:
        typer.echo(json.dumps([version_json(v, changes.get(v.version or 0)) for v in versions],
                              indent=2))
        return
    console.print(versions_table(layer, versions, changes))


@app.command()
@domain_errors
def register(manifest: ManifestOption = None) -> None:
    """Declare (or update) the layers of a manifest (default: config/layers.yml), each
    resolved as an ingest would declare it (manifest > defaults)."""
    config = settings()
    declared = read_manifest(manifest or config.manifest)
    defaults = defaults_for(config)
    with engine_for(config) as engine:
        specs = [declare(engine, layer_id, GivenOptions(), defaults, declared).spec
                 for layer_id in declared.layers]
        with engine.begin() as conn:
            for spec in specs:
                registry.register(conn, spec, config.storage_crs)
    console.print(f"{len(specs)} layers declared")


@app.command()
@domain_errors
def prune(
    layer_ids: Annotated[Optional[list[str]], typer.Argument(  # noqa: UP045
        metavar="[LAYER]...", help="layers to prune")] = None,
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
