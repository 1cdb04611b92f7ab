"""``twin build pointcloud LAYER``: point-cloud 3D Tiles of a LiDAR layer.

Its own module, importing only what the build needs: the building and terrain stacks (scipy,
rasterio) would add seconds to every run, and to every spawned worker's start-up.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.progress import TaskID

from gis.builds import recorded_build
from tiles.pointcloud.layer import build_layer_tileset
from twin.cli.common import console, domain_errors, engine_for, settings, stage_progress


@domain_errors
def pointcloud(
    layer: Annotated[str, typer.Argument(help="LiDAR layer id")],
    workers: Annotated[Optional[int], typer.Option(help="worker processes")] = None,  # noqa: UP045
    force: Annotated[bool, typer.Option(help="rebuild even when the source is unchanged")] = False,
) -> None:
    """Point-cloud 3D Tiles 1.1 of a LiDAR layer under TWIN_DATA_DIR/tiles/LAYER."""
    config = settings()
    with engine_for(config) as engine, stage_progress() as progress:
        tasks: dict[str, TaskID] = {}

        def advance(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done)

        with recorded_build(engine, layer, "pointcloud") as run:
            result = build_layer_tileset(engine, layer, config.tiles_dir, workers=workers,
                                         progress=advance, force=force)
            if result.skipped:
                run.skip()
    if result.skipped:
        console.print(f"{layer}: sources unchanged ({result.version}), tileset kept at "
                      f"{result.path}")
    elif result.result is not None:
        built = result.result
        console.print(f"{layer}: {built.points:,} points in {built.tiles} tiles "
                      f"at {result.path}/tileset.json ({result.version})")
        if built.partial:
            console.print(f"  partial rebuild: {built.files_read} of {built.sources} files "
                          f"read, {built.tasks_built} subtrees rebuilt, {built.tasks_kept} kept")
