"""``twin build dem LAYER``: terrain and surface models of a LiDAR layer.

The points are gridded by one task per LiDAR file: in-process by default, on a Dask cluster
with ``--workers N`` / ``--scheduler URL`` / ``TWIN_DASK_SCHEDULER`` (Dask imported only
then); the progress bar advances as the cluster's tasks complete.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import TaskID

from gis.builds import recorded_build
from gis.raster.build import build_dem
from tiles.engine.cluster import build_engine
from twin.cli.common import console, domain_errors, engine_for, settings, stage_progress
from twin.cli.options import ClusterWorkersOption, SchedulerOption

#: what a worker imports before its first gridding task (numpy, laspy, lazrs, scipy)
TASK_MODULES = ("gis.raster.dem",)


@domain_errors
def dem(
    layer: Annotated[str, typer.Argument(help="LiDAR layer id")],
    resolution: Annotated[float, typer.Option(help="cell size in metres")] = 0.5,
    products: Annotated[str, typer.Option(help="dtm,dsm or one of them")] = "dtm,dsm",
    force: Annotated[bool, typer.Option(help="rebuild even when the source is unchanged")] = False,
    workers: ClusterWorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Terrain (ground points) and surface (highest points) models as COGs, registered."""
    config = settings()
    rasters = config.data_dir.resolve() / "rasters"
    scheduler = scheduler or (None if workers else config.dask_scheduler)
    with engine_for(config) as engine, stage_progress() as progress, \
            build_engine(scheduler, workers, warm_up=TASK_MODULES) as cluster:
        for product in [p.strip() for p in products.split(",") if p.strip()]:
            if product not in ("dtm", "dsm"):
                raise typer.BadParameter(f"unknown product {product!r} (dtm or dsm)")
            task = progress.add_task(f"{product}: gridding points", total=None)

            def advance(done: int, total: int, task: TaskID = task) -> None:
                progress.update(task, completed=done, total=total)

            with recorded_build(engine, layer, product) as run:
                result = build_dem(engine, layer, product,  # type: ignore[arg-type]
                                   resolution, rasters, force=force, progress=advance,
                                   executor=cluster.executor,
                                   storage_options=config.storage_options)
                if result.skipped:
                    run.skip()
            progress.update(task, description=f"{product}: done")
            state = "unchanged, kept" if result.skipped else "built"
            console.print(f"{result.layer_id}: {state} {result.path} ({result.data_cells:,} "
                          f"measured, {result.filled_cells:,} filled cells"
                          + ("" if result.skipped else f", {cluster.where}") + ")")
