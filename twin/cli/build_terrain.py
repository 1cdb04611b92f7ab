"""``twin build terrain LAYER [LAYER...]``: Cesium quantized-mesh terrain from built DTMs.

The changed tiles are made in-process by default, in batches on a Dask cluster with
``--workers N`` / ``--scheduler URL`` / ``TWIN_DASK_SCHEDULER`` (the DTMs and the terrain
folder at the same paths on every worker); the bar follows the cluster's tasks.
"""

from __future__ import annotations

from typing import Annotated

import typer

from gis.builds import recorded_build
from tiles.engine.cluster import build_engine
from tiles.terrain.build import build_terrain
from tiles.terrain.inputs import dem_inputs, terrain_id
from twin.cli.common import console, domain_errors, engine_for, settings, stage_progress
from twin.cli.options import ClusterWorkersOption, SchedulerOption

#: what a worker imports before its first tile batch (rasterio, pyproj, the mesher)
TASK_MODULES = ("tiles.terrain.build",)


@domain_errors
def terrain(
    layers: Annotated[list[str], typer.Argument(help="DTM raster layer ids (e.g. x_dtm); "
                                                     "the first wins where they overlap")],
    terrain_name: Annotated[str | None, typer.Option(
        "--id", help="terrain id (default: the first layer id)")] = None,
    max_zoom: Annotated[int | None, typer.Option(
        help="finest level (default: from the DTM resolution)")] = None,
    max_error: Annotated[float, typer.Option(
        help="height error allowed at the finest level, metres")] = 0.15,
    force: Annotated[bool, typer.Option(help="remake every tile")] = False,
    workers: ClusterWorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Quantized-mesh terrain under TWIN_DATA_DIR/terrain/ID, remaking only changed tiles."""
    config = settings()
    name = terrain_id(layers, terrain_name)
    out = config.data_dir.resolve() / "terrain" / name
    scheduler = scheduler or (None if workers else config.dask_scheduler)
    with engine_for(config) as engine, stage_progress() as progress, \
            build_engine(scheduler, workers, warm_up=TASK_MODULES) as cluster:
        inputs = dem_inputs(engine, layers)
        task = progress.add_task(f"{name}: tiles", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        with recorded_build(engine, layers[0], "terrain"):
            result = build_terrain(inputs, out, max_zoom=max_zoom, finest_error=max_error,
                                   force=force, progress=advance,
                                   executor=cluster.executor, lanes=cluster.lanes)
    mean = sum(result.vertices) / len(result.vertices) if result.vertices else 0
    console.print(f"{name}: {len(result.written)} tiles written, {len(result.kept)} unchanged, "
                  f"{len(result.removed)} removed (levels 0-{result.max_zoom}, "
                  f"{mean:,.0f} vertices per written tile) at {out}/layer.json ({cluster.where})")
