"""Build a point-cloud tileset: plan, partition, subtrees, ancestors, tileset.json.

Every stage is a list of plain picklable tasks over files, run by any
`concurrent.futures.Executor`: this process plus spawned ones by default (`executor`), or a
Dask cluster (`tiles.engine.cluster`) when the work directory is on a filesystem its workers
share. PROJ runs here only: tasks get numpy placement tables. Peak memory per task
is bounded by ``CHUNK_POINTS`` (partition) and ``TASK_POINTS`` (subtrees); the coordinating
process only holds cell runs and tile bounds. Output is written to a temporary folder and
swapped in at the end, so a failed build leaves the previous tileset intact.

A rebuild after some files changed (by checksum), were added or removed rebuilds only the
subtree tasks whose fine cells those files' points, old or new, fall in (`_Build._partial`).
It decodes only the changed files: the other files' points come from the cell files the
previous build kept, as do every other task's tiles and upper-level fragments
(`tiles.pointcloud.state`); the upper levels are rebuilt from all fragments. This needs the
previous frame and cube to hold the changed files (else the build is full, as when over half
the points changed).
"""

from __future__ import annotations

import logging
import math
import os
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, as_completed, wait
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from gis.errors import GisError
from gis.lidar.crs import check_area, parse_given_crs
from gis.lidar.source import task_options
from tiles.core.ecef import LocalFrame, exact_ecef
from tiles.core.swap import staging_dir, swap_in
from tiles.core.tileset import write_tileset
from tiles.errors import BuildInputError, TilesetWriteError
from tiles.pointcloud.cells import Cube, node_name
from tiles.pointcloud.executor import LocalExecutor
from tiles.pointcloud.frame import PlacementLattice
from tiles.pointcloud.lasfile import read_layout
from tiles.pointcloud.octree import (
    AncestorJob,
    NodeInfo,
    SubtreeJob,
    build_ancestor,
    build_subtree,
    warm_up,
)
from tiles.pointcloud.partition import (
    PartitionJob,
    PointSource,
    Run,
    cell_file,
    job_count,
    job_sizes,
    partition,
    split_jobs,
)
from tiles.pointcloud.placement import Placement
from tiles.pointcloud.state import (
    CELLS,
    FRAGMENTS,
    BuildState,
    FileState,
    TaskState,
    read_state,
    state_dir,
    tileset_sha256,
    write_state,
)
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
INSIDE_MARGIN_M = 0.05  # how far inside the cube a changed file must stay for a partial rebuild
GRID_MIN_EXPONENT = 14  # the cube is at least 16 m wide

Progress = Callable[[str, int, int], None]
T = TypeVar("T")
R = TypeVar("R")


#: What a worker of a Dask engine imports before the build (`tiles.engine.cluster`).
TASK_MODULES = ("tiles.pointcloud.partition", "tiles.pointcloud.octree")

#: Above this share of changed points a rebuild is full: reading the rest costs little more.
MAX_PARTIAL_SHARE = 0.5


@dataclass
class BuildResult:
    path: Path
    points: int
    tiles: int
    sources: int
    partial: bool = False  # only the subtrees the changed files touch were rebuilt
    files_read: int = 0
    tasks_built: int = 0
    tasks_kept: int = 0


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


def plan_subtrees(runs: dict[int, list[Run]], fine_level: int, task_points: int,
                  blocked: frozenset[tuple[int, int]] = frozenset()
                  ) -> list[tuple[int, int, list[int], list[Run]]]:
    """Subtree tasks: the highest nodes holding at most ``task_points`` (or fine cells), with
    their fine cells and runs. A ``blocked`` node (one holding a task kept from the previous
    build) is never a task: its other cells go to tasks of its children."""
    tasks: list[tuple[int, int, list[int], list[Run]]] = []
    counts = {code: sum(run[2] for run in cell_runs) for code, cell_runs in runs.items()}

    def visit(level: int, code: int, fine_codes: list[int]) -> None:
        total = sum(counts[c] for c in fine_codes)
        fits = total <= task_points and (level, code) not in blocked
        if fits or level == fine_level:
            tasks.append((level, code, fine_codes,
                          sorted(run for c in fine_codes for run in runs[c])))
            return
        groups: dict[int, list[int]] = defaultdict(list)
        for c in fine_codes:
            groups[c >> (3 * (fine_level - level - 1))].append(c)
        for child, members in sorted(groups.items()):
            visit(level + 1, child, members)

    if counts:
        visit(0, 0, sorted(counts))
    return tasks


def ancestors_of(nodes: Iterable[tuple[int, int]]) -> frozenset[tuple[int, int]]:
    """The nodes and every node above them."""
    return frozenset((up, code >> (3 * (level - up))) for level, code in nodes
                     for up in range(level + 1))


def build_pointcloud(sources: Sequence[PointSource], out_dir: Path, *,
                     executor: Executor | None = None, workers: int | None = None,
                     progress: Progress | None = None, version: str = "1",
                     incremental: bool = True,
                     storage_options: Mapping[str, Any] | None = None) -> BuildResult:
    """Build the tileset of ``sources`` into ``out_dir`` (replaced atomically); with
    ``incremental``, rebuild only what changed since the previous build when it can.
    ``storage_options`` (fsspec) reach sources that are URLs; partition jobs carry them."""
    if not sources:
        raise BuildInputError("no LiDAR files to build from")
    if len({s.crs for s in sources}) != 1:
        raise BuildInputError("the files of one tileset must share one CRS")
    staging = staging_dir(out_dir, "build")
    state_staging = staging_dir(state_dir(out_dir), "build")
    own_executor = executor is None
    workers = workers or os.cpu_count() or 1
    pool = executor or local_executor(workers)
    try:
        previous = read_state(out_dir) if incremental else None
        build = _Build(sources, out_dir, staging, state_staging, pool, progress, workers,
                       storage_options)
        result, state = build.run(previous, version)
        swap_in(staging, out_dir)
        write_state(replace(state, tileset_sha256=tileset_sha256(out_dir)), state_staging)
        swap_in(state_staging, state_dir(out_dir))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(state_staging, ignore_errors=True)
        raise
    finally:
        if own_executor:
            pool.shutdown(cancel_futures=True)
    return result


def local_executor(workers: int) -> LocalExecutor:
    """This process and ``workers - 1`` spawned ones (see `tiles.pointcloud.executor`)."""
    return LocalExecutor(workers, warm_up=warm_up)


def _share(total: int, workers: int, low: int, high: int, per_worker: int = 3) -> int:
    """Points per task: about ``per_worker`` tasks per worker, within [low, high] (memory)."""
    return max(low, min(high, total // (per_worker * workers) + 1))


@dataclass
class _Partitioned:
    """What partition jobs found: each file's runs per fine cell."""

    next_id: int
    file_runs: dict[str, dict[int, list[Run]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))

    def runs(self) -> dict[int, list[Run]]:
        """Each fine cell's runs, all files together."""
        merged: dict[int, list[Run]] = defaultdict(list)
        for runs in self.file_runs.values():
            for code, cell_runs in runs.items():
                merged[code].extend(cell_runs)
        return merged


class _Build:
    """One build into the staging folders: full, or partial over a previous build's state."""

    def __init__(self, sources: Sequence[PointSource], out_dir: Path, staging: Path,
                 state_staging: Path, pool: Executor, progress: Progress | None,
                 workers: int, storage_options: Mapping[str, Any] | None = None) -> None:
        self.sources = list(sources)
        self.storage_options = task_options(storage_options, pool)
        self.out_dir = out_dir
        self.staging = staging
        self.state_staging = state_staging
        self.pool = pool
        self.progress = progress
        self.workers = workers
        self.colour = any(s.rgb_divisor is not None for s in sources)
        self.returns = any(s.returns for s in sources)
        self.expected = sum(s.point_count for s in sources)
        self.content = staging / "content"
        self.cells = state_staging / CELLS
        self.fragments = state_staging / FRAGMENTS
        for folder in (self.content, self.cells, self.fragments):
            folder.mkdir(parents=True)
        self._files: dict[str, FileState] = {}  # the next state's, filled by the build
        self._tasks: list[TaskState] = []
        self._next_job = 0

    def run(self, previous: BuildState | None, version: str) -> tuple[BuildResult, BuildState]:
        base = self._reusable(previous)
        if base is None:
            frame, cube = plan_frame(self.sources)
            fine_level = max(0, min(MAX_FINE_LEVEL, cube.exponent - FINE_CELL_BITS))
            state = BuildState("", self.sources[0].crs, self.colour, frame, cube, fine_level,
                               {}, (), 0, self.returns)
            nodes, result = self._full(state)
        else:
            state = base
            nodes, result = self._partial(base)
        if sum(n.count for n in nodes) != self.expected:
            raise TilesetWriteError("point count not conserved across tiles")
        write_tileset(self.staging, tileset_document(state.cube, state.frame, nodes, version))
        result.tiles = len(nodes)
        return result, replace(state, files=self._files, tasks=tuple(self._tasks),
                               next_job=self._next_job)

    # -- the two kinds of build ----------------------------------------------------------------

    def _full(self, state: BuildState) -> tuple[list[NodeInfo], BuildResult]:
        found = self._partition(state, self.sources, _Partitioned(0))
        self._files = self._file_states(self.sources, found)
        nodes = self._subtrees(state, found.runs(), frozenset())
        nodes.extend(self._ancestors(state))
        return nodes, BuildResult(self.out_dir, self.expected, 0, len(self.sources),
                                  files_read=len(self.sources), tasks_built=len(self._tasks))

    def _partial(self, base: BuildState) -> tuple[list[NodeInfo], BuildResult]:
        """Rebuild the tasks whose cells the changed files' points (old or new) fall in: the
        changed files are read, the others' points come from their kept cell files."""
        changed = self._changed(base)
        current = {s.path: s.checksum for s in self.sources}
        touched: set[int] = set()  # cells of the versions gone: changed or removed files
        for path, previous in base.files.items():
            if current.get(path) != previous.checksum:
                touched.update(previous.cells)
        found = self._partition(base, changed, _Partitioned(base.next_job))
        new_runs = found.runs()
        touched.update(new_runs)
        affected = [t for t in base.tasks if touched.intersection(t.cells)]
        kept = [t for t in base.tasks if not touched.intersection(t.cells)]
        region = set(new_runs).union(*(t.cells for t in affected))
        changed_paths = {s.path for s in changed}
        unchanged = {s.path: base.files[s.path] for s in self.sources
                     if s.path not in changed_paths}
        runs: dict[int, list[Run]] = defaultdict(list, new_runs)  # all in the region
        for previous in unchanged.values():
            for code in previous.cells & region:
                runs[code].extend(previous.runs[code])
        self._files = {**unchanged, **self._file_states(changed, found)}
        self._tasks = list(kept)
        nodes = self._keep(kept, unchanged.values())
        nodes.extend(self._subtrees(base, runs, ancestors_of((t.level, t.code) for t in kept)))
        nodes.extend(self._ancestors(base))
        built = len(self._tasks) - len(kept)
        log.info("%s: partial rebuild, %d of %d files read, %d tasks rebuilt, %d kept",
                 self.out_dir, len(changed), len(self.sources), built, len(kept))
        return nodes, BuildResult(self.out_dir, self.expected, 0, len(self.sources),
                                  partial=True, files_read=len(changed), tasks_built=built,
                                  tasks_kept=len(kept))

    def _changed(self, previous: BuildState) -> list[PointSource]:
        """The files added or changed (by checksum) since ``previous``."""
        return [s for s in self.sources if s.path not in previous.files
                or previous.files[s.path].checksum != s.checksum]

    def _reusable(self, previous: BuildState | None) -> BuildState | None:
        """The previous build's state if a partial rebuild over it is right and worth it."""
        if previous is None or any(s.checksum is None for s in self.sources):
            return None
        if (previous.crs != self.sources[0].crs or previous.colour != self.colour
                or previous.returns != self.returns):
            return None
        changed = self._changed(previous)
        if sum(s.point_count for s in changed) > MAX_PARTIAL_SHARE * self.expected:
            return None
        for source in changed:  # as `plan_frame` checks every file of a full build
            _check_area(source)
        if not all(_inside(previous.frame, previous.cube, s) for s in changed):
            log.info("%s: changed files reach outside the previous cube: full build",
                     self.out_dir)
            return None
        return previous

    @staticmethod
    def _file_states(sources: Sequence[PointSource], found: _Partitioned
                     ) -> dict[str, FileState]:
        return {s.path: FileState(s.checksum or "", {
            code: tuple(runs) for code, runs in found.file_runs[s.path].items()})
            for s in sources}

    # -- stages ---------------------------------------------------------------------------------

    def _partition(self, state: BuildState, sources: Sequence[PointSource],
                   found: _Partitioned) -> _Partitioned:
        """Stage 1 over ``sources``, into ``found`` (job ids from its ``next_id``)."""
        self._next_job = found.next_id
        if not sources:
            return found
        points = sum(s.point_count for s in sources)
        sizes = job_sizes(sources, _share(points, self.workers, MIN_PARTITION_JOB_POINTS,
                                          PARTITION_JOB_POINTS, PARTITION_JOBS_PER_WORKER),
                          self.storage_options)
        owner: dict[int, str] = {}

        def jobs() -> Iterator[PartitionJob]:
            for job in split_jobs(sources, sizes, partial(_placement, state.frame, state.cube),
                                  state.cube, state.fine_level, str(self.cells), found.next_id,
                                  self.storage_options):
                owner[job.job_id] = job.source.path
                yield job

        read = 0
        for result in _run(self.pool, partition, jobs(), job_count(sources, sizes),
                           "partition", self.progress, window=2 * self.workers + 1):
            file_runs = found.file_runs[owner[result.job_id]]
            for code, cell_runs in result.runs.items():
                file_runs[code].extend(cell_runs)
                read += sum(run[2] for run in cell_runs)
        if read != points:
            raise BuildInputError(f"read {read} points, expected {points}")
        found.next_id += job_count(sources, sizes)
        self._next_job = found.next_id
        return found

    def _subtrees(self, state: BuildState, runs: dict[int, list[Run]],
                  blocked: frozenset[tuple[int, int]]) -> list[NodeInfo]:
        """Stage 2: a task per planned subtree (largest first: lanes end together)."""
        points = sum(run[2] for cell_runs in runs.values() for run in cell_runs)
        planned = plan_subtrees(runs, state.fine_level,
                                _share(points, self.workers, MIN_TASK_POINTS, TASK_POINTS),
                                blocked)
        jobs = sorted((SubtreeJob(level, code, tuple(cell_runs), state.cube, str(self.cells),
                                  str(self.content), self.colour, str(self.fragments),
                                  returns=self.returns)
                       for level, code, _cells, cell_runs in planned),
                      key=lambda job: -sum(run[2] for run in job.cells))
        cells = {(level, code): tuple(fine) for level, code, fine, _ in planned}
        nodes: list[NodeInfo] = []
        built: list[TaskState] = []
        for subtree in _run(self.pool, build_subtree, jobs, len(jobs), "subtrees",
                            self.progress):
            nodes.extend(subtree.nodes)
            built.append(TaskState(
                subtree.level, subtree.code, cells[(subtree.level, subtree.code)],
                tuple(subtree.nodes),
                tuple((level, code, str(Path(path).relative_to(self.state_staging)))
                      for level, code, path in subtree.fragments)))
        # in node order: the state (and the upper levels' inputs) do not depend on timing
        self._tasks.extend(sorted(built, key=lambda task: (task.level, task.code)))
        return nodes

    def _ancestors(self, state: BuildState) -> list[NodeInfo]:
        """Stage 3: the upper levels, from every task's fragments (sorted: the bytes do not
        depend on which task finished first)."""
        fragments: dict[tuple[int, int], list[str]] = defaultdict(list)
        for task in self._tasks:
            for level, code, name in task.fragments:
                fragments[(level, code)].append(str(self.state_staging / name))
        jobs = [AncestorJob(level, code, tuple(sorted(paths)), state.cube, str(self.content),
                            self.colour, self.returns)
                for (level, code), paths in sorted(fragments.items())]
        return list(_run(self.pool, build_ancestor, jobs, len(jobs), "upper levels",
                         self.progress))

    def _keep(self, kept: Sequence[TaskState], files: Iterable[FileState]) -> list[NodeInfo]:
        """The kept tasks' tiles and fragments and the unchanged files' cell files, linked
        from the previous build."""
        previous_content = self.out_dir / "content"
        previous_state = state_dir(self.out_dir)
        nodes: list[NodeInfo] = []
        for task in kept:
            for node in task.nodes:
                name = f"{node_name(node.level, node.code)}.glb"
                _link(previous_content / name, self.content / name)
                nodes.append(node)
            for _, _, fragment in task.fragments:
                _link(previous_state / fragment, self.state_staging / fragment)
        for job in frozenset().union(*(f.jobs for f in files)):
            _link(cell_file(previous_state / CELLS, job), cell_file(self.cells, job))
        return nodes


def _inside(frame: LocalFrame, cube: Cube, source: PointSource) -> bool:
    """Whether ``source``'s bounds lie in ``cube``. Their box is sampled as the planner does;
    between samples 125 m apart on a 1 km tile the Earth's curvature bends it by 0.3 mm, well
    within `INSIDE_MARGIN_M`."""
    b = source.bounds
    gx, gy, gz = np.meshgrid(np.linspace(b[0], b[3], 9), np.linspace(b[1], b[4], 9),
                             np.array([b[2], b[5]]))
    local = frame.to_local(exact_ecef(source.crs, gx.ravel(), gy.ravel(), gz.ravel()))
    offset = local - np.asarray(cube.origin)
    side = cube.side_mm / 1000.0
    return bool((offset >= INSIDE_MARGIN_M).all() and (offset <= side - INSIDE_MARGIN_M).all())


def _link(source: Path, target: Path) -> None:
    """A hard link (the same bytes, no copy), or a copy across filesystems."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _placement(frame: LocalFrame, cube: Cube, source: PointSource) -> Placement:
    b = source.bounds
    return PlacementLattice(source.crs, frame, (b[0], b[1], b[3], b[4]), (b[2], b[5]),
                            cube.origin).placement


def sources_from_headers(paths: Iterable[Path], crs: str,
                         rgb_divisor: int | None = None) -> list[PointSource]:
    """Sources read from LAS headers only (benchmarks, files not in the index); a file has
    returns when its header counts points by return."""
    sources = []
    for path in paths:
        layout = read_layout(path)
        sources.append(PointSource(str(path), crs, layout.point_count,
                                   (*layout.mins, *layout.maxs), rgb_divisor,
                                   returns=layout.has_returns))
    return sources
