"""``twin ingest table FILE --layer ID``: a CSV or spreadsheet into the next version of a
table layer (no geometry).

The declaration resolves as for vector layers (manifest > flags > defaults; a layer
declared only by flags is ``closed``). The first load infers a Table Schema; every later
load is parsed against the schema stored with the current version, and a cell that does not
fit fails the load with its row and column, the previous version staying current.
``--new-schema`` publishes a table whose columns or types changed on purpose.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from gis.ingest.declaration import GivenOptions, Resolution
from gis.tables.loader import TableLoadResult, ingest_table
from twin.cli.common import console, domain_errors, engine_for, err_console, settings
from twin.cli.declare import declare, defaults_for, manifest_for
from twin.cli.options import (
    AccessOption,
    ContactEmailOption,
    ContactNameOption,
    FrequencyOption,
    JsonOption,
    LayerOption,
    LicenceOption,
    ManifestOption,
    ProducerOption,
    TitleOption,
)

MAX_UNMATCHED_SHOWN = 20


def load_table(engine: Engine, resolution: Resolution, path: Path,
               new_schema: bool) -> TableLoadResult:
    """Load ``path`` as the resolved declaration says (with a progress bar on stderr)."""
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("rows"), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(f"loading {resolution.spec.id}", total=None)

        def advance(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        return ingest_table(engine, resolution.spec, path,
                            default_storage_crs=resolution.load.default_storage_crs,
                            new_schema=new_schema, progress=advance)


def schema_table(result: TableLoadResult) -> Table:
    table = Table(title=f"{result.layer_id} v{result.version}: Table Schema")
    for column in ("field", "type", "details"):
        table.add_column(column)
    for field in result.schema["fields"]:
        details = ", ".join(f"{k}={v}" for k, v in field.items()
                            if k in ("format", "decimalChar", "groupChar"))
        table.add_row(field["name"], field["type"], details)
    return table


@domain_errors
def table(
    path: Annotated[Path, typer.Argument(help="CSV (any delimiter, UTF-8 or cp1252), XLSX or ODS")],
    layer: LayerOption,
    new_schema: Annotated[bool, typer.Option(
        "--new-schema", help="infer a new Table Schema instead of checking the stored one")
    ] = False,
    as_json: JsonOption = False,
    manifest: ManifestOption = None,
    title: TitleOption = None,
    licence: LicenceOption = None,
    access: AccessOption = None,
    frequency: FrequencyOption = None,
    producer: ProducerOption = None,
    contact_name: ContactNameOption = None,
    contact_email: ContactEmailOption = None,
) -> None:
    """Load PATH as the next version of table layer ID (atomic: a failure keeps the previous)."""
    config = settings()
    given = GivenOptions(
        kind="table", title=title, licence=licence, access=access, frequency=frequency,
        producer=producer, contact_name=contact_name, contact_email=contact_email,
        source=str(path))
    with engine_for(config) as engine:
        resolution = declare(engine, layer, given, defaults_for(config),
                             manifest_for(config, manifest))
        result = load_table(engine, resolution, path, new_schema)
    if as_json:
        payload = {k: v for k, v in result.__dict__.items() if k != "quality"}
        payload["quality"] = result.quality.model_dump(mode="json")
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
        return
    console.print(schema_table(result))
    unmatched = [i for i in result.quality.issues if i.code == "join_unmatched"]
    for issue in unmatched[:MAX_UNMATCHED_SHOWN]:
        console.print(f"[yellow]unmatched:[/] {issue.feature}: {issue.message}", highlight=False)
    if result.unmatched:
        console.print(f"[yellow]{result.unmatched} row(s) match no feature of the joined "
                      "layer[/] (kept in the table, absent from its map)")
    console.print(f"[green]layer {result.layer_id} is at version {result.version}[/] "
                  f"({result.row_count} rows in {result.table})")
