"""Build the DTM and DSM of a LiDAR layer and register them as raster layers.

A raster layer ``<lidar>_dtm`` / ``<lidar>_dsm`` inherits the LiDAR layer's declaration
(producer, licence, access level); its row in ``twin.raster`` records the resolution, extent,
CRS and the LiDAR version and file checksums it was made from, so an unchanged source is not
rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from sqlalchemy import Engine

from gis import registry
from gis.errors import IngestError
from gis.geodesy import parse_crs, transformer
from gis.lidar import sql
from gis.model import Layer, LayerSpec, VersionStats
from gis.raster.cog import write_filled_mask, write_surface
from gis.raster.dem import (
    FileTask,
    GridSpec,
    Product,
    Window,
    fill_gaps,
    footprint_mask,
    grid_files,
)

PRODUCT_TITLES = {"dtm": "Digital terrain model", "dsm": "Digital surface model"}


@dataclass
class DemBuild:
    layer_id: str
    product: Product
    path: Path
    skipped: bool
    data_cells: int = 0
    filled_cells: int = 0
    nodata_cells: int = 0


def raster_spec(lidar: Layer, product: Product, resolution: float) -> LayerSpec:
    """The raster layer's declaration, derived from its LiDAR layer's."""
    base = lidar.spec
    title = {lang: f"{PRODUCT_TITLES[product]} ({resolution:g} m) – {text}"
             for lang, text in base.title.items()}
    return base.model_copy(update={
        "id": f"{base.id[:44]}_{product}", "kind": "raster", "title": title,
        "description": {"en": f"{PRODUCT_TITLES[product]} at {resolution:g} m from LiDAR layer "
                              f"{base.id}; interpolated cells flagged in a sidecar mask."},
        "source": base.id, "personal_fields": {},
    })


def _extent_4326(bounds: tuple[float, float, float, float], srid: int) -> list[float]:
    x = np.linspace(bounds[0], bounds[2], 5)
    y = np.linspace(bounds[1], bounds[3], 5)
    gx, gy = np.meshgrid(x, y)
    lon, lat = transformer(f"EPSG:{srid}", "EPSG:4326", within=bounds).transform(gx.ravel(),
                                                                                 gy.ravel())
    return [float(np.min(lon)), float(np.min(lat)), float(np.max(lon)), float(np.max(lat))]


def build_dem(engine: Engine, lidar_id: str, product: Product, resolution: float,
              rasters_dir: Path, *, force: bool = False,
              progress: Callable[[int, int], None] | None = None,
              executor: Executor | None = None,
              storage_options: Mapping[str, Any] | None = None) -> DemBuild:
    """Build (or skip when its sources are unchanged) one product of a LiDAR layer.

    The points are gridded by one task per LiDAR file (`gis.raster.dem.grid_files`): here,
    one after the other, without ``executor``; on any worker with one (the CLI passes
    `tiles.engine`'s Dask executor: gis knows only `concurrent.futures`). The gap filling
    and the COG writing stay here: they need the whole grid. ``storage_options`` reach the
    files ingested from object storage (``s3://`` paths in the index)."""
    if not 0.05 <= resolution <= 100:
        raise IngestError(lidar_id, f"resolution {resolution} m is outside 0.05..100 m")
    with engine.connect() as conn:
        lidar = registry.get_layer(conn, lidar_id)
        rows = sql.files_of(conn, lidar_id)
        spec = raster_spec(lidar, product, resolution)
        existing = sql.raster_of(conn, spec.id)
    if lidar.spec.kind != "lidar" or not rows:
        raise IngestError(lidar_id, "not a LiDAR layer with files; ingest LAS/LAZ files first")
    checksums = {row["path"]: row["checksum"] for row in rows}
    path = rasters_dir / f"{spec.id}.tif"
    if (not force and existing and existing["source_checksums"] == checksums
            and existing["resolution"] == resolution and path.is_file()):
        return DemBuild(spec.id, product, path, True, existing["data_cells"],
                        existing["filled_cells"], existing["nodata_cells"])
    if product == "dtm" and not any(row["classification"].get("2") for row in rows):
        raise IngestError(lidar_id, "no ground points (class 2): cannot build a terrain model")
    bounds = (min(r["min_x"] for r in rows), min(r["min_y"] for r in rows),
              max(r["max_x"] for r in rows), max(r["max_y"] for r in rows))
    grid = GridSpec.covering(bounds, resolution)
    total = sum(int(r["point_count"]) for r in rows)
    done = [0]

    def advance(count: int) -> None:
        done[0] += count
        if progress:
            progress(done[0], total)

    tasks = [FileTask(str(r["path"]), Window.of(grid, (r["min_x"], r["min_y"], r["max_x"],
                                                       r["max_y"]))) for r in rows]
    measured, covered = grid_files(tasks, grid, product, executor=executor,
                                   storage_options=storage_options, progress=advance)
    footprints = [shapely.from_wkb(bytes(r["footprint_wkb"])) for r in rows]
    inside = footprint_mask(grid, footprints, covered)
    surface = fill_gaps(measured, inside)
    crs_wkt = parse_crs(rows[0]["crs"]).to_wkt()
    mask_path = rasters_dir / f"{spec.id}_filled.tif"
    write_surface(path, surface.values, grid, crs_wkt)
    write_filled_mask(mask_path, surface.filled, inside, grid, crs_wkt)
    _register(engine, spec, lidar, product, grid, rows, checksums, surface, path, mask_path)
    return DemBuild(spec.id, product, path, False, surface.data_cells, surface.filled_cells,
                    surface.nodata_cells)


def _register(engine: Engine, spec: LayerSpec, lidar: Layer, product: Product, grid: GridSpec,
              rows: list[dict[str, Any]], checksums: dict[str, str], surface: Any, path: Path,
              mask_path: Path) -> None:
    srid = int(rows[0]["horizontal_epsg"])
    extent = list(grid.bounds)
    extent_4326 = _extent_4326(grid.bounds, srid)
    with engine.begin() as conn:
        registry.register(conn, spec, f"EPSG:{srid}")
        load_id = registry.start_load(conn, spec.id, str(path), None)
        registry.publish_version(conn, load_id, spec.id, datetime.now(UTC), VersionStats(
            feature_count=surface.data_cells + surface.filled_cells,
            geometry_type="Raster", extent=extent, extent_4326=extent_4326,
            quality={"data_cells": surface.data_cells, "filled_cells": surface.filled_cells,
                     "nodata_cells": surface.nodata_cells},
        ))
        sql.upsert_raster(conn, {
            "layer_id": spec.id, "product": product, "path": str(path),
            "resolution": grid.resolution, "width": grid.width, "height": grid.height,
            "extent": extent, "extent_4326": extent_4326, "crs": rows[0]["crs"], "srid": srid,
            "source_layer_id": lidar.id, "source_version": lidar.current_version or 0,
            "source_checksums": checksums, "data_cells": surface.data_cells,
            "filled_cells": surface.filled_cells, "nodata_cells": surface.nodata_cells,
            "filled_mask_path": str(mask_path),
        })
