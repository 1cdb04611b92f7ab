"""The issue's "done when": ``twin build pointcloud LAYER --scheduler tcp://...`` against a
separately started ``dask scheduler`` and two ``dask worker`` processes (1 thread each), and
the same build through ``TWIN_DASK_SCHEDULER``; both equal the in-process build.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import distributed
import pytest
from host_support import scheduler_address
from lidar_support import DELFT, REPO
from sqlalchemy import Engine
from tile_digests import digests
from tileset_checks import schema_errors, semantic_errors
from typer.testing import CliRunner

from tiles.pointcloud.layer import build_layer_tileset
from twin.cli import build_app

DASK = Path(sys.executable).parent / "dask"


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A scheduler and two single-threaded workers, each its own ``dask`` process."""
    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    common = ["--no-dashboard"]
    processes = [subprocess.Popen(
        [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0",
         "--scheduler-file", str(scheduler_file), *common], cwd=REPO,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        address = scheduler_address(scheduler_file, processes[0])
        processes += [subprocess.Popen(
            [str(DASK), "worker", address, "--nthreads", "1", "--nworkers", "1",
             "--local-directory", str(folder / f"w{n}"), *common], cwd=REPO,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for n in range(2)]
        # both workers in: the build sizes its tasks by the threads it finds at its start
        with cast(Any, distributed).Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def test_build_pointcloud_on_a_running_dask_cluster(
        scheduler: str, database_url: str, engine: Engine, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TWIN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TWIN_CONFIG_DIR", str(REPO / "config"))
    runner, app = CliRunner(), build_app()
    layer = f"t_dask_{uuid.uuid4().hex[:8]}"
    ingest = runner.invoke(app, ["ingest", "lidar", *map(str, DELFT), "--layer", layer,
                                 "--crs", "EPSG:28992+5709", "--title", "Delft (Dask test)"])
    assert ingest.exit_code == 0, ingest.output
    built = runner.invoke(app, ["build", "pointcloud", layer, "--scheduler", scheduler])
    assert built.exit_code == 0, built.output
    assert scheduler in built.output
    assert "848,942 points" in built.output
    out = (tmp_path / "var" / "tiles" / layer).resolve()
    reference = build_layer_tileset(engine, layer, tmp_path / "inproc", workers=2)
    assert reference.result is not None
    assert digests(out) == digests(reference.path)  # build.json included: same version
    document = json.loads((out / "tileset.json").read_text())
    assert schema_errors(document) == []
    assert semantic_errors(document) == []

    monkeypatch.setenv("TWIN_DASK_SCHEDULER", scheduler)
    again = runner.invoke(app, ["build", "pointcloud", layer, "--force"])
    assert again.exit_code == 0, again.output
    assert scheduler in again.output
    assert digests(out) == digests(reference.path)


def test_an_unreachable_scheduler_is_one_clear_line(
        database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TWIN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setattr("tiles.engine.cluster.CONNECT_TIMEOUT_S", 1)
    result = CliRunner().invoke(build_app(), ["build", "pointcloud", "t_dask_none",
                                              "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
