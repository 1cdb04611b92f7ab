"""Stage 1: stream each file (or a point range of it) into fine-cell files on disk.

A task reads its range chunk by chunk (laspy + lazrs), places the points in the local frame
(geoid applied, through the source's `Placement` table made by the planner), quantises them to
millimetres from the cube corner, sorts each chunk by fine cell and appends it to the task's
one cell file; the result says where each cell's runs of records are in it. Peak memory
is one chunk, whatever the file size. Workers import numpy and lazrs only (and fsspec when
a file is a URL: the job then carries the storage options, a plain picklable dict).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

from gis.errors import GisError
from tiles.errors import BuildInputError
from tiles.pointcloud.cells import RECORD, Cube
from tiles.pointcloud.lasfile import LasLayout, PointReader, read_layout
from tiles.pointcloud.placement import Placement

CHUNK_POINTS = 250_000
RAW = np.dtype((np.void, RECORD.itemsize))


@dataclass(frozen=True)
class PointSource:
    """One input file as the build needs it (from the LiDAR index or a header)."""

    path: str
    crs: str
    point_count: int
    bounds: tuple[float, float, float, float, float, float]
    rgb_divisor: int | None  # None: no colour; 1: 8-bit values; 256: 16-bit values
    checksum: str | None = None  # SHA-256 of the file: lets a rebuild keep what it did not touch
    returns: bool = True  # its points carry return numbers (every LAS format can; some are 0)


@dataclass(frozen=True)
class PartitionJob:
    source: PointSource
    start: int
    count: int
    placement: Placement
    cube: Cube
    fine_level: int
    cells_dir: str  # where the job writes its cell file
    job_id: int
    #: how to reach a URL source (fsspec): on a cluster a reference, never the secret
    storage_options: Mapping[str, Any] | None = None


#: A run of one fine cell's records in a task's file: (job id, first record, record count).
Run = tuple[int, int, int]


@dataclass
class PartitionResult:
    job_id: int
    runs: dict[int, list[Run]]  # fine code -> where its records are


def cell_file(cells_dir: str | Path, job_id: int) -> Path:
    return Path(cells_dir) / f"{job_id:06d}.bin"


def partition(job: PartitionJob) -> PartitionResult:
    """Run one partition task (a plain picklable function, for any executor)."""
    source = job.source
    runs: dict[int, list[Run]] = {}
    Path(job.cells_dir).mkdir(parents=True, exist_ok=True)
    try:
        # single-threaded LAZ decoding: tasks run in parallel already, one per lane
        with PointReader(source.path, job.storage_options) as reader, \
                cell_file(job.cells_dir, job.job_id).open("wb") as out:
            if job.start:
                reader.seek(job.start)
            left = job.count
            while left > 0:
                chunk = reader.read(min(CHUNK_POINTS, left))
                if len(chunk) == 0:
                    raise BuildInputError(f"{source.path}: fewer points than announced")
                left -= len(chunk)
                records = to_records(chunk, reader.layout, job.placement, source.rgb_divisor,
                                     source.returns)
                _append(records, job, out, runs)
    except BuildInputError:
        raise
    except Exception as exc:  # lazrs/format errors on a file changed or damaged since ingest
        raise BuildInputError(f"{source.path}: cannot read points: {_detail(exc, source)}"
                              ) from exc
    return PartitionResult(job_id=job.job_id, runs=runs)


def _detail(error: Exception, source: PointSource) -> str:
    """The error's message without the file name it may start with (`gis` errors name it)."""
    return str(error).removeprefix(f"{source.path}: ")


def to_records(raw: NDArray[np.void], layout: LasLayout, placement: Placement,
               rgb_divisor: int | None, returns: bool = True) -> NDArray[np.void]:
    """Raw point records of a file as cell records (local millimetres, attributes)."""
    records = np.empty(len(raw), dtype=RECORD)
    placement.place_scaled(raw["X"], raw["Y"], raw["Z"], (layout.scales, layout.offsets),
                           (records["x"], records["y"], records["z"]))
    records["intensity"] = raw["intensity"]
    records["classification"] = layout.classification(raw)
    if returns:
        records["return_number"] = layout.return_number(raw)
        records["number_of_returns"] = layout.number_of_returns(raw)
    else:
        records["return_number"] = records["number_of_returns"] = 0
    if rgb_divisor is None or "red" not in (raw.dtype.names or ()):
        records["red"] = records["green"] = records["blue"] = 0
    else:
        for band in ("red", "green", "blue"):
            if rgb_divisor == 256:  # 16-bit colour: the high byte (a shift, not a division)
                records[band] = raw[band] >> 8
            else:
                records[band] = np.minimum(raw[band] // rgb_divisor, 255)
    return records


def _append(records: NDArray[np.void], job: PartitionJob, out: BinaryIO,
            runs: dict[int, list[Run]]) -> None:
    """Write a chunk sorted by fine cell in one go; note each cell's run."""
    # fine codes fit 16 bits (fine level <= 5): numpy sorts them by radix, in O(n)
    codes = job.cube.morton(job.cube.clipped(records), job.fine_level).astype(np.uint16)
    order = np.argsort(codes, kind="stable")
    first = out.tell() // RECORD.itemsize
    out.write(records.view(RAW).take(order).data)
    sizes = np.bincount(codes)
    present = np.flatnonzero(sizes)
    ends = np.cumsum(sizes)[present]
    for code, end, size in zip(present.tolist(), ends.tolist(), sizes[present].tolist(),
                               strict=True):
        runs.setdefault(code, []).append((job.job_id, first + end - size, size))


def job_sizes(sources: Sequence[PointSource], points_per_job: int,
              storage_options: Mapping[str, Any] | None = None) -> list[int]:
    """Points per job of each file: ``points_per_job`` to the nearest whole LAZ chunks, so that
    the seek at the start of a job lands on a chunk and decodes no point in vain."""
    sizes = []
    for source in sources:
        try:
            chunk = read_layout(source.path, storage_options).chunk_points or 1
        except (OSError, ValueError, GisError) as exc:  # GisError: an unreachable URL
            raise BuildInputError(f"{source.path}: cannot read the header: "
                                  f"{_detail(exc, source)}") from exc
        sizes.append(max(1, round(points_per_job / chunk)) * chunk)
    return sizes


def split_jobs(sources: Sequence[PointSource], sizes: Sequence[int],
               placement_of: Callable[[PointSource], Placement], cube: Cube, fine_level: int,
               cells_dir: str, first_id: int = 0,
               storage_options: Mapping[str, Any] | None = None) -> Iterator[PartitionJob]:
    """Partition jobs: one per file, big files cut into point ranges of ``sizes`` points,
    numbered from ``first_id``; URL sources get ``storage_options`` (as
    `gis.lidar.source.task_options` made them for the build's executor).

    Lazy: a file's placement table (megabytes for a large tile) is made when its first job
    is, so only the files in flight hold one.
    """
    job_id = first_id
    for source, size in zip(sources, sizes, strict=True):
        placement = placement_of(source)
        options = storage_options if "://" in source.path else None
        for start in range(0, source.point_count, size):
            count = min(size, source.point_count - start)
            yield PartitionJob(source, start, count, placement, cube, fine_level, cells_dir,
                               job_id, options)
            job_id += 1


def job_count(sources: Sequence[PointSource], sizes: Sequence[int]) -> int:
    return sum(-(-source.point_count // size) for source, size in zip(sources, sizes,
                                                                        strict=True))
