"""Build a point-cloud tileset: plan, partition, subtrees, ancestors, tileset.json.

Every stage is a list of plain picklable tasks over files, run by any
`concurrent.futures.Executor`: a local process pool by default, or a Dask cluster through
``distributed.Client.get_executor()`` when the work directory is on a shared filesystem.
Peak memory per task is bounded by ``CHUNK_POINTS`` (partition) and ``TASK_POINTS`` (subtrees);
the coordinating process only holds counts and tile bounds. Output is written to a temporary
folder and swapped in at the end, so a failed build leaves the previous tileset intact.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from gis.errors import GisError
from gis.lidar.crs import check_area, parse_given_crs
from gis.workers import process_pool
from tiles.errors import BuildInputError, TilesetWriteError
from tiles.pointcloud.cells import Cube
from tiles.pointcloud.frame import LocalFrame, exact_ecef
from tiles.pointcloud.octree import (
    AncestorJob,
    NodeInfo,
    SubtreeJob,
    SubtreeResult,
    build_ancestor,
    build_subtree,
)
from tiles.pointcloud.partition import (
    PartitionResult,
    PointSource,
    partition,
    split_jobs,
    warm_up,
)
from tiles.pointcloud.tileset import tileset_document

log = logging.getLogger(__name__)

TASK_POINTS = 1_000_000
MIN_TASK_POINTS = 150_000
PARTITION_JOB_POINTS = 2_000_000
MIN_PARTITION_JOB_POINTS = 250_000
FINE_CELL_BITS = 15  # fine cells are at least 2**15 mm (33 m) wide
MAX_FINE_LEVEL = 5  # 2**15 fine cells at most: codes sort as uint16
MARGIN_M = 2.0
GRID_MIN_EXPONENT = 14  # the cube is at least 16 m wide

Progress = Callable[[str, int, int], None]
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class BuildResult:
    path: Path
    points: int
    tiles: int
    sources: int


def _check_area(source: PointSource) -> None:
    try:
        check_area(parse_given_crs(source.crs), (source.bounds[0], source.bounds[1],
                                                 source.bounds[3], source.bounds[4]),
                   source.path)
    except GisError as exc:
        raise BuildInputError(str(exc)) from exc


def plan_frame(sources: Sequence[PointSource]) -> tuple[LocalFrame, Cube]:
    """Local frame at the data's centre and a millimetre cube that holds every point."""
    for source in sources:
        _check_area(source)
    lows = np.array([s.bounds[:3] for s in sources]).min(axis=0)
    highs = np.array([s.bounds[3:] for s in sources]).max(axis=0)
    crs = sources[0].crs
    middle = (lows + highs) / 2.0
    # two identical points: pyproj treats one-element arrays as deprecated scalars
    centre = exact_ecef(crs, *(np.full(2, value) for value in middle))
    frame = LocalFrame.at(centre[0])
    samples = []
    for source in sources:
        b = source.bounds
        gx, gy, gz = np.meshgrid(np.linspace(b[0], b[3], 9), np.linspace(b[1], b[4], 9),
                                 np.array([b[2], b[5]]))
        samples.append(frame.to_local(exact_ecef(crs, gx.ravel(), gy.ravel(), gz.ravel())))
    local = np.concatenate(samples)
    low = local.min(axis=0) - MARGIN_M
    high = local.max(axis=0) + MARGIN_M
    side_mm = float((high - low).max()) * 1000.0
    exponent = max(GRID_MIN_EXPONENT, math.ceil(math.log2(side_mm)))
    origin = tuple(float(np.floor(v * 1000.0) / 1000.0) for v in low)
    return frame, Cube((origin[0], origin[1], origin[2]), exponent)



def _run(executor: Executor, function: Callable[[T], R], jobs: Sequence[T], stage: str,
         progress: Progress | None) -> Iterator[R]:
    futures: list[Future[R]] = [executor.submit(function, job) for job in jobs]
    for done, future in enumerate(as_completed(futures), start=1):
        if progress:
            progress(stage, done, len(futures))
        yield future.result()


def plan_subtrees(counts: dict[int, int], owners: dict[int, list[int]], fine_level: int,
                  task_points: int) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Subtree tasks: the highest nodes holding at most ``task_points`` (or fine cells)."""
    tasks: list[tuple[int, int, list[tuple[int, int]]]] = []

    def visit(level: int, code: int, fine_codes: list[int]) -> None:
        total = sum(counts[c] for c in fine_codes)
        if total <= task_points or level == fine_level:
            tasks.append((level, code, [(c, o) for c in fine_codes for o in sorted(owners[c])]))
            return
        groups: dict[int, list[int]] = defaultdict(list)
        for c in fine_codes:
            groups[c >> (3 * (fine_level - level - 1))].append(c)
        for child, members in sorted(groups.items()):
            visit(level + 1, child, members)

    visit(0, 0, sorted(counts))
    return tasks


def build_pointcloud(sources: Sequence[PointSource], out_dir: Path, *,
                     executor: Executor | None = None, workers: int | None = None,
                     progress: Progress | None = None, version: str = "1") -> BuildResult:
    """Build the tileset of ``sources`` into ``out_dir`` (replaced atomically)."""
    if not sources:
        raise BuildInputError("no LiDAR files to build from")
    if len({s.crs for s in sources}) != 1:
        raise BuildInputError("the files of one tileset must share one CRS")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    own_executor = executor is None
    workers = workers or os.cpu_count() or 1
    pool = executor or local_executor(workers)
    try:
        nodes = _build_into(sources, staging, pool, progress, version, workers)
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if own_executor:
            pool.shutdown(cancel_futures=True)
    return BuildResult(out_dir, sum(n.count for n in nodes), len(nodes), len(sources))


def local_executor(workers: int) -> ProcessPoolExecutor:
    """Local worker processes (spawned: see `gis.workers`)."""
    return process_pool(workers, workers)


def _share(total: int, workers: int, low: int, high: int) -> int:
    """Points per task: about three tasks per worker, within [low, high] (memory bound)."""
    return max(low, min(high, total // (3 * workers) + 1))


def _build_into(sources: Sequence[PointSource], staging: Path, pool: Executor,
                progress: Progress | None, version: str, workers: int) -> list[NodeInfo]:
    warming = [pool.submit(warm_up, sources[0].crs) for _ in range(workers)]
    frame, cube = plan_frame(sources)
    for future in warming:
        future.result()
    fine_level = max(0, min(MAX_FINE_LEVEL, cube.exponent - FINE_CELL_BITS))
    work = staging / "work"
    content = staging / "content"
    content.mkdir(parents=True)
    colour = any(s.rgb_divisor is not None for s in sources)
    expected = sum(s.point_count for s in sources)
    jobs = split_jobs(list(sources), frame, cube, fine_level, str(work),
                      _share(expected, workers, MIN_PARTITION_JOB_POINTS, PARTITION_JOB_POINTS))
    counts: dict[int, int] = defaultdict(int)
    owners: dict[int, list[int]] = defaultdict(list)
    for result in _run(pool, partition, jobs, "partition", progress):
        _merge(result, counts, owners)
    if sum(counts.values()) != expected:
        raise BuildInputError(f"read {sum(counts.values())} points, expected {expected}")
    subtree_jobs = [SubtreeJob(level, code, tuple(cells), cube, str(work), str(content), colour)
                    for level, code, cells in plan_subtrees(
                        counts, owners, fine_level,
                        _share(expected, workers, MIN_TASK_POINTS, TASK_POINTS))]
    nodes: list[NodeInfo] = []
    fragments: dict[tuple[int, int], list[str]] = defaultdict(list)
    for subtree in _run(pool, build_subtree, subtree_jobs, "subtrees", progress):
        _collect(subtree, nodes, fragments)
    # sorted inputs: output bytes do not depend on which task finished first
    ancestor_jobs = [AncestorJob(level, code, tuple(sorted(paths)), cube, str(content), colour)
                     for (level, code), paths in sorted(fragments.items())]
    nodes.extend(_run(pool, build_ancestor, ancestor_jobs, "upper levels", progress))
    if sum(n.count for n in nodes) != expected:
        raise TilesetWriteError("point count not conserved across tiles")
    shutil.rmtree(work, ignore_errors=True)
    document = tileset_document(cube, frame, nodes, version)
    (staging / "tileset.json").write_text(json.dumps(document, separators=(",", ":")))
    return nodes


def _merge(result: PartitionResult, counts: dict[int, int], owners: dict[int, list[int]]) -> None:
    for code, count in result.counts.items():
        counts[code] += count
        owners[code].append(result.job_id)


def _collect(subtree: SubtreeResult, nodes: list[NodeInfo],
             fragments: dict[tuple[int, int], list[str]]) -> None:
    nodes.extend(subtree.nodes)
    for level, code, path in subtree.fragments:
        fragments[(level, code)].append(path)


def _swap(staging: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``staging`` with two renames (the old one removed after)."""
    old = out_dir.with_name(f".{out_dir.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        out_dir.rename(old)
    staging.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


def sources_from_headers(paths: Iterable[Path], crs: str,
                         rgb_divisor: int | None = None) -> list[PointSource]:
    """Sources read from LAS headers only (benchmarks, files not in the index)."""
    import laspy

    sources = []
    for path in paths:
        with laspy.open(path) as reader:
            h = reader.header
            sources.append(PointSource(str(path), crs, int(h.point_count),
                                       (*map(float, h.mins), *map(float, h.maxs)),  # type: ignore[arg-type]
                                       rgb_divisor))
    return sources


