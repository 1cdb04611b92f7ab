"""Builds on a Dask LocalCluster (2 spawned worker processes, 1 thread each) give the very
tilesets the in-process path gives, even when a worker is killed in the middle of a build.

One cluster for the module: starting one costs about a second per worker on 2 cores.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from engine_support import dask_client
from lidar_support import DELFT
from tile_digests import NAP, building_set, digests
from tileset_checks import schema_errors, semantic_errors

from tiles.buildings.build import build_tileset
from tiles.engine.cluster import DaskExecutor, build_engine
from tiles.errors import EngineUnavailable
from tiles.pointcloud.build import build_pointcloud, sources_from_headers

LANES = 2


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with dask_client(LANES) as client:
        yield client


@pytest.fixture(scope="module")
def in_process(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference: the default engine with as many lanes as the cluster has."""
    out = tmp_path_factory.mktemp("inproc") / "delft"
    build_pointcloud(sources_from_headers(DELFT, NAP), out, workers=LANES)
    return out


def _clean(out: Path) -> None:
    document = json.loads((out / "tileset.json").read_text())
    assert schema_errors(document) == []
    assert semantic_errors(document) == []


def test_cluster_pointcloud_is_identical_to_in_process(client: Any, in_process: Path,
                                                       tmp_path: Path) -> None:
    executor = DaskExecutor(client)
    assert executor.lanes == LANES
    stages: dict[str, int] = {}

    def progress(stage: str, done: int, total: int) -> None:
        stages[stage] = done
        assert done <= total

    result = build_pointcloud(sources_from_headers(DELFT, NAP), tmp_path / "delft",
                              executor=executor, workers=executor.lanes, progress=progress)
    assert result.points == 640510 + 208432
    assert set(stages) == {"partition", "subtrees", "upper levels"}
    # same tiles, same bytes (point counts, bounding volumes, attributes)
    assert digests(tmp_path / "delft") == digests(in_process)
    _clean(tmp_path / "delft")


def test_cluster_buildings_are_identical_to_in_process(client: Any, tmp_path: Path) -> None:
    buildings = building_set(3000)
    build_tileset(buildings, tmp_path / "local", version="same", max_features=500)
    build_tileset(buildings, tmp_path / "cluster", version="same", max_features=500,
                  executor=DaskExecutor(client))
    reference = digests(tmp_path / "local")
    assert len(reference) > 5
    assert digests(tmp_path / "cluster") == reference


def test_engine_choice_is_explicit() -> None:
    with build_engine() as engine:
        assert engine.executor is None
        assert engine.where == "in-process"
    with pytest.raises(EngineUnavailable, match="not both"), \
            build_engine("tcp://127.0.0.1:1", 2):
        pass
    with pytest.raises(EngineUnavailable, match=r"tcp://127\.0\.0\.1:1"), \
            build_engine("tcp://127.0.0.1:1", timeout=1):
        pass


def test_a_worker_killed_mid_build_still_gives_the_whole_tileset(
        client: Any, in_process: Path, tmp_path: Path) -> None:
    pids: dict[str, int] = client.run(os.getpid)
    killed: list[str] = []

    def kill_a_busy_worker(stage: str, done: int, total: int) -> None:
        if killed or stage != "partition":
            return
        busy = [address for address, keys in client.processing().items() if keys]
        if busy:  # a worker with tasks assigned: they must be run again elsewhere
            os.kill(pids[busy[0]], signal.SIGKILL)
            killed.append(busy[0])

    build_pointcloud(sources_from_headers(DELFT, NAP), tmp_path / "delft",
                     executor=DaskExecutor(client), workers=LANES, progress=kill_a_busy_worker)
    assert killed, "no worker was busy when the first task finished"
    assert digests(tmp_path / "delft") == digests(in_process)
    _clean(tmp_path / "delft")
