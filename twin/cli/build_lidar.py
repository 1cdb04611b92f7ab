"""``twin build dem LAYER``: terrain and surface models of a LiDAR layer."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import TaskID

from gis.builds import recorded_build
from gis.raster.build import build_dem
from twin.cli.common import console, domain_errors, engine_for, settings, stage_progress


@domain_errors
def dem(
    layer: Annotated[str, typer.Argument(help="LiDAR layer id")],
    resolution: Annotated[float, typer.Option(help="cell size in metres")] = 0.5,
    products: Annotated[str, typer.Option(help="dtm,dsm or one of them")] = "dtm,dsm",
    force: Annotated[bool, typer.Option(help="rebuild even when the source is unchanged")] = False,
) -> None:
    """Terrain (ground points) and surface (highest points) models as COGs, registered."""
    config = settings()
    rasters = config.data_dir.resolve() / "rasters"
    with engine_for(config) as engine, stage_progress() as progress:
        for product in [p.strip() for p in products.split(",") if p.strip()]:
            if product not in ("dtm", "dsm"):
                raise typer.BadParameter(f"unknown product {product!r} (dtm or dsm)")
            task = progress.add_task(f"{product}: gridding points", total=None)

            def advance(done: int, total: int, task: TaskID = task) -> None:
                progress.update(task, completed=done, total=total)

            with recorded_build(engine, layer, product) as run:
                result = build_dem(engine, layer, product,  # type: ignore[arg-type]
                                   resolution, rasters, force=force, progress=advance)
                if result.skipped:
                    run.skip()
            progress.update(task, description=f"{product}: done")
            state = "unchanged, kept" if result.skipped else "built"
            console.print(f"{result.layer_id}: {state} {result.path} ({result.data_cells:,} "
                          f"measured, {result.filled_cells:,} filled cells)")
