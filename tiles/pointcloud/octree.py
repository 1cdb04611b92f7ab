"""Stages 2 and 3: levels of detail, one independent task per subtree, then the ancestors.

A subtree task owns every point under one octree node (bounded by the planner). It shuffles
them, then walks down from the root: at each ancestor level it keeps one point per sampling
cell (a fragment of that ancestor's content, written to disk), then builds its own subtree the
same way until a node holds few enough points to be a leaf. Because sampling cells never cross
node boundaries, the fragments of all tasks together are exactly the global sample. Refinement
is ADD: every point is in exactly one tile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from tiles.pointcloud.cells import RECORD, Cube, node_name, one_per_cell
from tiles.pointcloud.glb import write_glb
from tiles.pointcloud.partition import cell_file

LEAF_POINTS = 40_000


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
    cells: tuple[tuple[int, int], ...]  # (fine code, partition job id) of its cell files
    cube: Cube
    work_dir: str
    content_dir: str
    colour: bool
    leaf_points: int = LEAF_POINTS


@dataclass
class SubtreeResult:
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


def fragment_file(work_dir: str, level: int, code: int, owner: str) -> Path:
    return Path(work_dir) / "fragments" / f"{node_name(level, code)}-{owner}.bin"


def write_node(cube: Cube, level: int, code: int, records: NDArray[np.void], content_dir: str,
               colour: bool) -> NodeInfo:
    """Write one tile's glb; positions float32 about the node centre."""
    centre = np.asarray(cube.node_centre_mm(level, code), dtype=np.int64)
    xyz = np.column_stack([records["x"], records["y"], records["z"]]).astype(np.int64)
    positions = ((xyz - centre).astype(np.float64) / 1000.0).astype(np.float32)
    # rounded to the micrometre: the same node gets the same bytes whichever process built it
    translation = tuple(round(o + c / 1000.0, 6) for o, c in zip(cube.origin, centre, strict=True))
    write_glb(Path(content_dir) / f"{node_name(level, code)}.glb", positions, records,
              (translation[0], translation[1], translation[2]), colour)
    low, high = xyz.min(axis=0), xyz.max(axis=0)
    return NodeInfo(level, code, len(records), (int(low[0]), int(low[1]), int(low[2])),
                    (int(high[0]), int(high[1]), int(high[2])))


def build_subtree(job: SubtreeJob) -> SubtreeResult:
    """Run one subtree task (plain picklable function, for any executor)."""
    parts = [np.fromfile(cell_file(job.work_dir, code, owner), dtype=RECORD)
             for code, owner in job.cells]
    records = np.concatenate(parts) if parts else np.empty(0, dtype=RECORD)
    rng = np.random.default_rng(job.code * 1_000_003 + job.level)
    records = records[rng.permutation(len(records))]
    result = SubtreeResult()
    owner = node_name(job.level, job.code)
    (Path(job.work_dir) / "fragments").mkdir(parents=True, exist_ok=True)
    for level in range(job.level):
        clipped = job.cube.clipped(records)
        chosen = one_per_cell(job.cube, clipped, level)
        path = fragment_file(job.work_dir, level, job.code >> (3 * (job.level - level)), owner)
        records[chosen].tofile(path)
        result.fragments.append((level, job.code >> (3 * (job.level - level)), str(path)))
        keep = np.ones(len(records), dtype=bool)
        keep[chosen] = False
        records = records[keep]
    _build_node(job, job.level, job.code, records, result)
    return result


def _build_node(job: SubtreeJob, level: int, code: int, records: NDArray[np.void],
                result: SubtreeResult) -> None:
    if len(records) == 0:
        return
    cube = job.cube
    if len(records) <= job.leaf_points or cube.exponent - level - 1 < 0:
        result.nodes.append(write_node(cube, level, code, records, job.content_dir, job.colour))
        return
    clipped = cube.clipped(records)
    chosen = one_per_cell(cube, clipped, level)
    result.nodes.append(write_node(cube, level, code, records[chosen], job.content_dir,
                                   job.colour))
    keep = np.ones(len(records), dtype=bool)
    keep[chosen] = False
    rest, rest_clipped = records[keep], clipped[keep]
    bit = cube.exponent - level - 1
    octant = (((rest_clipped[:, 0] >> bit) & 1) | (((rest_clipped[:, 1] >> bit) & 1) << 1)
              | (((rest_clipped[:, 2] >> bit) & 1) << 2))
    del clipped, rest_clipped
    for child in range(8):
        _build_node(job, level + 1, (code << 3) | child, rest[octant == child], result)


def build_ancestor(job: AncestorJob) -> NodeInfo:
    """Gather an upper node's fragments from every subtree task and write its tile."""
    records = np.concatenate([np.fromfile(path, dtype=RECORD) for path in job.fragments])
    return write_node(job.cube, job.level, job.code, records, job.content_dir, job.colour)
