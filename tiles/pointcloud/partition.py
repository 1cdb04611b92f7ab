"""Stage 1: stream each file (or a point range of it) into fine-cell files on disk.

A task reads its range chunk by chunk (laspy + lazrs), places the points in the local frame
(geoid applied), quantises them to millimetres from the cube corner and appends them to one
temporary file per (fine cell, task). Peak memory is one chunk, whatever the file size.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import laspy
import numpy as np
from numpy.typing import NDArray

from gis.geodesy import transformer
from tiles.errors import BuildInputError
from tiles.pointcloud.cells import RECORD, Cube
from tiles.pointcloud.frame import LocalFrame, PlacementLattice

CHUNK_POINTS = 500_000
RAW = np.dtype((np.void, RECORD.itemsize))


@dataclass(frozen=True)
class PointSource:
    """One input file as the build needs it (from the LiDAR index or a header)."""

    path: str
    crs: str
    point_count: int
    bounds: tuple[float, float, float, float, float, float]
    rgb_divisor: int | None  # None: no colour; 1: 8-bit values; 256: 16-bit values


@dataclass(frozen=True)
class PartitionJob:
    source: PointSource
    start: int
    count: int
    frame: LocalFrame
    cube: Cube
    fine_level: int
    work_dir: str
    job_id: int


@dataclass
class PartitionResult:
    job_id: int
    counts: dict[int, int]


def cell_file(work_dir: str | Path, fine_code: int, job_id: int) -> Path:
    return Path(work_dir) / "cells" / f"{fine_code:06d}-{job_id:05d}.bin"


def warm_up(crs: str) -> bool:
    """Create this worker's PROJ transformer while the coordinator plans (proj.db is slow)."""
    transformer(crs, "EPSG:4978")
    return True


def partition(job: PartitionJob) -> PartitionResult:
    """Run one partition task (a plain picklable function, for any executor)."""
    source = job.source
    b = source.bounds
    lattice = PlacementLattice(source.crs, job.frame, (b[0], b[1], b[3], b[4]), (b[2], b[5]))
    counts: dict[int, int] = {}
    (Path(job.work_dir) / "cells").mkdir(parents=True, exist_ok=True)
    try:
        # single-threaded LAZ decoding: we parallelise over processes, and lazrs' parallel
        # decoder uses a rayon thread pool that a forked child inherits without its threads
        with laspy.open(source.path, laz_backend=laspy.LazBackend.Lazrs) as reader:
            if job.start:
                reader.seek(job.start)
            left = job.count
            while left > 0:
                chunk = reader.read_points(min(CHUNK_POINTS, left))
                if len(chunk) == 0:
                    raise BuildInputError(f"{source.path}: fewer points than announced")
                left -= len(chunk)
                records = to_records(chunk, lattice, job.cube, source.rgb_divisor)
                _append(records, job, counts)
    except BuildInputError:
        raise
    except Exception as exc:  # laspy/lazrs errors on a file changed or damaged since ingest
        raise BuildInputError(f"{source.path}: cannot read points: {exc}") from exc
    return PartitionResult(job_id=job.job_id, counts=counts)


def to_records(chunk: Any, lattice: PlacementLattice, cube: Cube,
               rgb_divisor: int | None) -> NDArray[np.void]:
    """Points of a laspy chunk as cell records (local millimetres, attributes)."""
    local = lattice.place(np.asarray(chunk.x), np.asarray(chunk.y), np.asarray(chunk.z))
    local -= np.asarray(cube.origin)
    mm = np.rint(local * 1000.0)
    if not np.all(np.isfinite(mm)):
        raise BuildInputError("non-finite coordinates after placement")
    records = np.empty(len(local), dtype=RECORD)
    records["x"], records["y"], records["z"] = mm[:, 0], mm[:, 1], mm[:, 2]
    records["intensity"] = np.asarray(chunk.intensity)
    records["classification"] = np.asarray(chunk.classification)
    if rgb_divisor is None:
        records["red"] = records["green"] = records["blue"] = 0
    else:
        for band in ("red", "green", "blue"):
            values = np.asarray(chunk[band]) // rgb_divisor
            records[band] = np.minimum(values, 255)
    return records


def _append(records: NDArray[np.void], job: PartitionJob, counts: dict[int, int]) -> None:
    codes = job.cube.morton(job.cube.clipped(records), job.fine_level)
    # fine codes fit 16 bits (fine level <= 5): numpy sorts them by radix, in O(n)
    order = np.argsort(codes.astype(np.uint16), kind="stable")
    codes = codes[order]
    records = records.view(RAW)[order].view(RECORD).reshape(-1)
    unique, starts = np.unique(codes, return_index=True)
    ends = np.append(starts[1:], len(codes))
    for code, start, end in zip(unique.tolist(), starts.tolist(), ends.tolist(), strict=True):
        with cell_file(job.work_dir, code, job.job_id).open("ab") as stream:
            stream.write(records[start:end].tobytes())
        counts[code] = counts.get(code, 0) + (end - start)


def split_jobs(sources: list[PointSource], frame: LocalFrame, cube: Cube, fine_level: int,
               work_dir: str, points_per_job: int) -> list[PartitionJob]:
    """Partition jobs: one per file, big files cut into point ranges (LAZ seeks by chunk)."""
    jobs: list[PartitionJob] = []
    for source in sources:
        for start in range(0, source.point_count, points_per_job):
            count = min(points_per_job, source.point_count - start)
            jobs.append(PartitionJob(source, start, count, frame, cube, fine_level, work_dir,
                                     len(jobs)))
    return jobs
