"""``twin build heights`` and ``twin build buildings``: the LOD1 city model.

Heights go to PostGIS (``twin.building_height``), the tileset to ``<tiles_dir>/<layer>/``
where ``twin serve`` publishes it at ``/3dtiles/<layer>/tileset.json``.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from gis import registry
from gis.builds import recorded_build
from gis.city.derive import (
    DEFAULT_STOREY_HEIGHT,
    HeightRun,
    heights_from_floors,
    heights_from_lidar,
)
from gis.city.heights import HeightParameters
from tiles.buildings.build import DEFAULT_MAX_FEATURES, build_tileset
from tiles.buildings.source import building_set
from tiles.engine.cluster import Engine, build_engine
from tiles.engine.storage import publish_folder
from twin.cli.common import (
    check_publishable,
    console,
    domain_errors,
    engine_for,
    err_console,
    parcels_join,
    settings,
)
from twin.cli.options import (
    ClusterWorkersOption,
    PublishOption,
    RestrictedTargetOption,
    SchedulerOption,
)
from twin.settings import Settings

_COLUMNS = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn())


def _engine(config: Settings, scheduler: str | None, workers: int | None, tasks: str
            ) -> AbstractContextManager[Engine]:
    """The build's engine: ``--scheduler``, else ``--workers``, else TWIN_DASK_SCHEDULER,
    else in-process; ``tasks`` is the module the workers import first."""
    return build_engine(scheduler or (None if workers else config.dask_scheduler), workers,
                        warm_up=(tasks,))


def _report(run: HeightRun) -> None:
    flags = ", ".join(f"{name} {count}" for name, count in sorted(run.flags.items()))
    console.print(f"layer {run.layer_id}: {run.measured}/{run.buildings} buildings with a "
                  f"height ({run.method}); flags: {flags}")


@domain_errors
def heights(
    layer: Annotated[str, typer.Argument(help="building footprint layer")],
    lidar: Annotated[Optional[str], typer.Option(help="LiDAR layer to measure in")] = None,  # noqa: UP045
    floors_field: Annotated[Optional[str], typer.Option(  # noqa: UP045
        help="use this floor-count attribute instead of LiDAR")] = None,
    storey_height: Annotated[float, typer.Option(help="metres per floor")] = DEFAULT_STOREY_HEIGHT,
    percentile: Annotated[float, typer.Option(help="roof percentile of the points")] = 70.0,
    min_points: Annotated[int, typer.Option(help="fewer roof points: no height")] = 10,
    workers: ClusterWorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Roof and ground heights of every footprint, from LiDAR or a floor count."""
    if (lidar is None) == (floors_field is None):
        err_console.print("[bold red]error:[/] give exactly one of --lidar or --floors-field")
        raise typer.Exit(2)
    config = settings()
    with engine_for(config) as engine, recorded_build(engine, layer, "heights"):
        if floors_field is not None:
            _report(heights_from_floors(engine, layer, floors_field, storey_height))
            return
        assert lidar is not None
        with engine.connect() as conn:
            total = registry.get_layer(conn, layer).feature_count or 0
        params = HeightParameters(roof_percentile=percentile, min_points=min_points)
        with Progress(*_COLUMNS, console=console) as progress, \
                _engine(config, scheduler, workers, "gis.city.derive") as cluster:
            task = progress.add_task(f"measuring {layer} in {lidar} ({cluster.where})",
                                     total=total)
            run = heights_from_lidar(engine, layer, lidar, params,
                                     progress=lambda n: progress.advance(task, n),
                                     executor=cluster.executor,
                                     storage_options=config.storage_options)
    _report(run)


@domain_errors
def buildings(
    layer: Annotated[str, typer.Argument(help="building layer with heights")],
    parcels: Annotated[Optional[str], typer.Option(  # noqa: UP045
        help="parcel layer and reference column joined as cadastral_reference: LAYER:COLUMN")
    ] = None,
    max_features: Annotated[int, typer.Option(help="buildings per tile")] = DEFAULT_MAX_FEATURES,
    workers: ClusterWorkersOption = None,
    scheduler: SchedulerOption = None,
    publish: PublishOption = None,
    restricted_target: RestrictedTargetOption = False,
) -> None:
    """LOD1 buildings as a 3D Tiles 1.1 tileset with per-building metadata."""
    config = settings()
    joined = parcels_join(parcels)
    if publish:  # the joined parcels' reference travels in every building's metadata
        with engine_for(config) as engine:
            check_publishable(engine, [layer, *([joined[0]] if joined else [])],
                              restricted_target)
    with engine_for(config) as engine, recorded_build(engine, layer, "buildings"):
        with engine.connect() as conn:
            buildings_in = building_set(conn, layer, joined)
        target = config.tiles_dir / layer
        with Progress(*_COLUMNS, console=console) as progress, \
                _engine(config, scheduler, workers, "tiles.buildings.content") as cluster:
            task = progress.add_task(f"tiling {layer} ({cluster.where})",
                                     total=len(buildings_in))
            report = build_tileset(buildings_in, target, max_features=max_features,
                                   progress=lambda n: progress.advance(task, n),
                                   executor=cluster.executor)
    console.print(f"{report.buildings} buildings in {report.tiles} tiles "
                  f"({report.bytes / 1e6:.1f} MB) -> {report.path}/tileset.json "
                  f"in {report.seconds:.1f} s")
    if publish:
        published = publish_folder(report.path, publish, config.storage_options)
        console.print(f"  published {published.files} files to {published.url}")
