"""DTM/DSM and terrain builds on a Dask LocalCluster (2 spawned workers, 1 thread each) give
exactly what the in-process path gives: the same COG pixels, the same terrain files.

One cluster for the module (about a second per worker to start on 2 cores); the CLI test
reaches it through ``--scheduler``, as a build on a remote cluster would.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasterio
from engine_support import dask_client
from lidar_support import DELFT, REPO, lidar_spec
from sqlalchemy import Engine
from typer.testing import CliRunner

from gis.lidar.crs import parse_given_crs
from gis.lidar.ingest import ingest_lidar
from gis.raster.build import build_dem
from tiles.engine.cluster import DaskExecutor
from tiles.terrain.build import DemInput, build_terrain
from twin.cli import build_app

LANES = 2
RESOLUTION = 2.0


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with dask_client(LANES) as client:
        yield client


@pytest.fixture(scope="module")
def delft(engine: Engine) -> str:
    """Both Delft tiles in one layer: two files, two gridding tasks, one shared edge."""
    layer_id = f"t_dqc_{uuid.uuid4().hex[:8]}"
    ingest_lidar(engine, lidar_spec(layer_id), DELFT, crs=parse_given_crs("EPSG:28992+5709"))
    return layer_id


def _pixels(path: Path) -> tuple[np.ndarray, Any]:
    with rasterio.open(path) as dataset:
        return dataset.read(), dataset.transform


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("product", ["dtm", "dsm"])
def test_cluster_dem_equals_the_in_process_one(client: Any, engine: Engine, delft: str,
                                               product: str, tmp_path: Path) -> None:
    local = build_dem(engine, delft, product, RESOLUTION, tmp_path / "local")  # type: ignore[arg-type]
    seen: list[tuple[int, int]] = []
    remote = build_dem(engine, delft, product, RESOLUTION, tmp_path / "cluster",  # type: ignore[arg-type]
                       force=True, executor=DaskExecutor(client),
                       progress=lambda done, total: seen.append((done, total)))
    assert not remote.skipped
    (a, at), (b, bt) = _pixels(local.path), _pixels(remote.path)
    assert at == bt
    assert a.shape == b.shape
    assert np.array_equal(a, b)  # exactly: same sums in the same order
    assert np.array_equal(_pixels(local.path.with_name(f"{local.layer_id}_filled.tif"))[0],
                          _pixels(remote.path.with_name(f"{remote.layer_id}_filled.tif"))[0])
    assert (remote.data_cells, remote.filled_cells) == (local.data_cells, local.filled_cells)
    # the bar follows the cluster's tasks: one step per LiDAR file, up to every point
    assert len(seen) == len(DELFT)
    assert seen[-1] == (640510 + 208432, 640510 + 208432)


def test_cli_builds_dtm_and_terrain_on_a_running_cluster(
        client: Any, delft: str, database_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TWIN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TWIN_CONFIG_DIR", str(REPO / "config"))
    monkeypatch.setenv("TWIN_DASK_SCHEDULER", client.scheduler.address)
    result = CliRunner().invoke(build_app(), ["build", "dem", delft, "--products", "dtm",
                                              "--resolution", str(RESOLUTION), "--force"])
    assert result.exit_code == 0, result.output
    assert "built" in result.output
    assert client.scheduler.address in result.output
    assert (tmp_path / "var" / "rasters" / f"{delft}_dtm.tif").is_file()
    terrain = CliRunner().invoke(build_app(), ["build", "terrain", f"{delft}_dtm",
                                               "--max-zoom", "14"])
    assert terrain.exit_code == 0, terrain.output
    assert client.scheduler.address in terrain.output
    assert (tmp_path / "var" / "terrain" / f"{delft}_dtm" / "layer.json").is_file()


def test_cluster_terrain_equals_the_in_process_one(client: Any, tmp_path: Path) -> None:
    dtm = [DemInput("mtp_dtm", REPO / "data" / "montpellier_fr" / "DTM_77055_627760_50CM.tif",
                    "EPSG:2154+5720")]
    local = build_terrain(dtm, tmp_path / "local" / "mtp", max_zoom=15)
    seen: list[tuple[int, int]] = []
    remote = build_terrain(dtm, tmp_path / "cluster" / "mtp", max_zoom=15,
                           executor=DaskExecutor(client), lanes=LANES,
                           progress=lambda done, total: seen.append((done, total)))
    assert remote.written == local.written
    assert remote.vertices == local.vertices
    files = _files(tmp_path / "local" / "mtp")
    assert len(files) > 20
    assert _files(tmp_path / "cluster" / "mtp") == files  # same files, same bytes
    # the bar follows the batches: more than one step, ending on every tile
    assert 2 < len(seen) < len(local.written)
    assert seen[-1] == (len(local.written), len(local.written))
    # a rerun on the cluster keeps every tile, as in-process does
    again = build_terrain(dtm, tmp_path / "cluster" / "mtp", max_zoom=15,
                          executor=DaskExecutor(client), lanes=LANES)
    assert again.written == []
    assert len(again.kept) == len(local.written)
