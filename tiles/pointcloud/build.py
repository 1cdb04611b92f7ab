"""Build a point-cloud tileset: plan, partition, subtrees, ancestors, tileset.json.

Every stage is a list of plain picklable tasks over files, run by any
`concurrent.futures.Executor`: this process plus spawned ones by default (`executor`), or a
Dask cluster through ``distributed.Client.get_executor()`` when the work directory is on a
shared filesystem. PROJ runs here only: tasks get numpy placement tables. Peak memory per task
is bounded by ``CHUNK_POINTS`` (partition) and ``TASK_POINTS`` (subtrees); the coordinating
process only holds cell runs and tile bounds. Output is written to a temporary folder and
swapped in at the end, so a failed build leaves the previous tileset intact.
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
from concurrent.futures import FIRST_COMPLETED, Executor, Future, as_completed, wait
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np

from gis.errors import GisError
from gis.lidar.crs import check_area, parse_given_crs
from tiles.errors import BuildInputError, TilesetWriteError
from tiles.pointcloud.cells import Cube
from tiles.pointcloud.executor import LocalExecutor
from tiles.pointcloud.frame import LocalFrame, PlacementLattice, exact_ecef
from tiles.pointcloud.lasfile import read_layout
from tiles.pointcloud.octree import (
    AncestorJob,
    NodeInfo,
    SubtreeJob,
    SubtreeResult,
    build_ancestor,
    build_subtree,
    warm_up,
)
from tiles.pointcloud.partition import (
    PointSource,
    Run,
    job_count,
    job_sizes,
    partition,
    split_jobs,
)
from tiles.pointcloud.placement import Placement
from tiles.pointcloud.tileset import tileset_document

log = logging.getLogger(__name__)

TASK_POINTS = 1_000_000
MIN_TASK_POINTS = 150_000
PARTITION_JOB_POINTS = 2_000_000
MIN_PARTITION_JOB_POINTS = 100_000  # jobs start on LAZ chunks: small ones waste no decoding
PARTITION_JOBS_PER_WORKER = 5  # balance: lanes finish the stage within a small job
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



def _run(executor: Executor, function: Callable[[T], R], jobs: Iterable[T], total: int,
         stage: str, progress: Progress | None, window: int | None = None) -> Iterator[R]:
    """Results as they complete; at most ``window`` jobs submitted and not done at a time
    (None: all at once), so lazily made jobs are only materialised when about to run.

    When a job fails, the others are cancelled or waited for before the error goes up: none
    may still write into the staging folder while the caller removes it.
    """
    pending: set[Future[R]] = set()
    try:
        done = 0
        for job in jobs:
            if window is not None and len(pending) >= window:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    done += 1
                    if progress:
                        progress(stage, done, total)
                    yield future.result()
            pending.add(executor.submit(function, job))
        for future in as_completed(pending):
            done += 1
            if progress:
                progress(stage, done, total)
            yield future.result()
    except BaseException:
        for future in pending:
            future.cancel()
        wait(pending)
        raise


def plan_subtrees(runs: dict[int, list[Run]], fine_level: int, task_points: int
                  ) -> list[tuple[int, int, list[Run]]]:
    """Subtree tasks: the highest nodes holding at most ``task_points`` (or fine cells)."""
    tasks: list[tuple[int, int, list[Run]]] = []
    counts = {code: sum(run[2] for run in cell_runs) for code, cell_runs in runs.items()}

    def visit(level: int, code: int, fine_codes: list[int]) -> None:
        total = sum(counts[c] for c in fine_codes)
        if total <= task_points or level == fine_level:
            tasks.append((level, code, sorted(run for c in fine_codes for run in runs[c])))
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
    staging.chmod(0o755)  # mkdtemp's 0700 would hide the tileset from a server of another user
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


def local_executor(workers: int) -> LocalExecutor:
    """This process and ``workers - 1`` spawned ones (see `tiles.pointcloud.executor`)."""
    return LocalExecutor(workers, warm_up=warm_up)


def _share(total: int, workers: int, low: int, high: int, per_worker: int = 3) -> int:
    """Points per task: about ``per_worker`` tasks per worker, within [low, high] (memory)."""
    return max(low, min(high, total // (per_worker * workers) + 1))


def _build_into(sources: Sequence[PointSource], staging: Path, pool: Executor,
                progress: Progress | None, version: str, workers: int) -> list[NodeInfo]:
    # PROJ runs here only (tasks get placement tables), while the local pool starts up
    frame, cube = plan_frame(sources)
    fine_level = max(0, min(MAX_FINE_LEVEL, cube.exponent - FINE_CELL_BITS))
    work = staging / "work"
    content = staging / "content"
    content.mkdir(parents=True)
    colour = any(s.rgb_divisor is not None for s in sources)
    expected = sum(s.point_count for s in sources)
    sizes = job_sizes(sources, _share(expected, workers, MIN_PARTITION_JOB_POINTS,
                                      PARTITION_JOB_POINTS, PARTITION_JOBS_PER_WORKER))
    jobs = split_jobs(sources, sizes, partial(_placement, frame, cube), cube, fine_level,
                      str(work))
    runs: dict[int, list[Run]] = defaultdict(list)
    for result in _run(pool, partition, jobs, job_count(sources, sizes), "partition",
                       progress, window=2 * workers + 1):
        for code, cell_runs in result.runs.items():
            runs[code].extend(cell_runs)
    read = sum(run[2] for cell_runs in runs.values() for run in cell_runs)
    if read != expected:
        raise BuildInputError(f"read {read} points, expected {expected}")
    subtree_jobs = [SubtreeJob(level, code, tuple(cells), cube, str(work), str(content), colour)
                    for level, code, cells in plan_subtrees(
                        runs, fine_level,
                        _share(expected, workers, MIN_TASK_POINTS, TASK_POINTS))]
    # largest first: the lanes then finish the stage at about the same time
    subtree_jobs.sort(key=lambda job: -sum(run[2] for run in job.cells))
    nodes: list[NodeInfo] = []
    fragments: dict[tuple[int, int], list[str]] = defaultdict(list)
    for subtree in _run(pool, build_subtree, subtree_jobs, len(subtree_jobs), "subtrees",
                        progress):
        _collect(subtree, nodes, fragments)
    # sorted inputs: output bytes do not depend on which task finished first
    ancestor_jobs = [AncestorJob(level, code, tuple(sorted(paths)), cube, str(content), colour)
                     for (level, code), paths in sorted(fragments.items())]
    nodes.extend(_run(pool, build_ancestor, ancestor_jobs, len(ancestor_jobs), "upper levels",
                      progress))
    if sum(n.count for n in nodes) != expected:
        raise TilesetWriteError("point count not conserved across tiles")
    shutil.rmtree(work, ignore_errors=True)
    document = tileset_document(cube, frame, nodes, version)
    (staging / "tileset.json").write_text(json.dumps(document, separators=(",", ":")))
    return nodes


def _placement(frame: LocalFrame, cube: Cube, source: PointSource) -> Placement:
    b = source.bounds
    return PlacementLattice(source.crs, frame, (b[0], b[1], b[3], b[4]), (b[2], b[5]),
                            cube.origin).placement


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
    sources = []
    for path in paths:
        layout = read_layout(path)
        sources.append(PointSource(str(path), crs, layout.point_count,
                                   (*layout.mins, *layout.maxs), rgb_divisor))
    return sources
