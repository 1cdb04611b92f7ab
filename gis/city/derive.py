"""Derive and store the heights of a building layer: from LiDAR, or from floor counts.

LiDAR: the footprints are processed file by file (each footprint with the file holding its
centre, reading points from every file within the window of those footprints plus a margin),
so memory follows one LiDAR tile at a time. Files ingested from object storage are read at
their URL with the storage options each task carries (a plain dict, like the DEM tasks). The
run records the LiDAR layer's version and the checksums of its files, the method and its
parameters; a new run replaces the old one in one transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from sqlalchemy import Connection, Engine

from gis import registry
from gis.city import sql
from gis.city.heights import HeightParameters, Heights, derive_heights
from gis.city.points import LidarFile, read_window
from gis.errors import HeightsError, InvalidLayerSpec
from gis.geodesy import transformer
from gis.lidar import sql as lidar_sql
from gis.lidar.source import is_url, task_options
from gis.workers import process_pool

Progress = Callable[[int], None]
DEFAULT_STOREY_HEIGHT = 3.0


@dataclass(frozen=True)
class HeightRun:
    """What a run stored: how many buildings got a height, and why the others did not."""

    layer_id: str
    run_id: int
    buildings: int
    measured: int
    flags: dict[str, int]
    method: str


@dataclass(frozen=True)
class LidarSource:
    """The files of a LiDAR layer, its CRS (``EPSG:h+v``) and version."""

    layer_id: str
    version: int | None
    horizontal: int
    vertical: int | None
    files: list[LidarFile]


def lidar_source(conn: Connection, lidar_layer_id: str) -> LidarSource:
    layer = registry.get_layer(conn, lidar_layer_id)
    if layer.spec.kind != "lidar":
        raise HeightsError(f"layer {lidar_layer_id!r} is a {layer.spec.kind} layer, not LiDAR")
    rows = lidar_sql.files_of(conn, lidar_layer_id)
    if not rows:
        raise HeightsError(f"LiDAR layer {lidar_layer_id!r} has no files")
    files = [LidarFile(_file_path(r["path"]), (r["min_x"], r["min_y"], r["max_x"], r["max_y"]),
                       r["checksum"]) for r in rows]
    return LidarSource(lidar_layer_id, layer.current_version, int(rows[0]["horizontal_epsg"]),
                       rows[0]["vertical_epsg"], files)


def _file_path(indexed: str) -> str | Path:
    """A local index path as a `Path`; a URL stays a string (`Path` would fold its ``//``)."""
    return indexed if is_url(indexed) else Path(indexed)


def _in_lidar_crs(wkb: list[bytes], srid: int, lidar: LidarSource) -> NDArray[np.object_]:
    geometries = shapely.from_wkb(wkb)
    if srid == lidar.horizontal:
        return np.asarray(geometries, dtype=object)
    move = transformer(f"EPSG:{srid}", f"EPSG:{lidar.horizontal}")
    return np.asarray(shapely.transform(geometries, lambda xy: np.column_stack(
        move.transform(xy[:, 0], xy[:, 1]))), dtype=object)


def _owner_file(centres: NDArray[np.float64], files: list[LidarFile]) -> NDArray[np.int64]:
    owner = np.full(centres.shape[0], -1, dtype=np.int64)
    for index, item in enumerate(files):
        minx, miny, maxx, maxy = item.bounds
        inside = ((centres[:, 0] >= minx) & (centres[:, 0] <= maxx)
                  & (centres[:, 1] >= miny) & (centres[:, 1] <= maxy) & (owner < 0))
        owner[inside] = index
    return owner


def _measure_block(wkb: list[bytes], files: list[LidarFile],
                   window: tuple[float, float, float, float],
                   params: HeightParameters,
                   storage_options: Mapping[str, Any] | None = None) -> Heights:
    """One block of footprints with the points of its window (runs in a worker process)."""
    geometries = np.asarray(shapely.from_wkb(wkb), dtype=object)
    return derive_heights(geometries, read_window(files, window, storage_options), params)


def _blocks(geometries: NDArray[np.object_], lidar: LidarSource, margin: float
            ) -> list[tuple[NDArray[np.int64], tuple[float, float, float, float]]]:
    """Footprints grouped by the LiDAR file holding their centre, with their point window."""
    bounds = shapely.bounds(geometries)
    centres = np.column_stack([(bounds[:, 0] + bounds[:, 2]) / 2,
                               (bounds[:, 1] + bounds[:, 3]) / 2])
    owner = _owner_file(centres, lidar.files)
    blocks = []
    for index in range(len(lidar.files)):
        members = np.flatnonzero(owner == index)
        if members.size:
            box = bounds[members]
            blocks.append((members, (float(box[:, 0].min() - margin),
                                     float(box[:, 1].min() - margin),
                                     float(box[:, 2].max() + margin),
                                     float(box[:, 3].max() + margin))))
    return blocks


def measure(
    geometries: NDArray[np.object_], lidar: LidarSource, params: HeightParameters,
    progress: Progress | None = None, executor: Executor | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> Heights:
    """Heights of footprints (in the LiDAR's horizontal CRS), one LiDAR file per task.

    Tasks run on ``executor`` (local processes by default; any `concurrent.futures`
    executor, e.g. a Dask client's, works the same); LiDAR files that are URLs are read
    with ``storage_options`` (fsspec), handed to each task as
    `gis.lidar.source.task_options` makes them (on a cluster, a reference to them).
    """
    options = task_options(storage_options, executor)
    result = Heights.empty(len(geometries))
    result.flag = ["no_lidar"] * len(geometries)
    result.method = ["lidar"] * len(geometries)
    blocks = _blocks(geometries, lidar, params.ring * 3 + 1.0)
    pool = executor or process_pool(len(blocks))
    try:
        futures = [pool.submit(_measure_block, list(shapely.to_wkb(geometries[members])),
                               lidar.files, window, params, options)
                   for members, window in blocks]
        for (members, _), future in zip(blocks, futures, strict=True):
            part = future.result()
            for name in ("roof", "ground", "point_count", "ground_point_count", "coverage"):
                getattr(result, name)[members] = getattr(part, name)
            for position, member in enumerate(members):
                result.method[member] = part.method[position]
                result.flag[member] = part.flag[position]
            if progress:
                progress(int(members.size))
    finally:
        if executor is None:
            pool.shutdown(cancel_futures=True)
    return result


def _optional(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _rows(fids: list[int], heights: Heights, source: str) -> list[dict[str, Any]]:
    height = heights.height
    return [{
        "fid": int(fid), "roof_height": _optional(heights.roof[i]),
        "ground_height": _optional(heights.ground[i]),
        "height": _optional(height[i]) if heights.flag[i] not in (
            "few_points", "no_ground", "no_lidar", "no_floors") else None,
        "point_count": int(heights.point_count[i]) if source == "lidar" else None,
        "ground_point_count": int(heights.ground_point_count[i]) if source == "lidar" else None,
        "coverage": float(heights.coverage[i]) if source == "lidar" else None,
        "method": heights.method[i], "source": source, "flag": heights.flag[i],
    } for i, fid in enumerate(fids)]


def _store(engine: Engine, run: dict[str, Any], fids: list[int], heights: Heights) -> HeightRun:
    rows = _rows(fids, heights, run["source"])
    flags = dict(Counter(row["flag"] for row in rows))
    run = {**run, "counts": {"buildings": len(rows), "flags": flags}}
    with engine.begin() as conn:
        run_id = sql.replace_run(conn, run, rows)
    return HeightRun(run["layer_id"], run_id, len(rows),
                     sum(1 for r in rows if r["height"] is not None), flags, run["method"])


def heights_from_lidar(
    engine: Engine, layer_id: str, lidar_layer_id: str,
    params: HeightParameters | None = None, progress: Progress | None = None,
    executor: Executor | None = None, storage_options: Mapping[str, Any] | None = None,
) -> HeightRun:
    """Measure every footprint of ``layer_id`` in the LiDAR layer and store the run
    (LiDAR files that are URLs are read with ``storage_options``)."""
    params = params or HeightParameters()
    with engine.connect() as conn:
        layer = registry.get_layer(conn, layer_id)
        lidar = lidar_source(conn, lidar_layer_id)
        rows = sql.footprints(conn, layer_id)
    fids = [int(r.fid) for r in rows]
    geometries = _in_lidar_crs([bytes(r.wkb) for r in rows], layer.storage_srid, lidar)
    heights = measure(geometries, lidar, params, progress, executor, storage_options)
    run = {
        "layer_id": layer_id, "layer_version": layer.current_version, "source": "lidar",
        "method": f"lidar:{params.label}/ground-ring-median", "parameters": params.as_dict(),
        "vertical_crs": f"EPSG:{lidar.vertical}" if lidar.vertical else None,
        "lidar_layer_id": lidar_layer_id, "lidar_version": lidar.version,
        "lidar_files": [{"path": str(f.path), "checksum": f.checksum} for f in lidar.files],
    }
    return _store(engine, run, fids, heights)


def heights_from_floors(
    engine: Engine, layer_id: str, floors_field: str,
    storey_height: float = DEFAULT_STOREY_HEIGHT, ground: float = 0.0,
    vertical_crs: str | None = None,
) -> HeightRun:
    """Heights as floors x storey height, on an assumed ground (flag ``floors_estimate``)."""
    with engine.connect() as conn:
        layer = registry.get_layer(conn, layer_id)
        if floors_field not in sql.data_columns(conn, layer_id):
            raise InvalidLayerSpec(f"layer {layer_id!r} has no attribute {floors_field!r}")
        rows = sql.footprints(conn, layer_id, floors_field)
    floors = np.array([np.nan if r[2] is None else float(r[2]) for r in rows])
    heights = Heights.empty(len(rows))
    known = np.isfinite(floors) & (floors > 0)
    heights.ground[:] = ground
    heights.roof[known] = ground + floors[known] * storey_height
    method = f"floors:{floors_field}x{storey_height:g}m"
    heights.method = [method] * len(rows)
    heights.flag = ["floors_estimate" if k else "no_floors" for k in known]
    run: dict[str, Any] = {
        "layer_id": layer_id, "layer_version": layer.current_version, "source": "floors",
        "method": method, "vertical_crs": vertical_crs, "lidar_files": [],
        "parameters": {"field": floors_field, "storey_height": storey_height, "ground": ground},
    }
    return _store(engine, run, [int(r.fid) for r in rows], heights)
