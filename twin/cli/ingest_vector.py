"""``twin ingest vector PATH --layer ID``: one source into the next version of a layer.

The layer's declaration comes from the registry when it is already declared, else from the
manifest, else from the flags (a layer declared only by flags is ``closed`` unless
``--access`` says otherwise: nothing is published by accident). Flags given next to a
declaration override its fields for this and later loads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from gis import registry
from gis.errors import InvalidLayerSpec, LayerNotFound
from gis.ingest import LoadResult, ingest_vector
from gis.model import LayerSpec
from twin.cli.common import console, domain_errors, engine_for, err_console, settings
from twin.settings import Settings

MAX_ISSUES_SHOWN = 50



def _flag_fields(title: str | None, licence: str | None, access: str | None,
                 frequency: str | None, producer: str | None, contact_name: str | None,
                 contact_email: str | None, storage_crs: str | None, id_field: str | None,
                 source_layer: str | None, osm_mapping: str | None) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": {"en": title} if title else None, "licence": licence, "access_level": access,
        "update_frequency": frequency, "producer": producer, "storage_crs": storage_crs,
        "id_field": id_field, "source_layer": source_layer, "osm_mapping": osm_mapping,
    }
    if contact_name or contact_email:
        fields["contact_point"] = {"name": contact_name or "", "email": contact_email or ""}
    return {key: value for key, value in fields.items() if value is not None}


def resolve_spec(config: Settings, engine: Engine, layer_id: str, manifest: Path | None,
                 flags: dict[str, Any]) -> LayerSpec:
    """Registry first, then the manifest, then the flags alone; flags override fields."""
    base: dict[str, Any] | None = None
    with engine.connect() as conn:
        try:
            base = registry.get_layer(conn, layer_id).spec.model_dump(mode="json")
        except LayerNotFound:
            base = None
    manifest_path = manifest or config.manifest
    if base is None and manifest_path.exists():
        declared = {s.id: s for s in registry.load_manifest(manifest_path)}
        if layer_id in declared:
            base = declared[layer_id].model_dump(mode="json")
    if base is None:
        base = {"id": layer_id, "access_level": "closed", "update_frequency": "UNKNOWN"}
        missing = [f"--{name}" for name, key in (
            ("title", "title"), ("licence", "licence"), ("producer", "producer"),
            ("contact-email", "contact_point")) if key not in flags]
        if missing:
            raise InvalidLayerSpec(
                f"layer {layer_id!r} is neither registered nor in {manifest_path}: "
                f"declare it there or give {', '.join(missing)}")
    return registry.parse_spec({**base, **flags}, where="command line")


def quality_table(result: LoadResult) -> Table:
    report = result.quality
    table = Table(title=f"Quality of {result.layer_id} v{result.version} ({report.source})")
    for column in ("feature", "problem", "action", "detail"):
        table.add_column(column)
    for issue in report.issues[:MAX_ISSUES_SHOWN]:
        table.add_row(issue.feature or "-", issue.code, issue.action, issue.message)
    hidden = len(report.issues) - MAX_ISSUES_SHOWN + report.issues_truncated
    if hidden > 0:
        table.add_row("...", f"{hidden} more", "", "see --json or `twin layers show`")
    table.caption = (
        f"{report.features_read} read, {report.features_loaded} loaded, {report.repaired} "
        f"repaired, {report.rejected} rejected; {result.geometry_type} in "
        f"EPSG:{result.storage_srid}; {result.seconds:.1f} s"
    )
    return table


def _load(config: Settings, engine: Engine, spec: LayerSpec, path: Path, crs: str | None,
          strict: bool) -> LoadResult:
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("features"), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(f"loading {spec.id}", total=None)

        def advance(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total if total and total >= done else None)

        return ingest_vector(engine, spec, path, default_storage_crs=config.storage_crs,
                             source_crs=crs, strict=strict, progress=advance)


@domain_errors
def vector(
    path: Annotated[Path, typer.Argument(help="GeoPackage, GeoJSON, Shapefile, GML, CSV, OSM")],
    layer: Annotated[str, typer.Option("--layer", help="layer id")],
    crs: Annotated[str | None, typer.Option(help="CRS of the coordinates, e.g. EPSG:31370")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="any quality issue is fatal")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    manifest: Annotated[Path | None, typer.Option(help="layer manifest (YAML)")] = None,
    title: Annotated[str | None, typer.Option(help="title (English)")] = None,
    licence: Annotated[str | None, typer.Option(help="EU licence code or IRI")] = None,
    access: Annotated[str | None, typer.Option(help="open | shared | closed")] = None,
    frequency: Annotated[str | None, typer.Option(help="EU frequency code or IRI")] = None,
    producer: Annotated[str | None, typer.Option(help="producer service")] = None,
    contact_name: Annotated[str | None, typer.Option(help="contact point name")] = None,
    contact_email: Annotated[str | None, typer.Option(help="contact point e-mail")] = None,
    storage_crs: Annotated[str | None, typer.Option(help="storage CRS of a new layer")] = None,
    id_field: Annotated[str | None, typer.Option(help="field holding feature ids")] = None,
    source_layer: Annotated[str | None, typer.Option(help="layer inside the file")] = None,
    osm_mapping: Annotated[str | None, typer.Option(help="roads | facilities (OSM)")] = None,
) -> None:
    """Load PATH as the next version of layer ID (atomic: a failure keeps the previous one)."""
    config = settings()
    flags = _flag_fields(title, licence, access, frequency, producer, contact_name,
                         contact_email, storage_crs, id_field, source_layer, osm_mapping)
    with engine_for(config) as engine:  # one pool: the lookup's connection serves the load
        spec = resolve_spec(config, engine, layer, manifest, flags)
        result = _load(config, engine, spec, path, crs, strict)
    if as_json:
        payload = {key: value for key, value in result.__dict__.items() if key != "quality"}
        payload["quality"] = result.quality.model_dump(mode="json")
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    console.print(quality_table(result))
    console.print(f"[green]layer {result.layer_id} is at version {result.version}[/] "
                  f"({result.feature_count} features in {result.table})")
