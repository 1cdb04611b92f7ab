"""DTM and DSM of the real Delft AHN3 tiles: COG structure, accuracy, flags, registry."""

from __future__ import annotations

from pathlib import Path

import laspy
import numpy as np
import pytest
import rasterio
from lidar_support import DELFT, lidar_spec
from rasterio.crs import CRS
from sqlalchemy import Engine

from gis import registry
from gis.lidar import sql
from gis.lidar.crs import parse_given_crs
from gis.lidar.ingest import ingest_lidar
from gis.raster.build import build_dem
from gis.raster.dem import NODATA


@pytest.fixture(scope="module")
def delft_layer(engine: Engine) -> str:
    layer_id = "t_dem_delft"
    ingest_lidar(engine, lidar_spec(layer_id), DELFT, crs=parse_given_crs("EPSG:28992+5709"))
    return layer_id


@pytest.fixture(scope="module")
def rasters(engine: Engine, delft_layer: str, tmp_path_factory: pytest.TempPathFactory
            ) -> Path:
    out = tmp_path_factory.mktemp("rasters")
    build_dem(engine, delft_layer, "dtm", 0.5, out)
    build_dem(engine, delft_layer, "dsm", 0.5, out)
    return out


def _ground_points() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    las = laspy.read(DELFT[0])
    classes = np.asarray(las.classification)
    return np.asarray(las.x), np.asarray(las.y), np.asarray(las.z), classes


def _sample(path: Path, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    with rasterio.open(path) as dataset:
        return np.array([v[0] for v in dataset.sample(zip(x, y, strict=True))])


def test_products_are_cloud_optimized_geotiffs(rasters: Path, delft_layer: str) -> None:
    path = rasters / f"{delft_layer}_dtm.tif"
    with rasterio.open(path) as dataset:
        assert dataset.driver == "GTiff"
        assert dataset.res == (0.5, 0.5)
        assert dataset.nodata == NODATA
        assert dataset.profile["tiled"]
        assert dataset.block_shapes[0] == (512, 512)
        assert dataset.overviews(1)
        assert dataset.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        assert CRS.from_epsg(28992).to_wkt().split(",")[0] in dataset.crs.to_wkt()
        assert dataset.bounds.left == pytest.approx(84808.0)


def test_dtm_matches_the_ground_points(rasters: Path, delft_layer: str) -> None:
    x, y, z, classes = _ground_points()
    ground = np.flatnonzero(classes == 2)[::97]
    heights = _sample(rasters / f"{delft_layer}_dtm.tif", x[ground], y[ground])
    error = heights - z[ground]
    assert np.all(heights != NODATA)
    assert np.median(np.abs(error)) < 0.05
    assert np.percentile(np.abs(error), 95) < 0.25


def test_dsm_holds_the_highest_points(rasters: Path, delft_layer: str) -> None:
    x, y, z, classes = _ground_points()
    roofs = np.flatnonzero(classes == 6)[::97]
    heights = _sample(rasters / f"{delft_layer}_dsm.tif", x[roofs], y[roofs])
    assert np.all(heights >= z[roofs] - 0.001)
    assert np.median(heights - z[roofs]) < 0.3
    dtm = _sample(rasters / f"{delft_layer}_dtm.tif", x[roofs], y[roofs])
    assert np.median(heights - dtm) > 2.5  # buildings stand above the terrain


def test_gaps_under_buildings_are_filled_and_flagged(rasters: Path, delft_layer: str) -> None:
    x, y, _, classes = _ground_points()
    roofs = np.flatnonzero(classes == 6)[::211]
    flags = _sample(rasters / f"{delft_layer}_dtm_filled.tif", x[roofs], y[roofs])
    assert (flags == 1).mean() > 0.7  # under roofs the terrain is interpolated
    with rasterio.open(rasters / f"{delft_layer}_dtm.tif") as dtm:
        values = dtm.read(1)
    with rasterio.open(rasters / f"{delft_layer}_dtm_filled.tif") as mask:
        flagged = mask.read(1)
    assert np.all((values == NODATA) == (flagged == 255))
    filled = values[flagged == 1]
    assert filled.min() > -3
    assert filled.max() < 3


def test_rasters_are_registered_with_their_source(
    engine: Engine, rasters: Path, delft_layer: str
) -> None:
    with engine.connect() as conn:
        layer = registry.get_layer(conn, f"{delft_layer}_dtm")
        row = sql.raster_of(conn, f"{delft_layer}_dtm")
        files = sql.files_of(conn, delft_layer)
    assert layer.spec.kind == "raster"
    assert layer.storage_srid == 28992
    assert row is not None
    assert row["source_layer_id"] == delft_layer
    assert row["source_checksums"] == {f["path"]: f["checksum"] for f in files}
    assert row["filled_cells"] > 0
    assert row["nodata_cells"] > 0
    assert 4.3 < row["extent_4326"][0] < 4.4


def test_an_unchanged_source_is_not_rebuilt(
    engine: Engine, rasters: Path, delft_layer: str
) -> None:
    again = build_dem(engine, delft_layer, "dtm", 0.5, rasters)
    assert again.skipped
