"""``twin ingest lidar PATH... --layer ID [--crs EPSG:h+v]``: index LAS/LAZ files in a layer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from gis import registry
from gis.errors import InvalidLayerSpec, LayerNotFound
from gis.lidar.crs import parse_given_crs
from gis.lidar.ingest import ingest_lidar
from gis.model import LayerSpec
from twin.cli.common import console, domain_errors, engine_for, settings
from twin.settings import Settings


def lidar_spec_for(config: Settings, layer_id: str, title: str | None,
                   access_level: str | None) -> LayerSpec:
    """The layer's declaration: the manifest entry, else the registry's, else flags + defaults."""
    manifest = config.manifest
    if manifest.is_file():
        for spec in registry.load_manifest(manifest):
            if spec.id == layer_id:
                return spec.model_copy(update={"kind": "lidar"})
    with engine_for(config) as engine, engine.connect() as conn:
        try:
            return registry.get_layer(conn, layer_id).spec
        except LayerNotFound:
            pass
    defaults: dict[str, Any] = {}
    if manifest.is_file():
        import yaml

        defaults = (yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}).get(
            "defaults", {}) or {}
    data = {**defaults, "id": layer_id, "kind": "lidar",
            "title": {"en": title or f"LiDAR point cloud {layer_id}"}}
    if access_level:
        data["access_level"] = access_level
    if "producer" not in data or "contact_point" not in data:
        raise InvalidLayerSpec(f"layer {layer_id!r} is not declared in {manifest}; declare it "
                               "there (kind: lidar) or give manifest defaults")
    return registry.parse_spec(data, where=f"--layer {layer_id}")


@domain_errors
def lidar(
    paths: Annotated[list[Path], typer.Argument(help="LAS/LAZ files")],
    layer: Annotated[str, typer.Option("--layer", help="LiDAR layer id")],
    crs: Annotated[Optional[str], typer.Option(  # noqa: UP045
        help="CRS when the files declare none or only the horizontal one: EPSG:28992+5709")
    ] = None,
    title: Annotated[Optional[str], typer.Option(help="title of a new layer")] = None,  # noqa: UP045
    access_level: Annotated[Optional[str], typer.Option(help="open|shared|closed")] = None,  # noqa: UP045
) -> None:
    """Index LAS/LAZ files (stats, footprint, checksum) in a LiDAR layer; atomic, idempotent."""
    config = settings()
    spec = lidar_spec_for(config, layer, title, access_level)
    given = parse_given_crs(crs) if crs else None
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console) as progress, engine_for(config) as engine:
        task = progress.add_task("reading LAS/LAZ files", total=len(paths))
        result = ingest_lidar(
            engine, spec, paths, crs=given,
            progress=lambda path, done, total: progress.update(
                task, completed=done, description=f"read {path.name}"),
        )
    console.print(
        f"layer {result.layer_id} ({result.crs.text}): {len(result.added)} added, "
        f"{len(result.replaced)} replaced, {len(result.unchanged)} unchanged; "
        f"version {result.version}, {result.point_count:,} points"
    )
