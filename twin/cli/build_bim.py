"""``twin build bim LAYER``: 3D Tiles 1.1 of a BIM layer's current model.

Written to ``TWIN_DATA_DIR/tiles/LAYER`` (served at ``/3dtiles/LAYER/tileset.json`` with the
layer's access rules); the build is recorded like every product build.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from gis.bim.store import stored_model
from gis.builds import recorded_build
from tiles.bim.build import TASK_MODULES, build_layer_bim
from tiles.bim.cityjson import bim_building
from tiles.engine.cluster import build_engine
from twin.cli.common import console, domain_errors, engine_for, err_console, settings
from twin.cli.options import ClusterWorkersOption, SchedulerOption


@domain_errors
def bim(
    layer: Annotated[str, typer.Argument(help="BIM layer id (loaded by `twin ingest ifc`)")],
    threads: Annotated[int | None, typer.Option(
        help="geometry threads (default: every core)")] = None,
    cityjson: Annotated[Path | None, typer.Option(
        help="also write the building as CityJSON 2.0 (LoD 3 surfaces) to this file")
    ] = None,
    workers: ClusterWorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """3D Tiles 1.1 of BIM layer LAYER under TWIN_DATA_DIR/tiles/LAYER (its tiles on a Dask
    cluster with --workers or --scheduler)."""
    config = settings()
    scheduler = scheduler or (None if workers else config.dask_scheduler)
    columns = (SpinnerColumn(), TextColumn("[bold]{task.description}"),
               TextColumn("{task.completed} elements"), TimeElapsedColumn())
    with engine_for(config) as engine, \
            build_engine(scheduler, workers, warm_up=TASK_MODULES) as cluster, \
            Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(f"tiling {layer}", total=None)
        with recorded_build(engine, layer, "bim"):
            report = build_layer_bim(engine, layer, config.tiles_dir,
                                     threads=threads or os.cpu_count() or 1,
                                     progress=lambda done: bar.update(task, completed=done),
                                     executor=cluster.executor)
        if cityjson is not None:
            stored = stored_model(engine, layer)
            document = bim_building(stored.model, stored.placement, layer,
                                    threads=threads or os.cpu_count() or 1,
                                    attributes={"layer": layer, "layerVersion": stored.version,
                                                "parcels": stored.parcels})
            cityjson.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
    console.print(f"{layer}: {report.elements} elements, {report.triangles:,} triangles in "
                  f"{report.tiles} tiles at {report.path}/tileset.json "
                  f"({report.seconds:.1f} s, {cluster.where})")
    if cityjson is not None:
        console.print(f"  building as CityJSON: {cityjson}")
