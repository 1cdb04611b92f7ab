"""``twin ingest raster``: an orthophoto GeoTIFF becomes a COG raster layer with map tiles;
a bad file is one clear line and the previous version stays served."""

from __future__ import annotations

import json
import math
import uuid
from pathlib import Path

import numpy as np
import pytest
import rasterio
from lidar_support import REPO
from rasterio.io import MemoryFile
from sqlalchemy import Engine
from typer.testing import CliRunner

from gis import registry
from twin.app import create_app
from twin.cli import build_app
from twin.settings import Settings

MONTPELLIER_DSM = REPO / "data" / "lidar_fr" / "montpellier_rasters" / "DSM_77055_627760_50CM.tif"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> Path:
    monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TWIN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TWIN_CONFIG_DIR", str(REPO / "config"))
    return tmp_path / "var"


def _ortho_from(dsm: Path, target: Path) -> Path:
    """An 8-bit RGB GeoTIFF on the DSM's grid (a shaded picture of it), written by GDAL."""
    with rasterio.open(dsm) as source:
        heights = source.read(1).astype(np.float64)
        profile = source.profile
    span = np.ptp(heights) or 1.0
    grey = ((heights - heights.min()) / span * 255).astype(np.uint8)
    profile.update(driver="GTiff", dtype="uint8", count=3, nodata=None, compress="deflate")
    with rasterio.open(target, "w", **profile) as out:
        out.write(np.stack([grey, 255 - grey, grey // 2]))
    return target


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return (int((lon + 180) / 360 * n),
            int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))


def test_ingest_raster_then_map_tiles(cli_env: Path, tmp_path: Path, engine: Engine,
                                      database_url: str) -> None:
    runner, app = CliRunner(), build_app()
    layer = f"t_ortho_{uuid.uuid4().hex[:8]}"
    image = _ortho_from(MONTPELLIER_DSM, tmp_path / "ortho.tif")
    args = ["ingest", "raster", str(image), "--layer", layer, "--access", "open", "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout[first.stdout.index("{"):])
    cog = Path(report["path"])
    assert report["version"] == 1
    assert report["bands"] == 3
    assert cog.is_file()
    with rasterio.open(cog) as dataset:
        assert dataset.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        assert dataset.crs.to_epsg() == 2154
    with engine.connect() as conn:
        stored = registry.get_layer(conn, layer)
    assert stored.spec.kind == "raster"
    assert stored.current_version == 1
    west, south, east, north = stored.extent_4326 or (0, 0, 0, 0)
    x, y = _tile_of((west + east) / 2, (south + north) / 2, 19)
    settings = Settings(database_url=database_url, data_dir=cli_env, public_url="http://t",
                        ogc_registry_ttl=0.0)
    from fastapi.testclient import TestClient

    with TestClient(create_app(settings)) as client:
        tile = client.get(f"/collections/{layer}/map/tiles/WebMercatorQuad/19/{y}/{x}")
        meta = client.get(f"/collections/{layer}/map/tiles/WebMercatorQuad").json()
    assert tile.status_code == 200
    assert tile.headers["content-type"] == "image/png"
    with MemoryFile(tile.content) as memory, memory.open() as png:
        pixels = png.read()
    assert pixels[3].max() == 255
    assert pixels[:3].std() > 5
    assert meta["styles"] == ["image"]

    before = cog.read_bytes()
    for bad, problem in ((MONTPELLIER_DSM, "band type float32"),
                         (_truncated(image, tmp_path / "cut.tif"), "not a readable GeoTIFF")):
        failed = runner.invoke(app, ["ingest", "raster", str(bad), "--layer", layer])
        assert failed.exit_code == 1
        assert str(bad) in failed.output
        assert problem in failed.output
    assert cog.read_bytes() == before
    assert not list(cog.parent.glob(".*.partial"))
    with engine.connect() as conn:
        assert registry.get_layer(conn, layer).current_version == 1


def _truncated(source: Path, target: Path) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 3])
    return target
