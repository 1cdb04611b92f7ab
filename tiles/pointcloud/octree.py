"""Stages 2 and 3: levels of detail, one independent task per subtree, then the ancestors.

A subtree task owns every point under one octree node (bounded by the planner). It shuffles
them, then walks down from the root: at each ancestor level it keeps one point per sampling
cell (a fragment of that ancestor's content, written to disk), then builds its own subtree the
same way until a node holds few enough points to be a leaf. Because sampling cells never cross
node boundaries, the fragments of all tasks together are exactly the global sample. Refinement
is ADD: every point is in exactly one tile.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from tiles.errors import BuildInputError
from tiles.pointcloud.cells import I32, RECORD, Cube, node_name, one_per_cell
from tiles.pointcloud.glb import write_glb
from tiles.pointcloud.partition import RAW, Run, cell_file

LEAF_POINTS = 40_000
#: glTF column of local east, north, up (glTF is y-up: east, up, -north).
GLTF_COLUMN = (0, 2, 1)


@dataclass(frozen=True)
class NodeInfo:
    """A written tile: its place in the octree, point count and content bounds (mm)."""

    level: int
    code: int
    count: int
    low: tuple[int, int, int]
    high: tuple[int, int, int]


@dataclass(frozen=True)
class SubtreeJob:
    level: int
    code: int
    cells: tuple[Run, ...]  # where its points are in the partition tasks' files
    cube: Cube
    cells_dir: str  # the partition's cell files
    content_dir: str
    colour: bool
    fragment_dir: str  # kept after the build (see `tiles.pointcloud.state`)
    leaf_points: int = LEAF_POINTS
    returns: bool = False  # the tiles carry return numbers (`tiles.pointcloud.glb`)


@dataclass
class SubtreeResult:
    level: int  # the task's node
    code: int
    nodes: list[NodeInfo] = field(default_factory=list)
    fragments: list[tuple[int, int, str]] = field(default_factory=list)  # level, code, path


@dataclass(frozen=True)
class AncestorJob:
    level: int
    code: int
    fragments: tuple[str, ...]
    cube: Cube
    content_dir: str
    colour: bool
    returns: bool = False


def warm_up() -> bool:
    """Run first in a new worker process: unpickling it makes the process import the task
    modules. Freezing what they allocated keeps it out of every later collection, the one at
    exit included (see `twin.cli.lazy.collector_paused`)."""
    gc.freeze()
    return True


def fragment_file(fragment_dir: str, level: int, code: int, owner: str) -> Path:
    return Path(fragment_dir) / f"{node_name(level, code)}-{owner}.bin"


def write_node(cube: Cube, level: int, code: int, records: NDArray[np.void], content_dir: str,
               colour: bool, returns: bool = False) -> NodeInfo:
    """Write one tile's glb; positions float32 about the node centre, in glTF's y-up axes."""
    centre = cube.node_centre_mm(level, code)
    y_up = np.empty((len(records), 3), dtype=np.float32)
    low, high = [0, 0, 0], [0, 0, 0]
    for axis, name in enumerate(("x", "y", "z")):
        values = records[name]
        low[axis], high[axis] = int(values.min()), int(values.max())
        # (east, north, up) -> (east, up, -north); millimetre differences are exact integers
        offset = values - np.int64(centre[axis])
        if axis == 1:
            np.negative(offset, out=offset)
        y_up[:, GLTF_COLUMN[axis]] = offset / 1000.0
    # rounded to the micrometre: the same node gets the same bytes whichever process built it
    translation = tuple(round(o + c / 1000.0, 6) for o, c in zip(cube.origin, centre, strict=True))
    write_glb(Path(content_dir) / f"{node_name(level, code)}.glb", y_up, records,
              (translation[0], translation[1], translation[2]), colour, returns)
    return NodeInfo(level, code, len(records), (low[0], low[1], low[2]),
                    (high[0], high[1], high[2]))


def _shuffled_points(job: SubtreeJob) -> NDArray[np.void]:
    """The task's points from the partition files, in a random (but reproducible) order."""
    raw = np.empty(sum(run[2] for run in job.cells), dtype=RAW)
    filled = 0
    for owner, group in groupby(sorted(job.cells), key=lambda run: run[0]):
        with cell_file(job.cells_dir, owner).open("rb") as stream:
            for _, first, count in group:
                stream.seek(first * RAW.itemsize)
                if stream.readinto(raw[filled:filled + count].data) != count * RAW.itemsize:
                    raise BuildInputError(f"partition file {owner} is shorter than announced")
                filled += count
    rng = np.random.default_rng(job.code * 1_000_003 + job.level)
    # raw bytes, not the structured dtype: numpy gathers them five times faster
    return raw.take(rng.permutation(len(raw)))


def _without(raw: NDArray[np.void], clipped: I32, chosen: NDArray[np.intp]
             ) -> tuple[NDArray[np.void], I32]:
    keep = np.ones(len(raw), dtype=bool)
    keep[chosen] = False
    return raw[keep], clipped.compress(keep, axis=1)  # compress: 4x faster than [:, keep]


def build_subtree(job: SubtreeJob) -> SubtreeResult:
    """Run one subtree task (plain picklable function, for any executor)."""
    raw = _shuffled_points(job)
    clipped = job.cube.clipped(raw.view(RECORD))
    result = SubtreeResult(job.level, job.code)
    owner = node_name(job.level, job.code)
    Path(job.fragment_dir).mkdir(parents=True, exist_ok=True)
    for level in range(job.level):
        chosen = one_per_cell(job.cube, clipped, level)
        code = job.code >> (3 * (job.level - level))
        path = fragment_file(job.fragment_dir, level, code, owner)
        raw.take(chosen).tofile(path)
        result.fragments.append((level, code, str(path)))
        raw, clipped = _without(raw, clipped, chosen)
    _build_node(job, job.level, job.code, raw, clipped, result)
    return result


def _build_node(job: SubtreeJob, level: int, code: int, raw: NDArray[np.void], clipped: I32,
                result: SubtreeResult) -> None:
    """This node's tile, then its children's: points grouped by octant, so children slice."""
    if len(raw) == 0:
        return
    cube = job.cube
    if len(raw) <= job.leaf_points or cube.exponent - level - 1 < 0:
        result.nodes.append(write_node(cube, level, code, raw.view(RECORD), job.content_dir,
                                       job.colour, job.returns))
        return
    chosen = one_per_cell(cube, clipped, level)
    result.nodes.append(write_node(cube, level, code, raw.take(chosen).view(RECORD),
                                   job.content_dir, job.colour, job.returns))
    raw, clipped = _without(raw, clipped, chosen)
    bit = cube.exponent - level - 1
    octant = ((clipped[0] >> bit) & 1).astype(np.uint8)
    octant |= (((clipped[1] >> bit) & 1) << 1).astype(np.uint8)
    octant |= (((clipped[2] >> bit) & 1) << 2).astype(np.uint8)
    # stable (radix) sort: each child keeps the random order its points had
    order = np.argsort(octant, kind="stable")
    raw, clipped = raw.take(order), clipped.take(order, axis=1)
    ends = np.cumsum(np.bincount(octant, minlength=8)).tolist()
    for child in range(8):
        start = ends[child - 1] if child else 0
        _build_node(job, level + 1, (code << 3) | child, raw[start:ends[child]],
                    clipped[:, start:ends[child]], result)


def build_ancestor(job: AncestorJob) -> NodeInfo:
    """Gather an upper node's fragments from every subtree task and write its tile."""
    records = np.concatenate([np.fromfile(path, dtype=RECORD) for path in job.fragments])
    return write_node(job.cube, job.level, job.code, records, job.content_dir, job.colour,
                      job.returns)
