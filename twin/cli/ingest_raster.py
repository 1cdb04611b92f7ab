"""``twin ingest raster IMAGE.tif --layer ID``: load an orthophoto (GeoTIFF) as a COG in the
data folder, registered as a raster layer whose map tiles the viewer drapes on the terrain.

The layer is declared by the same resolver as every ingest (manifest > flags > defaults);
a new layer is titled "Orthophoto ID" unless ``--title`` or the manifest says otherwise. A
bad file is a one-line error naming it and the problem; the previous version stays served.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from gis.ingest.declaration import GivenOptions
from gis.raster.ortho import OrthoIngest, ingest_ortho
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
    TitleOption,
)


def _as_json(result: OrthoIngest) -> str:
    return json.dumps({
        "layer_id": result.layer_id, "path": str(result.path), "version": result.version,
        "width": result.width, "height": result.height, "bands": result.bands,
        "resolution": result.resolution,
    }, indent=2)


@domain_errors
def raster(
    path: Annotated[Path, typer.Argument(help="a georeferenced GeoTIFF (1, 3 or 4 bands)")],
    layer: LayerOption,
    manifest: ManifestOption = None,
    title: TitleOption = None,
    licence: LicenceOption = None,
    access: AccessOption = None,
    frequency: FrequencyOption = None,
    producer: ProducerOption = None,
    contact_name: ContactNameOption = None,
    contact_email: ContactEmailOption = None,
    inspire_theme: InspireThemeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Load an orthophoto as a Cloud Optimized GeoTIFF raster layer (atomic)."""
    config = settings()
    given = GivenOptions(
        kind="raster", title=title, licence=licence, access=access, frequency=frequency,
        producer=producer, contact_name=contact_name, contact_email=contact_email,
        inspire_themes=tuple(inspire_theme or ()))
    with engine_for(config) as engine:
        resolution = declare(engine, layer, given,
                             defaults_for(config, title=f"Orthophoto {layer}"),
                             manifest_for(config, manifest))
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with Progress(*columns, console=err_console if as_json else console) as progress:
            progress.add_task(f"writing the COG of {path.name}", total=None)
            result = ingest_ortho(engine, resolution.spec, path,
                                  config.data_dir.resolve() / "rasters", source_name=str(path))
    if as_json:
        typer.echo(_as_json(result))
        return
    console.print(f"layer {result.layer_id}: version {result.version}, {result.width} x "
                  f"{result.height} px, {result.bands} band(s), {result.resolution:g} m "
                  f"-> {result.path}")
