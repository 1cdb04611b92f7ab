"""``twin ingest lidar PATH... --layer ID [--crs EPSG:h+v]``: index LAS/LAZ files in a layer.

A PATH may be an fsspec URL (``s3://bucket/tiles/x.laz``), read with ``TWIN_STORAGE_OPTIONS``
(endpoint, credentials): the object is streamed, never copied, and its URL is recorded.

The layer is declared by the same resolver as every ingest (`gis.ingest.declaration`:
manifest > flags > defaults), with the same flags as ``twin ingest vector``; a new layer
is titled "LiDAR point cloud ID" unless ``--title`` or the manifest says otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from gis.ingest.declaration import GivenOptions
from gis.lidar.crs import parse_given_crs
from gis.lidar.ingest import LidarLoadResult, ingest_lidar
from gis.lidar.source import is_url
from twin.cli.common import console, domain_errors, engine_for, err_console, settings
from twin.cli.declare import access_or_alias, declare, defaults_for, manifest_for
from twin.cli.options import (
    Access,
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


def _as_json(result: LidarLoadResult) -> str:
    return json.dumps({
        "layer_id": result.layer_id, "crs": result.crs.text, "added": result.added,
        "replaced": result.replaced, "unchanged": result.unchanged,
        "version": result.version, "point_count": result.point_count,
    }, indent=2, ensure_ascii=False)


@domain_errors
def lidar(
    paths: Annotated[list[str], typer.Argument(
        help="LAS/LAZ files: paths, or fsspec URLs (s3://bucket/x.laz; options from "
             "TWIN_STORAGE_OPTIONS)")],
    layer: LayerOption,
    crs: Annotated[Optional[str], typer.Option(  # noqa: UP045
        help="CRS when the files declare none or only the horizontal one: EPSG:28992+5709")
    ] = None,
    manifest: ManifestOption = None,
    title: TitleOption = None,
    licence: LicenceOption = None,
    access: AccessOption = None,
    access_level: Annotated[Optional[Access], typer.Option(  # noqa: UP045
        "--access-level", hidden=True, help="old spelling of --access")] = None,
    frequency: FrequencyOption = None,
    producer: ProducerOption = None,
    contact_name: ContactNameOption = None,
    contact_email: ContactEmailOption = None,
    inspire_theme: InspireThemeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Index LAS/LAZ files (stats, footprint, checksum) in a LiDAR layer; atomic, idempotent."""
    config = settings()
    given = GivenOptions(
        kind="lidar", title=title, licence=licence, access=access_or_alias(access, access_level),
        frequency=frequency, producer=producer, contact_name=contact_name,
        contact_email=contact_email, source_crs=crs,
        inspire_themes=tuple(inspire_theme or ()))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with engine_for(config) as engine:
        resolution = declare(engine, layer, given,
                             defaults_for(config, title=f"LiDAR point cloud {layer}"),
                             manifest_for(config, manifest))
        source_crs = resolution.load.source_crs
        with Progress(*columns, console=err_console if as_json else console) as progress:
            task = progress.add_task("reading LAS/LAZ files", total=len(paths))
            result = ingest_lidar(
                engine, resolution.spec,
                [p if is_url(p) else Path(p.removeprefix("file://")) for p in paths],
                crs=parse_given_crs(source_crs) if source_crs else None,
                progress=lambda path, done, total: progress.update(
                    task, completed=done, description=f"read {path.rsplit('/', 1)[-1]}"),
                storage_options=config.storage_options,
            )
    if as_json:
        typer.echo(_as_json(result))
        return
    console.print(
        f"layer {result.layer_id} ({result.crs.text}): {len(result.added)} added, "
        f"{len(result.replaced)} replaced, {len(result.unchanged)} unchanged; "
        f"version {result.version}, {result.point_count:,} points"
    )
