"""Write Cloud-Optimized GeoTIFFs (tiled, DEFLATE, overviews, CRS) through GDAL's COG driver."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
import rasterio.shutil
from numpy.typing import NDArray
from rasterio.crs import CRS
from rasterio.io import MemoryFile

from gis.raster.dem import NODATA, GridSpec


def write_cog(path: Path, band: NDArray[np.generic], grid: GridSpec, crs_wkt: str,
              nodata: float | int, predictor: str) -> None:
    """One-band COG, written to a temporary name and renamed (readers never see half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {"driver": "GTiff", "width": grid.width, "height": grid.height, "count": 1,
               "dtype": band.dtype.name, "crs": CRS.from_wkt(crs_wkt),
               "transform": grid.transform, "nodata": nodata}
    partial = path.with_name(f".{path.name}.partial")
    with MemoryFile() as memory:
        with memory.open(**profile) as dataset:
            dataset.write(band, 1)
        with memory.open() as source:
            rasterio.shutil.copy(source, partial, driver="COG", COMPRESS="DEFLATE",
                                 PREDICTOR=predictor, BLOCKSIZE=512, OVERVIEWS="AUTO",
                                 OVERVIEW_RESAMPLING="AVERAGE", BIGTIFF="IF_SAFER")
    partial.replace(path)


def write_surface(path: Path, values: NDArray[np.float32], grid: GridSpec, crs_wkt: str) -> None:
    band = np.where(np.isfinite(values), values, NODATA).astype(np.float32)
    write_cog(path, band, grid, crs_wkt, NODATA, "FLOATING_POINT")


def write_filled_mask(path: Path, filled: NDArray[np.bool_], inside: NDArray[np.bool_],
                      grid: GridSpec, crs_wkt: str) -> None:
    """1 = interpolated, 0 = measured, 255 = outside the data footprint."""
    band = np.where(inside, filled.astype(np.uint8), 255).astype(np.uint8)
    write_cog(path, band, grid, crs_wkt, 255, "STANDARD")
