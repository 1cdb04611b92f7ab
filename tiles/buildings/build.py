"""Build a LOD1 building tileset (3D Tiles 1.1) from footprints and heights.

The footprints are partitioned in a quadtree first (cheap: only their centres), then every leaf
is an independent task -- extrude, transform, write a glb -- run by any
`concurrent.futures.Executor` (local processes by default; a Dask ``client.get_executor()``
works the same), and finally the tileset.json is written from the leaves' regions. The output
is written beside the target folder and swapped in at the end, so a failed build leaves the
previous tileset intact.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from gis.workers import process_pool
from tiles.buildings.content import ContentResult, ContentTask, write_content
from tiles.buildings.hierarchy import QuadNode, partition, tileset_json
from tiles.buildings.metadata import PropertySpec
from tiles.core.swap import atomic_folder
from tiles.core.tileset import write_tileset
from tiles.errors import BuildInputError

DEFAULT_MAX_FEATURES = 1500


@dataclass(frozen=True)
class BuildingSet:
    """Buildings ready to extrude: WKB footprints in ``crs`` with heights in its datum.

    ``crs`` is horizontal + vertical (``EPSG:28992+5709``) when ground and roof are
    orthometric; a 2D CRS means the heights are taken as ellipsoidal. ``columns`` holds one
    array per property of ``properties`` (the per-building metadata).
    """

    crs: str
    wkb: NDArray[np.object_]
    ground: NDArray[np.float64]
    roof: NDArray[np.float64]
    properties: tuple[PropertySpec, ...]
    columns: dict[str, NDArray[Any]]

    def __len__(self) -> int:
        return int(self.wkb.shape[0])

    def check(self) -> None:
        """Refuse inconsistent input before any work is started."""
        n = len(self)
        if n == 0:
            raise BuildInputError("no building has a height: run `twin build heights` first")
        for name, values in {"ground": self.ground, "roof": self.roof, **self.columns}.items():
            if len(values) != n:
                raise BuildInputError(f"column {name!r} has {len(values)} values for {n} buildings")
        bad = np.flatnonzero(~np.isfinite(self.ground) | ~np.isfinite(self.roof))
        if bad.size:
            raise BuildInputError(f"building #{int(bad[0])} has no finite ground/roof height")
        missing = {p.name for p in self.properties} - self.columns.keys()
        if missing:
            raise BuildInputError(f"no values for the properties {sorted(missing)}")


@dataclass(frozen=True)
class TilesetReport:
    """What a build wrote."""

    path: Path
    buildings: int
    tiles: int
    vertices: int
    triangles: int
    bytes: int
    seconds: float


def _centres(wkb: NDArray[np.object_]) -> NDArray[np.float64]:
    bounds = shapely.bounds(shapely.from_wkb(wkb))
    if not np.all(np.isfinite(bounds)):
        raise BuildInputError("a footprint is empty or not readable WKB")
    return np.column_stack([(bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2])


def _task(buildings: BuildingSet, leaf: QuadNode, folder: Path) -> ContentTask:
    members = leaf.members
    return ContentTask(
        path=folder / "content" / str(leaf.level) / f"{leaf.x}_{leaf.y}.glb",
        crs=buildings.crs,
        wkb=list(buildings.wkb[members]),
        ground=buildings.ground[members],
        roof=buildings.roof[members],
        properties=buildings.properties,
        columns={name: np.asarray(values)[members] for name, values in buildings.columns.items()},
    )


def _run(
    tasks: list[ContentTask], executor: Executor | None, progress: Callable[[int], None] | None
) -> list[ContentResult]:
    own = executor is None
    pool = executor or process_pool(len(tasks))
    try:
        futures: list[Future[ContentResult]] = [pool.submit(write_content, t) for t in tasks]
        results = []
        for task, future in zip(tasks, futures, strict=True):
            results.append(future.result())
            if progress:
                progress(len(task.wkb))
        return results
    finally:
        if own:
            pool.shutdown(cancel_futures=True)


def build_tileset(
    buildings: BuildingSet,
    target: Path,
    *,
    executor: Executor | None = None,
    max_features: int = DEFAULT_MAX_FEATURES,
    extras: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
    version: str | None = None,
) -> TilesetReport:
    """Write the tileset of ``buildings`` into ``target`` (a folder, replaced atomically);
    ``version`` (``asset.tilesetVersion``) defaults to the build's UTC time."""
    started = time.perf_counter()
    buildings.check()
    root = partition(_centres(buildings.wkb), max_features)
    leaves = root.leaves()
    with atomic_folder(target, "building") as staging:
        tasks = [_task(buildings, leaf, staging) for leaf in leaves]
        results = _run(tasks, executor, progress)
        uris = {}
        for leaf, result in zip(leaves, results, strict=True):
            leaf.region = result.region
            uris[leaf.name] = result.path.relative_to(staging).as_posix()
        version = version or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        document = tileset_json(root, uris, version, {"buildings": len(buildings),
                                                      "crs": buildings.crs, **(extras or {})})
        write_tileset(staging, document, indent=1)
    return TilesetReport(
        path=target, buildings=len(buildings), tiles=len(results),
        vertices=sum(r.vertices for r in results), triangles=sum(r.triangles for r in results),
        bytes=sum(r.size for r in results), seconds=time.perf_counter() - started,
    )


def columns_of(records: Sequence[dict[str, Any]], properties: tuple[PropertySpec, ...]
               ) -> dict[str, NDArray[Any]]:
    """Property columns from row dicts (small inputs: tests, CLI on a few buildings)."""
    return {p.name: np.asarray([r[p.name] for r in records],
                               dtype=object if p.component is None else None)
            for p in properties}
