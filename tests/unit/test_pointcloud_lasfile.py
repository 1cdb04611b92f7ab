"""The build's own LAS/LAZ point reader against laspy, on the real files (and a LAS copy).

The build workers read points without laspy (to avoid its pyproj and requests imports), so
every field they use must match laspy's reading exactly, from any start point.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import laspy
import numpy as np
import pytest
from lazrs import LazrsError
from lidar_support import DELFT, LIDARPROD, MONTPELLIER, truncated_copy

from tiles.errors import BuildInputError, LasFormatError
from tiles.pointcloud.build import sources_from_headers
from tiles.pointcloud.executor import LocalExecutor
from tiles.pointcloud.lasfile import PointReader, read_layout
from tiles.pointcloud.partition import PointSource, job_sizes


def _same_points(path: Path, start: int, count: int) -> None:
    with laspy.open(path) as reader:
        reader.seek(start)
        expected = reader.read_points(count)
    with PointReader(path) as ours:
        ours.seek(start)
        got = ours.read(count)
    layout = read_layout(path)
    assert len(got) == count
    for ours_name, theirs in (("X", expected.X), ("Y", expected.Y), ("Z", expected.Z),
                              ("intensity", expected.intensity)):
        assert np.array_equal(got[ours_name], np.asarray(theirs)), ours_name
    assert np.array_equal(layout.classification(got), np.asarray(expected.classification))
    # 3-bit fields in formats 0-5 (AHN3: 1), 4-bit ones in 6-10 (LiDAR HD: 8)
    assert np.array_equal(layout.return_number(got), np.asarray(expected.return_number))
    assert np.array_equal(layout.number_of_returns(got),
                          np.asarray(expected.number_of_returns))
    if "red" in expected.point_format.dimension_names:
        for band in ("red", "green", "blue"):
            assert np.array_equal(got[band], np.asarray(expected[band])), band
    else:
        assert "red" not in (got.dtype.names or ())


@pytest.mark.parametrize("path", [DELFT[0], DELFT[1], LIDARPROD[0], MONTPELLIER[0]],
                         ids=lambda p: p.name)
def test_header_and_points_match_laspy_from_a_chunk_boundary_and_mid_chunk(path: Path) -> None:
    layout = read_layout(path)
    with laspy.open(path) as reader:
        header = reader.header
    assert layout.point_count == header.point_count
    assert layout.point_format == header.point_format.id
    assert np.allclose(layout.mins, header.mins)
    assert np.allclose(layout.maxs, header.maxs)
    assert layout.chunk_points == 50_000
    _same_points(path, 0, 1000)
    _same_points(path, 50_000, 12_345)
    _same_points(path, 12_345, header.point_count - 12_345)


def test_uncompressed_las_with_flagged_classes(tmp_path: Path) -> None:
    las = laspy.read(DELFT[1])
    las.withheld[::3] = 1  # flag bits share the class byte in formats 0-5
    path = tmp_path / "flagged.las"
    las.write(path)
    assert read_layout(path).laszip is None
    assert read_layout(path).chunk_points is None
    _same_points(path, 777, 50_000)


def test_not_a_las_file_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.laz"
    bogus.write_bytes(b"PK\x03\x04 not a point cloud" * 20)
    with pytest.raises(LasFormatError, match="LASF"):
        read_layout(bogus)
    source = PointSource(str(bogus), "EPSG:28992+5709", 10, (0, 0, 0, 1, 1, 1), None)
    with pytest.raises(BuildInputError, match=r"bogus\.laz: cannot read the header"):
        job_sizes([source], 100_000)


def test_a_truncated_laz_fails_to_decode(tmp_path: Path) -> None:
    path = truncated_copy(DELFT[1], tmp_path / "cut.laz", keep=0.5)
    with pytest.raises(LazrsError), PointReader(path) as reader:  # its chunk table is gone
        reader.read(read_layout(path).point_count)


def test_jobs_start_on_chunk_boundaries() -> None:
    sources = sources_from_headers(DELFT, "EPSG:28992+5709")
    assert job_sizes(sources, 106_000) == [100_000, 100_000]
    assert job_sizes(sources, 130_000) == [150_000, 150_000]
    assert job_sizes(sources, 1) == [50_000, 50_000]


def _pid_after_a_while(_: int) -> int:
    time.sleep(0.2)
    return os.getpid()


def test_local_executor_runs_tasks_here_and_in_a_spawned_process() -> None:
    executor = LocalExecutor(2)
    try:
        pids = {f.result() for f in [executor.submit(_pid_after_a_while, i) for i in range(8)]}
    finally:
        executor.shutdown()
    assert os.getpid() in pids
    assert len(pids) == 2
