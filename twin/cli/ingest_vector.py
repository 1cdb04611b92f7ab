"""``twin ingest vector PATH --layer ID``: one source into the next version of a layer.

The layer's declaration is resolved once, in gis (`gis.ingest.declaration.resolve`):
the manifest's values win (a flag contradicting one is an error naming the field), flags
fill what it leaves unset, defaults the rest; a layer the manifest does not declare keeps
its registered declaration, changed by the flags given. A layer declared only by flags is
``closed`` unless ``--access`` says otherwise: nothing is published by accident.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from gis.ingest import LoadResult, ingest_vector
from gis.ingest.declaration import GivenOptions, Resolution
from twin.cli.common import console, domain_errors, engine_for, err_console, settings
from twin.cli.declare import declare, defaults_for, manifest_for
from twin.cli.options import (
    AccessOption,
    ContactEmailOption,
    ContactNameOption,
    FrequencyOption,
    InspireThemeOption,
    JsonOption,
    LayerOption,
    LicenceOption,
    ManifestOption,
    ProducerOption,
    StrictOption,
    TitleOption,
)

MAX_ISSUES_SHOWN = 50


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


def load_vector(engine: Engine, resolution: Resolution, path: str | Path,
                progress: bool = True) -> LoadResult:
    """Load ``path`` as the resolved declaration says (with a progress bar on stderr)."""
    options = resolution.load
    if not progress:
        return ingest_vector(engine, resolution.spec, path,
                             default_storage_crs=options.default_storage_crs,
                             source_crs=options.source_crs, strict=options.strict)
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("features"), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(f"loading {resolution.spec.id}", total=None)

        def advance(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total if total and total >= done else None)

        return ingest_vector(engine, resolution.spec, path,
                             default_storage_crs=options.default_storage_crs,
                             source_crs=options.source_crs, strict=options.strict,
                             progress=advance)


def result_json(result: LoadResult) -> dict[str, object]:
    """A load as JSON for scripts: the result's fields, the quality report in full."""
    payload = {key: value for key, value in result.__dict__.items() if key != "quality"}
    payload["quality"] = result.quality.model_dump(mode="json")
    return payload


@domain_errors
def vector(
    path: Annotated[Path, typer.Argument(help="GeoPackage, GeoJSON, Shapefile, GML, CSV, OSM")],
    layer: LayerOption,
    crs: Annotated[str | None, typer.Option(help="CRS of the coordinates, e.g. EPSG:31370")] = None,
    strict: StrictOption = False,
    as_json: JsonOption = False,
    manifest: ManifestOption = None,
    title: TitleOption = None,
    licence: LicenceOption = None,
    access: AccessOption = None,
    frequency: FrequencyOption = None,
    producer: ProducerOption = None,
    contact_name: ContactNameOption = None,
    contact_email: ContactEmailOption = None,
    inspire_theme: InspireThemeOption = None,
    storage_crs: Annotated[str | None, typer.Option(help="storage CRS of a new layer")] = None,
    id_field: Annotated[str | None, typer.Option(help="field holding feature ids")] = None,
    source_layer: Annotated[str | None, typer.Option(help="layer inside the file")] = None,
    osm_mapping: Annotated[Literal["roads", "facilities"] | None, typer.Option(
        help="which OpenStreetMap objects make the layer")] = None,
) -> None:
    """Load PATH as the next version of layer ID (atomic: a failure keeps the previous one)."""
    config = settings()
    given = GivenOptions(
        kind="vector", title=title, licence=licence, access=access, frequency=frequency,
        producer=producer, contact_name=contact_name, contact_email=contact_email,
        storage_crs=storage_crs, id_field=id_field, source_layer=source_layer,
        osm_mapping=osm_mapping, source=str(path), source_crs=crs, strict=strict or None,
        inspire_themes=tuple(inspire_theme or ()))
    with engine_for(config) as engine:  # one pool: the lookup's connection serves the load
        resolution = declare(engine, layer, given, defaults_for(config),
                             manifest_for(config, manifest))
        result = load_vector(engine, resolution, path)
    if as_json:
        typer.echo(json.dumps(result_json(result), indent=2, ensure_ascii=False))
        return
    console.print(quality_table(result))
    console.print(f"[green]layer {result.layer_id} is at version {result.version}[/] "
                  f"({result.feature_count} features in {result.table})")
