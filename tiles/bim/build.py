"""``twin build bim LAYER``: the 3D Tiles 1.1 tileset of a BIM layer's current model.

The model the layer's current version was loaded from is read again (its kept copy) and
placed as the version records; IfcOpenShell's iterator builds the shapes on every core.
Heights go through the geoid of the placement's vertical datum to ECEF (PROJ with the grids
the store ships: a datum without a shipped geoid is refused, never placed metres off).
The tree: the shell (walls, slabs, roofs, columns, beams, curtain walls...) is the root's
content, seen from afar; the other elements (doors, windows, spaces, furniture...) are
leaves of a quadtree over their centres (refine ADD), loaded as the camera comes close.
In a tile, a geometry several elements map (one door type) is written once and drawn
with ``EXT_mesh_gpu_instancing``, feature ids per instance (``EXT_instance_features``).
The folder is written beside ``tiles_dir/<layer>`` and swapped in (`tiles.core.swap`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine

from gis.bim.georef import PLACEMENT_FLAGS, Placement
from gis.bim.spill import SpillReader
from gis.bim.store import stored_model
from gis.errors import GeodesyError
from gis.geodesy import GEOID_GRIDS, Box, transformer
from tiles.bim.content import (
    ContentResult,
    ElementTriangles,
    InstanceGroup,
    Region,
    write_content,
)
from tiles.bim.placed import UNSHARED, EcefPlacer, ModelIndex, model_geometry, placed_elements
from tiles.core.swap import atomic_folder
from tiles.core.tileset import Tile, region_volume, tile, tileset_document, write_tileset
from tiles.errors import BuildInputError

#: IFC classes drawn at the coarse level (the building's shell and structure)
SHELL_CLASSES = ("IfcWall", "IfcWallStandardCase", "IfcSlab", "IfcRoof", "IfcColumn",
                 "IfcBeam", "IfcCurtainWall", "IfcPlate", "IfcMember", "IfcFooting",
                 "IfcStair", "IfcStairFlight", "IfcRamp", "IfcRailing", "IfcCovering")
DEFAULT_MAX_ELEMENTS = 500
#: what a Dask worker imports before its first tile (`tiles.engine.cluster.build_engine`)
TASK_MODULES = ("tiles.bim.build",)
#: a geometry drawn by at least this many elements of a tile is instanced
INSTANCE_MIN = 4
#: the most shell elements drawn in the root tile (more: everything goes to the quadtree)
ROOT_MAX_ELEMENTS = 3000
#: geometricError of a tile per metre of its side (as the building tiles)
ERROR_PER_METRE = 0.1
MAX_DEPTH = 12
#: metres around the elements' centres that the transformation to ECEF is chosen for
#: (`gis.geodesy.transformer`'s ``within``: PROJ's search for it then costs nothing)
WITHIN_MARGIN = 500.0


@dataclass(frozen=True)
class BimTilesetReport:
    path: Path
    elements: int
    triangles: int
    tiles: int
    bytes: int
    seconds: float


@dataclass
class _Node:
    bounds: tuple[float, float, float, float]
    members: list[int]
    children: list[_Node]
    level: int = 0
    x: int = 0
    y: int = 0


def geoid_checked(placement: Placement) -> str:
    """The placement's 3D CRS, when the store ships its vertical datum's geoid."""
    code = placement.vertical_crs.split(":")[1] if placement.vertical_crs else None
    if code is None or int(code) not in GEOID_GRIDS:
        datum = placement.vertical_crs or "none"
        raise BuildInputError(
            f"the model's heights are in {datum}, a vertical datum without a shipped geoid "
            f"grid ({', '.join(f'EPSG:{c}' for c in GEOID_GRIDS)}): place it with "
            f"{PLACEMENT_FLAGS} and a compound --crs such as EPSG:31370+5710")
    return placement.compound_crs


@dataclass(frozen=True)
class TileTask:
    """One tile to write: plain values, so that any process (a Dask worker) can run it
    from the spill folder alone."""

    spill: Path
    placement: Placement
    label: str
    instance_min: int
    path: Path
    members: list[int]
    within: Box | None = None  # the model's plan box, in the placement's CRS


def write_tile(task: TileTask) -> ContentResult:
    """Write one tile: geometries used by at least ``instance_min`` of its elements as
    instances, the others as their own exact ECEF triangles."""
    spill = SpillReader.open(task.spill)
    if spill is None:
        raise BuildInputError(f"{task.label}: its spilled geometry at {task.spill} is gone")
    placer = EcefPlacer(task.placement, _to_ecef(task.placement.compound_crs, task.within),
                        task.label)
    elements, geometries = placed_elements(spill, task.members)
    uses = Counter(e.key for e in elements)
    shared = {key for key, count in uses.items()
              if count >= task.instance_min and not key.startswith(UNSHARED)}
    own = [e for e in elements if e.key not in shared]
    corners = placer.exact(own, geometries) if own else []
    triangles = [ElementTriangles(corners=c, colours=geometries[e.key].colours,
                                  attributes=e.attributes)
                 for e, c in zip(own, corners, strict=True)]
    groups = []
    for key in sorted(shared):
        instances = [e for e in elements if e.key == key]
        linear, origin = placer.affine(instances)
        geometry = geometries[key]
        groups.append(InstanceGroup(
            vertices=geometry.vertices, faces=geometry.faces, colours=geometry.colours,
            linear=linear, translation=origin, attributes=[e.attributes for e in instances]))
    return write_content(task.path, triangles, groups)


def _to_ecef(crs: str, within: Box | None) -> Any:
    try:
        return transformer(crs, "EPSG:4978", within=within)
    except GeodesyError as exc:
        raise BuildInputError(str(exc)) from exc


def _plan_box(centres: np.ndarray) -> Box | None:
    if not len(centres):
        return None
    low, high = centres.min(axis=0) - WITHIN_MARGIN, centres.max(axis=0) + WITHIN_MARGIN
    return (float(low[0]), float(low[1]), float(high[0]), float(high[1]))


def _partition(centres: np.ndarray, members: list[int], max_elements: int) -> _Node:
    low, high = centres[members].min(axis=0), centres[members].max(axis=0)
    side = float(max(high - low)) + 1e-6
    root = _Node((float(low[0]), float(low[1]), float(low[0]) + side, float(low[1]) + side),
                 members, [])
    stack = [root]
    while stack:
        node = stack.pop()
        if len(node.members) <= max_elements or node.level >= MAX_DEPTH:
            continue
        x0, y0, x1, y1 = node.bounds
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        ids = np.asarray(node.members)
        east = centres[ids, 0] >= mx
        north = centres[ids, 1] >= my
        for qx, qy in ((0, 0), (1, 0), (0, 1), (1, 1)):
            bounds = (mx if qx else x0, my if qy else y0, x1 if qx else mx, y1 if qy else my)
            inside = ids[(east == bool(qx)) & (north == bool(qy))].tolist()
            if inside:
                child = _Node(bounds, inside, [], node.level + 1, node.x * 2 + qx,
                              node.y * 2 + qy)
                node.children.append(child)
                stack.append(child)
        node.members = []
    return root


def _union(regions: list[Region]) -> Region:
    return (min(r[0] for r in regions), min(r[1] for r in regions),
            max(r[2] for r in regions), max(r[3] for r in regions),
            min(r[4] for r in regions), max(r[5] for r in regions))


def _leaves(root: _Node) -> list[_Node]:
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        if node.children:
            stack.extend(reversed(node.children))
        else:
            found.append(node)
    return found


def _leaf_name(node: _Node) -> str:
    return f"content/{node.level}_{node.x}_{node.y}.glb"


@dataclass(frozen=True)
class _Plan:
    """The tiles to write: the shell as the root's content (or none) and a quadtree."""

    shell: list[int]
    tree: _Node | None

    def contents(self) -> list[tuple[str, list[int]]]:
        leaves = _leaves(self.tree) if self.tree is not None else []
        return ([("content/root.glb", self.shell)] if self.shell else []) + [
            (_leaf_name(leaf), leaf.members) for leaf in leaves]


def _plan(shell: list[int], rest: list[int], centres: np.ndarray, max_elements: int) -> _Plan:
    """The shell as the root's content with the rest in a quadtree below it; a model
    without a shell, or with one too big for one tile, is a quadtree of all elements."""
    if not shell or len(shell) > ROOT_MAX_ELEMENTS:
        return _Plan([], _partition(centres, shell + rest, max_elements))
    return _Plan(shell, _partition(centres, rest, max_elements) if rest else None)


def _assemble(node: _Node, results: dict[str, ContentResult]) -> tuple[Tile, Region]:
    if not node.children:
        result = results[_leaf_name(node)]
        return tile(region_volume(result.region), 0.0, content_uri=_leaf_name(node)), \
            result.region
    children = [_assemble(child, results) for child in node.children]
    region = _union([r for _, r in children])
    side = node.bounds[2] - node.bounds[0]
    return tile(region_volume(region), max(side * ERROR_PER_METRE, 0.5),
                children=[t for t, _ in children]), region


def _root_tile(plan: _Plan, results: dict[str, ContentResult], centres: np.ndarray) -> Tile:
    if not plan.shell:
        assert plan.tree is not None  # a plan has a shell or a tree
        return _assemble(plan.tree, results)[0]
    result = results["content/root.glb"]
    if plan.tree is None:
        return tile(region_volume(result.region), 0.0, content_uri="content/root.glb")
    child, child_region = _assemble(plan.tree, results)
    size = float(np.ptp(centres, axis=0).max())
    error = max(size * ERROR_PER_METRE, float(child["geometricError"]) + 0.5, 1.0)
    return tile(region_volume(_union([result.region, child_region])), error,
                content_uri="content/root.glb", children=[child])


def _run(tasks: list[TileTask], folder: Path, executor: Executor | None,
         progress: Callable[[int], None] | None) -> dict[str, ContentResult]:
    """Write every tile, in this process or as the executor's tasks (independent: each
    reads the spill and writes its own file)."""
    results: dict[str, ContentResult] = {}
    done = 0

    def finished(task: TileTask, result: ContentResult) -> None:
        nonlocal done
        results[task.path.relative_to(folder).as_posix()] = result
        done += len(task.members)
        if progress:
            progress(done)

    if executor is None:
        for task in tasks:
            finished(task, write_tile(task))
        return results
    futures = {executor.submit(write_tile, task): task for task in tasks}
    for future in as_completed(futures):
        finished(futures[future], future.result())
    return results


def build_bim_tileset(model: Path, placement: Placement, target: Path, *, threads: int = 2,
                      max_elements: int = DEFAULT_MAX_ELEMENTS, version: str | None = None,
                      extras: dict[str, Any] | None = None, instance_min: int = INSTANCE_MIN,
                      progress: Callable[[int], None] | None = None,
                      executor: Executor | None = None) -> BimTilesetReport:
    """Write the tileset of the model at ``model`` placed by ``placement`` into ``target``
    (its tiles as ``executor``'s tasks when one is given: a Dask cluster)."""
    started = time.perf_counter()
    crs = geoid_checked(placement)
    with model_geometry(model, threads) as spill:
        if not spill.elements:
            raise BuildInputError(f"{model.name}: no element has geometry")
        index = ModelIndex.of(spill, placement)
        within = _plan_box(index.centres)
        _to_ecef(crs, within)  # a CRS PROJ cannot take to ECEF fails before any tile
        shell = [i for i, c in enumerate(index.classes) if c in SHELL_CLASSES]
        rest = [i for i, c in enumerate(index.classes) if c not in SHELL_CLASSES]
        plan = _plan(shell, rest, index.centres, max_elements)
        with atomic_folder(target, "bim") as staging:
            tasks = [TileTask(spill.folder, placement, model.name, instance_min,
                              staging / name, members, within)
                     for name, members in plan.contents()]
            results = _run(tasks, staging, executor, progress)
            root = _root_tile(plan, results, index.centres)
            geometric_error = float(root["geometricError"]) * 2 + 1.0
            document = tileset_document(
                root, version=version or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
                generator="commune-twin tiles.bim", geometric_error=geometric_error,
                extras={"elements": len(index.classes), "crs": placement.compound_crs,
                        **(extras or {})})
            write_tileset(staging, document, indent=1)
    written = list(results.values())
    return BimTilesetReport(path=target, elements=len(index.classes),
                            triangles=sum(r.triangles for r in written), tiles=len(written),
                            bytes=sum(r.size for r in written),
                            seconds=time.perf_counter() - started)


def build_layer_bim(engine: Engine, layer_id: str, tiles_dir: Path, *, threads: int = 2,
                    progress: Callable[[int], None] | None = None,
                    executor: Executor | None = None) -> BimTilesetReport:
    """The tileset of a BIM layer's current version, into ``tiles_dir/<layer>``."""
    stored = stored_model(engine, layer_id)
    return build_bim_tileset(
        stored.model, stored.placement, tiles_dir / layer_id, threads=threads,
        version=f"v{stored.version}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}",
        extras={"layer": layer_id, "layerVersion": stored.version,
                "placement": stored.placement.method}, progress=progress, executor=executor)
