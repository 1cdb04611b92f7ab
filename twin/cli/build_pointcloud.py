"""``twin build pointcloud LAYER``: point-cloud 3D Tiles of a LiDAR layer.

Its own module, importing only what the build needs: the building and terrain stacks (scipy,
rasterio) would add seconds to every run, and to every spawned worker's start-up. Dask and
fsspec are imported only when ``--scheduler``/``--workers``/``--publish`` ask for them.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import TaskID

from gis.builds import recorded_build
from tiles.engine.cluster import build_engine
from tiles.engine.storage import publish_folder
from tiles.pointcloud.build import TASK_MODULES
from tiles.pointcloud.layer import build_layer_tileset
from twin.cli.common import (
    check_publishable,
    console,
    domain_errors,
    engine_for,
    settings,
    stage_progress,
)
from twin.cli.options import (
    ClusterWorkersOption,
    PublishOption,
    RestrictedTargetOption,
    SchedulerOption,
)


@domain_errors
def pointcloud(
    layer: Annotated[str, typer.Argument(help="LiDAR layer id")],
    workers: ClusterWorkersOption = None,
    scheduler: SchedulerOption = None,
    publish: PublishOption = None,
    restricted_target: RestrictedTargetOption = False,
    force: Annotated[bool, typer.Option(help="rebuild even when the source is unchanged")] = False,
) -> None:
    """Point-cloud 3D Tiles 1.1 of a LiDAR layer under TWIN_DATA_DIR/tiles/LAYER."""
    config = settings()
    scheduler = scheduler or (None if workers else config.dask_scheduler)
    if publish:
        with engine_for(config) as engine:
            check_publishable(engine, [layer], restricted_target)
    with engine_for(config) as engine, stage_progress() as progress, \
            build_engine(scheduler, workers, warm_up=TASK_MODULES) as cluster:
        tasks: dict[str, TaskID] = {}

        def advance(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done)

        with recorded_build(engine, layer, "pointcloud") as run:
            result = build_layer_tileset(engine, layer, config.tiles_dir,
                                         executor=cluster.executor, workers=cluster.lanes,
                                         progress=advance, force=force,
                                         storage_options=config.storage_options)
            if result.skipped:
                run.skip()
    if result.skipped:
        console.print(f"{layer}: sources unchanged ({result.version}), tileset kept at "
                      f"{result.path}")
    elif result.result is not None:
        built = result.result
        console.print(f"{layer}: {built.points:,} points in {built.tiles} tiles "
                      f"at {result.path}/tileset.json ({result.version}, {cluster.where})")
        if built.partial:
            console.print(f"  partial rebuild: {built.files_read} of {built.sources} files "
                          f"read, {built.tasks_built} subtrees rebuilt, {built.tasks_kept} kept")
    if publish:
        published = publish_folder(result.path, publish, config.storage_options)
        console.print(f"  published {published.files} files ({published.bytes:,} bytes) to "
                      f"{published.url}" + (f", {published.removed} stale removed"
                                             if published.removed else ""))
