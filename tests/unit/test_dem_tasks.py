"""The pieces the distributed DTM/DSM build and the object-storage ingest rest on: a file
gridded over its own block equals the same file gridded over the whole grid, and the hashing
reader gives laspy the file and the file's true SHA-256."""

from __future__ import annotations

import hashlib

import laspy
import numpy as np
import pytest
from lidar_support import DELFT

from gis.errors import IngestError
from gis.lidar.source import HashingReader, is_url
from gis.raster.dem import FileTask, GridSpec, Mosaic, Window, file_sums


def _bounds(path: object) -> tuple[float, float, float, float]:
    with laspy.open(str(path)) as reader:
        mins, maxs = reader.header.mins, reader.header.maxs
    return (float(mins[0]), float(mins[1]), float(maxs[0]), float(maxs[1]))


def _whole_and_block(product: str) -> tuple[Mosaic, Mosaic, Window, GridSpec]:
    extents = [_bounds(path) for path in DELFT]
    grid = GridSpec.covering((min(e[0] for e in extents), min(e[1] for e in extents),
                              max(e[2] for e in extents), max(e[3] for e in extents)), 2.0)
    whole, block = Mosaic(grid, product), Mosaic(grid, product)  # type: ignore[arg-type]
    window = Window.of(grid, extents[1])
    whole.add(file_sums(FileTask(str(DELFT[1]), Window(0, 0, grid.height, grid.width)),
                        grid, product))  # type: ignore[arg-type]
    block.add(file_sums(FileTask(str(DELFT[1]), window), grid, product))  # type: ignore[arg-type]
    return whole, block, window, grid


@pytest.mark.parametrize("product", ["dtm", "dsm"])
def test_a_file_gridded_on_its_block_equals_it_on_the_whole_grid(product: str) -> None:
    whole, block, window, grid = _whole_and_block(product)
    assert window.height * window.width < grid.height * grid.width  # a real block
    assert np.array_equal(whole.covered, block.covered)
    assert np.array_equal(whole.measured(), block.measured(), equal_nan=True)
    assert np.isfinite(block.measured()).sum() > 1000


def test_points_outside_the_indexed_block_are_refused() -> None:
    grid = GridSpec.covering(_bounds(DELFT[1]), 2.0)
    with pytest.raises(IngestError, match=r"ahn3_cropped_2\.laz: .*outside the extent"):
        file_sums(FileTask(str(DELFT[1]), Window(0, 0, 3, 3)), grid, "dtm")


def test_the_hashing_reader_feeds_laspy_and_hashes_every_byte() -> None:
    with DELFT[1].open("rb") as raw:
        reader = HashingReader(raw)
        with laspy.open(reader, closefd=False) as las:
            points = sum(len(chunk) for chunk in las.chunk_iterator(100_000))
        checksum = reader.finish()
    assert points == 208432
    assert reader.hashed == DELFT[1].stat().st_size
    assert checksum == hashlib.sha256(DELFT[1].read_bytes()).hexdigest()


def test_urls_and_paths_are_told_apart() -> None:
    assert is_url("s3://bucket/x.laz")
    assert is_url("https://example.org/x.laz")
    assert not is_url("/data/x.laz")
    assert not is_url("file:///data/x.laz")
    assert not is_url("C:/data/x.laz")
