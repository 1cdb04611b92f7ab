"""Build a terrain folder from DTMs, remaking only the tiles whose DTM cells changed.

Output: ``<out>/layer.json``, ``<out>/{z}/{x}/{y}.terrain`` (gzip, served as stored),
``source.json`` (the source layer ids, which decide who may read the terrain) and
``build.json``, the manifest: per tile, a digest of the build parameters and of the DTM
cells it reads (`sampling.window_digest`). A re-run after a DTM changed (a new LiDAR tile
in the mosaic) reads each tile's window, and meshes, encodes and writes only the tiles whose
digest moved, at every level; tiles no longer covered are removed. Each file is written
beside its target and renamed over it, so a reader never sees half a tile, and the manifest
is written last: a build killed midway is redone where it stopped.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tiles.errors import BuildInputError, TilesetWriteError
from tiles.terrain.encoding import QUANTIZED_MAX, TileMesh, encode
from tiles.terrain.layerjson import layer_json, metadata_of
from tiles.terrain.meshing import Mesh, regular_mesh, tin_mesh
from tiles.terrain.sampling import DemSource, ellipsoidal_heights, window_digest
from tiles.terrain.scheme import (
    FIRST_TIN_LEVEL,
    TileId,
    cells_per_tile,
    finest_level,
    level_geometric_error,
    roots,
    tile_bounds,
    tiles_covering,
)

MANIFEST = "build.json"
SOURCE = "source.json"
LAYER = "layer.json"
#: bump when the bytes a tile gets from the same inputs change
ENCODER_VERSION = 1
GZIP_LEVEL = 6


@dataclass(frozen=True)
class DemInput:
    """A DTM to build from: its source layer id, COG path and compound CRS."""

    layer_id: str
    path: Path
    crs: str


@dataclass
class TerrainBuild:
    """What a build did: tiles written, kept as they were, removed."""

    out: Path
    max_zoom: int
    written: list[TileId] = field(default_factory=list)
    kept: list[TileId] = field(default_factory=list)
    removed: list[TileId] = field(default_factory=list)
    vertices: list[int] = field(default_factory=list)


def tolerance(z: int, max_zoom: int, finest_error: float) -> float:
    """The mesh error allowed at level ``z``: half the level's geometric error, and the
    finest error asked for at the last level."""
    return finest_error if z >= max_zoom else level_geometric_error(z) / 2


def tile_set(sources: Sequence[DemSource], max_zoom: int) -> list[TileId]:
    """The tiles of every level that a DTM touches, and both roots."""
    tiles = set(roots())
    for source in sources:
        for z in range(1, max_zoom + 1):
            tiles.update(tiles_covering(source.box, z))
    return sorted(tiles)


def sample_grid(sources: Sequence[DemSource], tile: TileId) -> np.ndarray:
    """The tile's ellipsoidal heights on its sample grid, row 0 in the south."""
    west, south, east, north = tile_bounds(tile)
    n = cells_per_tile(tile.z)
    lon, lat = np.meshgrid(np.linspace(west, east, n + 1), np.linspace(south, north, n + 1))
    heights, _ = ellipsoidal_heights(sources, tile.z, lon, lat)
    return heights


def make_tile(sources: Sequence[DemSource], tile: TileId, max_zoom: int,
              finest_error: float) -> TileMesh:
    """Sample, mesh and place one tile."""
    grid = sample_grid(sources, tile)
    mesh: Mesh = (tin_mesh(grid, tolerance(tile.z, max_zoom, finest_error))
                  if tile.z >= FIRST_TIN_LEVEL else regular_mesh(grid))
    return placed(mesh, tile, grid.shape[0] - 1)


def placed(mesh: Mesh, tile: TileId, n: int) -> TileMesh:
    """A grid-unit mesh of ``n`` cells a side at its tile's lon/lat, quantized u/v."""
    west, south, east, north = tile_bounds(tile)
    lon = np.where(mesh.col == n, east, west + (east - west) * mesh.col / n)
    lat = np.where(mesh.row == n, north, south + (north - south) * mesh.row / n)
    u = np.rint(mesh.col * QUANTIZED_MAX / n).astype(np.int64)
    v = np.rint(mesh.row * QUANTIZED_MAX / n).astype(np.int64)
    return TileMesh((west, south, east, north), lon, lat, mesh.height, mesh.triangles, u, v)


def _digest(sources: Sequence[DemSource], tile: TileId, params: str) -> str:
    digest = hashlib.blake2b(params.encode(), digest_size=16)
    for source in sources:
        window = window_digest(source, tile.z, tile_bounds(tile))
        digest.update((window or "-").encode())
    return digest.hexdigest()


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        raise TilesetWriteError(f"{path}: cannot write: {exc}") from exc


def _read_manifest(out: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((out / MANIFEST).read_text())
    except (OSError, ValueError):
        return {"tiles": {}}
    return manifest if isinstance(manifest, dict) else {"tiles": {}}


def build_terrain(inputs: Sequence[DemInput], out: Path, *, max_zoom: int | None = None,
                  finest_error: float = 0.15, force: bool = False,
                  progress: Callable[[int, int], None] | None = None,
                  executor: Executor | None = None, lanes: int | None = None
                  ) -> TerrainBuild:
    """Build or update the terrain folder ``out`` from DTMs (first one wins where they
    overlap).

    Without ``executor`` the tiles are made here, one after the other. With one (a
    `tiles.engine` Dask executor, ``lanes`` its threads) the changed tiles go out in batches
    of neighbours (`make_tiles`), each task opening the DTMs itself and writing its own
    files: any worker runs any batch, and a retried batch rewrites only its tiles. Here stay
    the digests (which tiles changed), the removals and the entry documents, written last.
    """
    if not inputs:
        raise BuildInputError("no DTM to build terrain from")
    if not 0.01 <= finest_error <= 100:
        raise BuildInputError(f"finest error {finest_error} m is outside 0.01..100 m")
    sources = [DemSource.open(dem.path, dem.crs) for dem in inputs]
    try:
        zoom = max_zoom if max_zoom is not None else finest_level(
            min(s.resolution for s in sources))
        if not 0 <= zoom <= 22:
            raise BuildInputError(f"max zoom {zoom} is outside 0..22")
        plan = TilePlan(inputs, out, zoom, finest_error)
        return _build(plan, sources, force, progress, executor, lanes)
    finally:
        for source in sources:
            source.close()


@dataclass(frozen=True)
class TilePlan:
    """What every tile task shares: the DTMs, the folder, the levels and the error."""

    inputs: Sequence[DemInput]
    out: Path
    zoom: int
    finest_error: float

    def path(self, tile: TileId) -> Path:
        return self.out / f"{tile.z}" / f"{tile.x}" / f"{tile.y}.terrain"


#: a changed tile to make, with the availability metadata it carries
TileJob = tuple[TileId, dict[str, Any] | None]
#: batches per cluster thread: small enough to balance, big enough to open DTMs rarely
BATCHES_PER_LANE = 4
MAX_BATCH = 256


def _make_and_write(sources: Sequence[DemSource], plan: TilePlan, job: TileJob) -> int:
    """Make one tile and write its file; its vertex count."""
    tile, metadata = job
    mesh = make_tile(sources, tile, plan.zoom, plan.finest_error)
    _write(plan.path(tile), gzip.compress(encode(mesh, metadata), compresslevel=GZIP_LEVEL,
                                          mtime=0))
    return len(np.unique(mesh.triangles))


def make_tiles(plan: TilePlan, jobs: Sequence[TileJob]) -> list[int]:
    """A task of any worker: make and write a batch of tiles (the DTMs opened here, at the
    same paths on every worker); their vertex counts."""
    sources = [DemSource.open(dem.path, dem.crs) for dem in plan.inputs]
    try:
        return [_make_and_write(sources, plan, job) for job in jobs]
    finally:
        for source in sources:
            source.close()


def _build(plan: TilePlan, sources: Sequence[DemSource], force: bool,
           progress: Callable[[int, int], None] | None, executor: Executor | None,
           lanes: int | None) -> TerrainBuild:
    out, zoom = plan.out, plan.zoom
    tiles = tile_set(sources, zoom)
    existing = _read_manifest(out).get("tiles", {})
    previous = {} if force else existing
    result = TerrainBuild(out, zoom)
    digests: dict[str, str] = {}
    jobs: list[TileJob] = []
    for done, tile in enumerate(tiles, 1):
        metadata = metadata_of(tile, tiles, zoom)  # the subtree's availability it carries
        params = json.dumps([ENCODER_VERSION, zoom, plan.finest_error,
                             [str(d.path) for d in plan.inputs], tile.key, metadata])
        digests[tile.key] = _digest(sources, tile, params)
        if previous.get(tile.key) == digests[tile.key] and plan.path(tile).is_file():
            result.kept.append(tile)
        elif executor is None:  # in-process: made as met, the DTMs already open
            result.vertices.append(_make_and_write(sources, plan, (tile, metadata)))
            result.written.append(tile)
        else:
            jobs.append((tile, metadata))
        if progress and executor is None:
            progress(done, len(tiles))
    if executor is not None:
        result.vertices = _make_on(executor, lanes, plan, jobs, len(result.kept), len(tiles),
                                   progress)
        result.written = [tile for tile, _ in jobs]
    _finish(plan, sources, tiles, existing, digests, result)
    return result


def _make_on(executor: Executor, lanes: int | None, plan: TilePlan, jobs: Sequence[TileJob],
             kept: int, total: int, progress: Callable[[int, int], None] | None) -> list[int]:
    """The jobs in batches of neighbouring tiles on ``executor``; vertex counts in job order,
    progress advancing as each batch completes."""
    size = max(1, min(MAX_BATCH, -(-len(jobs) // ((lanes or 1) * BATCHES_PER_LANE))))
    batches = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    futures = {executor.submit(make_tiles, plan, batch): index
               for index, batch in enumerate(batches)}
    counts: dict[int, list[int]] = {}
    done = kept
    if progress:
        progress(done, total)
    try:
        for future in as_completed(futures):
            counts[futures[future]] = future.result()
            done += len(counts[futures[future]])
            if progress:
                progress(done, total)
    finally:
        for future in futures:
            future.cancel()
    return [count for index in range(len(batches)) for count in counts[index]]


def _finish(plan: TilePlan, sources: Sequence[DemSource], tiles: Sequence[TileId],
            existing: dict[str, Any], digests: dict[str, str], result: TerrainBuild) -> None:
    """Remove the tiles no longer covered, then write the entry documents, manifest last."""
    out, zoom = plan.out, plan.zoom
    current = {t.key for t in tiles}
    for key in sorted(set(existing) - current):
        z, x, y = map(int, key.split("/"))
        (out / f"{z}" / f"{x}" / f"{y}.terrain").unlink(missing_ok=True)
        result.removed.append(TileId(z, x, y))
    boxes = [s.box for s in sources]
    bounds = [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
              max(b[3] for b in boxes)]
    version = hashlib.blake2b(json.dumps(digests, sort_keys=True).encode(),
                              digest_size=8).hexdigest()
    _write(out / SOURCE, json.dumps({"layers": [d.layer_id for d in plan.inputs]}).encode())
    _write(out / LAYER, json.dumps(layer_json(out.name, tiles, zoom, bounds, version)).encode())
    _write(out / MANIFEST, json.dumps({"max_zoom": zoom, "tiles": digests}).encode())
