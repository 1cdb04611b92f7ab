"""What a point-cloud build leaves for the next one, so that a changed file rebuilds only the
subtrees it touches (see `tiles.pointcloud.build`).

Kept beside the tileset in ``.<name>.state/``, never served: the frame and cube; per file,
where its points are in the partition's cell files (``cells/``, 20 bytes a point: a rebuild
takes the unchanged files' points there instead of decoding their LAZ again); per subtree
task, its fine cells, its tiles and its fragments of the upper levels (``fragments/``: the
upper levels are rebuilt from every task's fragments, kept and new). The state records the
SHA-256 of the ``tileset.json`` it describes; a state that does not match the tileset on disk
(a build stopped between the two swaps, a tileset replaced by hand) is ignored and the build
is full. So is one of another `STATE_FORMAT`: its cell files hold records of another
layout (format 1: 18 bytes, before return numbers), which must never be read as this one's.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiles.core.ecef import LocalFrame
from tiles.pointcloud.cells import Cube, node_name
from tiles.pointcloud.octree import NodeInfo
from tiles.pointcloud.partition import Run, cell_file

log = logging.getLogger(__name__)

#: The layout of the state and of its cell records (`tiles.pointcloud.cells.RECORD`); also
#: recorded in a layer's build manifest, so tiles of an older layout are rebuilt.
STATE_FORMAT = 2
STATE_FILE = "state.json"
CELLS = "cells"  # the partition's cell files, in the state folder
FRAGMENTS = "fragments"


@dataclass(frozen=True)
class FileState:
    checksum: str
    runs: dict[int, tuple[Run, ...]]  # fine cell -> where its points of this file are

    @property
    def cells(self) -> frozenset[int]:
        return frozenset(self.runs)

    @property
    def jobs(self) -> frozenset[int]:
        """The partition jobs (cell files) holding this file's points."""
        return frozenset(run[0] for runs in self.runs.values() for run in runs)


@dataclass(frozen=True)
class TaskState:
    """A subtree task of the build: its node, fine cells, tiles and upper-level fragments."""

    level: int
    code: int
    cells: tuple[int, ...]
    nodes: tuple[NodeInfo, ...]
    fragments: tuple[tuple[int, int, str], ...]  # level, code, file name in the state folder


@dataclass(frozen=True)
class BuildState:
    tileset_sha256: str
    crs: str
    colour: bool
    frame: LocalFrame
    cube: Cube
    fine_level: int
    files: dict[str, FileState]
    tasks: tuple[TaskState, ...]
    next_job: int  # the first partition job id a rebuild may use
    returns: bool = False  # the tiles carry return numbers


def state_dir(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.state")


def tileset_sha256(out_dir: Path) -> str:
    return hashlib.sha256((out_dir / "tileset.json").read_bytes()).hexdigest()


def write_state(state: BuildState, folder: Path) -> None:
    (folder / STATE_FILE).write_text(json.dumps(_to_json(state), separators=(",", ":")),
                                     encoding="utf-8")


def read_state(out_dir: Path) -> BuildState | None:
    """The state of the tileset in ``out_dir``, or None (with the reason logged) when there
    is none that can be trusted."""
    folder = state_dir(out_dir)
    try:
        state = _from_json(json.loads((folder / STATE_FILE).read_text(encoding="utf-8")))
        if state.tileset_sha256 != tileset_sha256(out_dir):
            log.info("%s: build state is not that of the tileset: full build", out_dir)
            return None
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.info("%s: unreadable build state (%s): full build", out_dir, exc)
        return None
    needed = [folder / name for task in state.tasks for _, _, name in task.fragments]
    needed += [cell_file(folder / CELLS, job) for f in state.files.values() for job in f.jobs]
    needed += [out_dir / "content" / f"{node_name(n.level, n.code)}.glb"
               for task in state.tasks for n in task.nodes]
    missing = [path for path in needed if not path.is_file()]
    if missing:
        log.info("%s: build state lacks %d of its files: full build", out_dir, len(missing))
        return None
    return state


def _to_json(state: BuildState) -> dict[str, Any]:
    return {
        "format": STATE_FORMAT, "tileset_sha256": state.tileset_sha256, "crs": state.crs,
        "colour": state.colour, "returns": state.returns,
        "frame": {"origin": state.frame.origin, "rotation": state.frame.rotation},
        "cube": {"origin": state.cube.origin, "exponent": state.cube.exponent},
        "fine_level": state.fine_level,
        "files": {path: {"checksum": f.checksum,
                         "runs": [[code, [list(run) for run in runs]]
                                  for code, runs in sorted(f.runs.items())]}
                  for path, f in state.files.items()},
        "next_job": state.next_job,
        "tasks": [{"level": t.level, "code": t.code, "cells": t.cells,
                   "nodes": [[n.level, n.code, n.count, n.low, n.high] for n in t.nodes],
                   "fragments": t.fragments} for t in state.tasks],
    }


def _triple(values: list[Any]) -> tuple[Any, Any, Any]:
    first, second, third = values
    return first, second, third


def _from_json(data: dict[str, Any]) -> BuildState:
    if data["format"] != STATE_FORMAT:
        raise ValueError(f"state format {data['format']}, expected {STATE_FORMAT}")
    frame = LocalFrame(origin=_triple([float(v) for v in data["frame"]["origin"]]),
                       rotation=tuple(_triple([float(v) for v in row])
                                      for row in data["frame"]["rotation"]))
    cube = Cube(origin=_triple([float(v) for v in data["cube"]["origin"]]),
                exponent=int(data["cube"]["exponent"]))
    files = {str(path): FileState(str(f["checksum"]), {
        int(code): tuple((int(r[0]), int(r[1]), int(r[2])) for r in runs)
        for code, runs in f["runs"]}) for path, f in data["files"].items()}
    tasks = tuple(
        TaskState(int(t["level"]), int(t["code"]), tuple(int(c) for c in t["cells"]),
                  tuple(NodeInfo(int(n[0]), int(n[1]), int(n[2]), _triple(n[3]), _triple(n[4]))
                        for n in t["nodes"]),
                  tuple((int(f[0]), int(f[1]), str(f[2])) for f in t["fragments"]))
        for t in data["tasks"])
    return BuildState(str(data["tileset_sha256"]), str(data["crs"]), bool(data["colour"]),
                      frame, cube, int(data["fine_level"]), files, tasks, int(data["next_job"]),
                      bool(data["returns"]))
