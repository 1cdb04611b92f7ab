"""Rebuilds that keep what the changed files do not touch (no database needed).

Four synthetic 200 m LiDAR tiles in a row near Delft; small subtree tasks (the planner's
sizes lowered) so that one tile's change leaves whole subtrees of the others alone. Every
partial result is compared with a full build of the same files: same points, same attributes,
a valid tileset.
"""

from __future__ import annotations

import json
from pathlib import Path

import laspy
import numpy as np
import pytest
from lidar_support import CRS, sources, write_tile
from scipy.spatial import cKDTree
from tileset_checks import content_files, decode, schema_errors, semantic_errors

from tiles.errors import BuildInputError
from tiles.pointcloud import build
from tiles.pointcloud.build import BuildResult, build_pointcloud, sources_from_headers
from tiles.pointcloud.cells import node_name
from tiles.pointcloud.partition import PointSource
from tiles.pointcloud.state import read_state, state_dir


@pytest.fixture(autouse=True)
def small_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "MIN_TASK_POINTS", 8_000)
    monkeypatch.setattr(build, "TASK_POINTS", 8_000)


@pytest.fixture
def tiles(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "laz"
    folder.mkdir()
    return [write_tile(folder / f"tile_{column}.laz", column, 0) for column in range(4)]


def ecef_points(out: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every point of a tileset in ECEF, with its class and intensity."""
    document = json.loads((out / "tileset.json").read_text())
    matrix = np.asarray(document["root"]["transform"]).reshape(4, 4).T
    xyz, classes, intensity = [], [], []
    for path in content_files(out, document):
        points = decode(path)
        xyz.append(points["local"] @ matrix[:3, :3].T + matrix[:3, 3])
        classes.append(points["classification"])
        intensity.append(points["intensity"])
    return np.concatenate(xyz), np.concatenate(classes), np.concatenate(intensity)


def assert_same_as_full_build(out: Path, paths: list[Path], tmp_path: Path) -> None:
    full = tmp_path / "full"
    build_pointcloud(sources(paths), full, workers=1, incremental=False)
    ours, theirs = ecef_points(out), ecef_points(full)
    assert len(ours[0]) == len(theirs[0]) == sum(laspy.open(p).header.point_count for p in paths)
    distance, index = cKDTree(theirs[0]).query(ours[0])
    assert distance.max() < 0.002  # the same points, to millimetre quantisation
    assert (ours[1] == theirs[1][index]).all()
    assert (ours[2] == theirs[2][index]).all()
    document = json.loads((out / "tileset.json").read_text())
    assert schema_errors(document) == []
    assert semantic_errors(document) == []


def inodes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in (out / "content").iterdir()}


def test_a_changed_tile_rebuilds_only_the_subtrees_it_touches(tiles: list[Path],
                                                               tmp_path: Path) -> None:
    out = tmp_path / "tiles" / "lidar"
    first = build_pointcloud(sources(tiles), out, workers=2)
    assert not first.partial
    assert read_state(out) is not None
    before = inodes(out)
    write_tile(tiles[3], 3, 0, points=30_000, seed=1)  # resurveyed: other points, fewer
    second = build_pointcloud(sources(tiles), out, workers=2)
    assert second.partial
    assert second.tasks_kept > 0
    assert second.tasks_built > 0
    assert second.files_read == 1  # the neighbours' points come from the kept cell files
    assert second.points == 3 * 40_000 + 30_000
    after = inodes(out)
    kept = {name for name in before if after.get(name) == before[name]}
    assert len(kept) >= second.tasks_kept  # kept tiles are the same files, not rewritten
    assert_same_as_full_build(out, tiles, tmp_path)


def test_added_and_removed_tiles_rebuild_partially(tiles: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "tiles" / "lidar"
    build_pointcloud(sources(tiles[:3]), out, workers=1)
    added = build_pointcloud(sources(tiles), out, workers=1)
    assert added.partial
    assert_same_as_full_build(out, tiles, tmp_path)
    removed = build_pointcloud(sources(tiles[1:]), out, workers=1)
    assert removed.partial
    assert removed.points == 3 * 40_000
    assert_same_as_full_build(out, tiles[1:], tmp_path)
    # a tile beyond the cube of the previous build: that is a full build
    far = write_tile(tiles[0].with_name("tile_6.laz"), 6, 0)
    assert not build_pointcloud(sources([*tiles[1:], far]), out, workers=1).partial


def test_a_rebuild_is_full_when_it_cannot_trust_or_use_the_state(tiles: list[Path],
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "tiles" / "lidar"
    build_pointcloud(sources(tiles), out, workers=1)
    write_tile(tiles[0], 0, 0, seed=2)
    assert not build_pointcloud(sources(tiles), out, workers=1, incremental=False).partial
    # a tileset changed behind the build's back: its state no longer describes it
    document = out / "tileset.json"
    document.write_text(document.read_text().replace('"ADD"', '"ADD" '))
    assert read_state(out) is None
    write_tile(tiles[0], 0, 0, seed=3)
    assert not build_pointcloud(sources(tiles), out, workers=1).partial
    # a tile the next build would keep is gone
    state = read_state(out)
    assert state is not None
    node = state.tasks[0].nodes[0]
    (out / "content" / f"{node_name(node.level, node.code)}.glb").unlink()
    assert read_state(out) is None
    write_tile(tiles[0], 0, 0, seed=6)
    assert not build_pointcloud(sources(tiles), out, workers=1).partial
    # sources without checksums (read from headers only) cannot be compared
    write_tile(tiles[0], 0, 0, seed=4)
    assert not build_pointcloud(sources_from_headers(tiles, CRS), out, workers=1).partial
    # over half of the points changed: reading everything costs little more
    for column in range(3):
        write_tile(tiles[column], column, 0, seed=5)
    assert not build_pointcloud(sources(tiles), out, workers=1).partial
    assert_same_as_full_build(out, tiles, tmp_path)


def test_a_failed_rebuild_leaves_the_tileset_and_its_state(tiles: list[Path],
                                                          tmp_path: Path) -> None:
    out = tmp_path / "tiles" / "lidar"
    build_pointcloud(sources(tiles), out, workers=1)
    tileset = (out / "tileset.json").read_bytes()
    state = (state_dir(out) / "state.json").read_bytes()
    tiles[3].write_bytes(tiles[3].read_bytes()[:5000])  # truncated
    broken = sources(tiles)
    broken[3] = PointSource(broken[3].path, CRS, 40_000, broken[3].bounds, None,
                            broken[3].checksum)
    with pytest.raises(BuildInputError):
        build_pointcloud(broken, out, workers=1)
    assert (out / "tileset.json").read_bytes() == tileset
    assert (state_dir(out) / "state.json").read_bytes() == state
    assert read_state(out) is not None
    assert sorted(p.name for p in out.parent.iterdir()) == [".lidar.state", "lidar"]


def test_result_reports_a_full_build(tiles: list[Path], tmp_path: Path) -> None:
    result = build_pointcloud(sources(tiles), tmp_path / "out", workers=1)
    assert isinstance(result, BuildResult)
    assert (result.partial, result.files_read, result.tasks_kept) == (False, 4, 0)
    assert result.tasks_built > 1
