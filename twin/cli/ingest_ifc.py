"""``twin ingest ifc FILE --layer ID``: an IFC model as the next version of a BIM layer.

The model is georeferenced from the file (map conversion, ePSet_MapConversion, or approximately
from IfcSite's reference point) or placed by the planner (``--origin --crs --rotation``, which
overrides the file); ``--ids`` refuses a model that fails the commune's IDS unless
``--force``. Each element becomes a row (`gis.bim.store`); failed elements are listed by
GlobalId in the quality report and the others load.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from gis.bim.georef import Placement, user_placement
from gis.bim.ids import check_ifc
from gis.bim.parcels import link_parcels
from gis.bim.store import BimLoadResult, ingest_ifc
from gis.errors import IngestError
from gis.ingest.declaration import GivenOptions
from gis.model import LayerSpec
from twin.cli.common import console, domain_errors, engine_for, err_console, settings
from twin.cli.declare import declare, defaults_for, manifest_for
from twin.cli.ingest_vector import quality_table, result_json
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


def placement_from_flags(origin: str | None, crs: str | None, rotation: float | None
                         ) -> Placement | None:
    """The planner's placement, when --origin is given (then --crs is required)."""
    if origin is None:
        if crs is not None or rotation is not None:
            raise IngestError("--origin", "--crs and --rotation place the model only with "
                              "--origin E,N,H")
        return None
    if crs is None:
        raise IngestError("--crs", "--origin needs the CRS of its coordinates, e.g. "
                          "--crs EPSG:31370+5710")
    return user_placement(origin, crs, rotation or 0.0)


def _load(path: Path, spec: LayerSpec, placement: Placement | None, strict: bool,
          models_dir: Path, engine: Engine) -> BimLoadResult:
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("elements"), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(f"loading {path.name}", total=None)

        def advance(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        return ingest_ifc(engine, spec, path, models_dir=models_dir,
                          placement=placement, threads=os.cpu_count() or 1, strict=strict,
                          progress=advance)


@domain_errors
def ifc(
    path: Annotated[Path, typer.Argument(help="IFC model (IFC2X3, IFC4, IFC4X3), STEP .ifc")],
    layer: LayerOption,
    origin: Annotated[str | None, typer.Option(
        help="place the model: E,N,H of its origin (overrides the file's georeferencing)")
    ] = None,
    crs: Annotated[str | None, typer.Option(
        help="CRS of --origin, e.g. EPSG:31370+5710 (Lambert 72 + Ostend height)")] = None,
    rotation: Annotated[float | None, typer.Option(
        help="the model's x axis from grid east, degrees counter-clockwise")] = None,
    ids: Annotated[Path | None, typer.Option(
        help="refuse the model unless it passes this IDS (see `twin check ifc`)")] = None,
    force: Annotated[bool, typer.Option(help="load even when the model fails --ids")] = False,
    parcels: Annotated[str | None, typer.Option(
        help="cadastral layer: record the parcels the model stands on")] = None,
    strict: Annotated[bool, typer.Option(help="a failed element fails the load")] = False,
    as_json: JsonOption = False,
    manifest: ManifestOption = None,
    title: TitleOption = None,
    access: AccessOption = None,
    licence: LicenceOption = None,
    frequency: FrequencyOption = None,
    producer: ProducerOption = None,
    contact_name: ContactNameOption = None,
    contact_email: ContactEmailOption = None,
) -> None:
    """Load the IFC model PATH as the next version of BIM layer ID."""
    config = settings()
    placement = placement_from_flags(origin, crs, rotation)
    if ids is not None:
        report = check_ifc(path, ids)
        if not report.passed and not force:
            raise IngestError(str(path), report.summary() + " (--force loads it anyway)")
        if not report.passed:
            err_console.print(f"[yellow]{report.summary()}; loaded because of --force[/]")
    given = GivenOptions(kind="bim", title=title, access=access, licence=licence,
                         frequency=frequency, producer=producer, contact_name=contact_name,
                         contact_email=contact_email, source=str(path), id_field="GlobalId")
    with engine_for(config) as engine:
        resolution = declare(engine, layer, given, defaults_for(config),
                             manifest_for(config, manifest))
        result = _load(path, resolution.spec, placement, strict,
                       config.data_dir.resolve() / "bim", engine)
        links = link_parcels(engine, layer, parcels) if parcels else []
    if as_json:
        payload = result_json(result.load) | {
            "placement": result.placement.as_json(), "schema": result.schema,
            "triangles": result.triangles, "failed": result.failed,
            "change": result.change.__dict__ if result.change else None,
            "parcels": [link.__dict__ for link in links],
            "buildings": [link.__dict__ for link in result.buildings]}
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
        return
    console.print(quality_table(result.load))
    change = result.change
    changed = (f"; {change.added} added, {change.removed} removed, {change.changed} changed "
               "by GlobalId" if change else "")
    console.print(f"[green]layer {result.load.layer_id} is at version {result.load.version}[/] "
                  f"({result.elements} elements, {result.triangles} triangles, placed by "
                  f"{result.placement.method} in {result.placement.compound_crs}{changed})")
    for link in links:
        console.print(f"  on parcel {link.parcel} of {parcels}: {link.overlap_m2:.1f} m2 "
                      f"({link.share:.0%} of the footprint)")
    for building in result.buildings:
        console.print(f"  replaces building {building.feature_id} of the city model: "
                      f"{building.overlap_m2:.1f} m2 ({building.share:.0%} of the smaller "
                      "footprint)")
