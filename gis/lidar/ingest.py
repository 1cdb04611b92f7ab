"""Register LiDAR files in a layer: scan everything first, then one transaction.

Nothing is written until every file has been read to its end (corrupt, truncated, missing or
CRS-less files are refused with their name). A file is identified by its SHA-256: re-ingesting
the same bytes changes nothing and publishes no new version; a changed file (same path, new
checksum) replaces its row and publishes a new version of the layer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from sqlalchemy import Connection, Engine

from gis import registry
from gis.errors import IngestError
from gis.geodesy import transformer
from gis.lidar import sql
from gis.lidar.crs import LidarCrs
from gis.lidar.scan import LidarFileStats, scan_file
from gis.lidar.source import is_url, object_info
from gis.model import LayerSpec, VersionStats

log = logging.getLogger(__name__)

#: (file path or URL, files done, files in all)
Progress = Callable[[str, int, int], None]


@dataclass
class LidarLoadResult:
    """What an ingest did: files added, replaced, unchanged, and the version it published."""

    layer_id: str
    crs: LidarCrs
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    version: int | None = None
    point_count: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced)


def scan_all(paths: Sequence[Path | str], given: LidarCrs | None,
             progress: Progress | None = None,
             storage_options: Mapping[str, Any] | None = None,
             unchanged: Collection[str] = ()) -> list[LidarFileStats]:
    """Scan every file (but the ``unchanged`` objects); refuse the batch on the first bad file
    or on mixed CRSs."""
    if not paths:
        raise IngestError("(no files)", "give at least one LAS/LAZ file")
    stats: list[LidarFileStats] = []
    for index, path in enumerate(paths):
        if source_name(path) not in unchanged:
            stats.append(scan_file(path, given, storage_options))
        if progress:
            progress(source_name(path), index + 1, len(paths))
    if stats:
        check_single_crs(stats)
    return stats


def source_name(path: Path | str) -> str:
    """How the index names a file: its absolute path, or its URL as given."""
    return str(path) if is_url(path) else str(Path(path).resolve())


def unchanged_objects(paths: Sequence[Path | str], existing: Sequence[dict[str, Any]],
                      storage_options: Mapping[str, Any] | None = None) -> set[str]:
    """The URLs whose object has the ETag and size its index row recorded: not read again.

    A local file is always read (its SHA-256 decides); an object is asked only for its
    metadata (one HEAD request), so re-running an ingest over a bucket costs no transfer.
    """
    by_path = {row["path"]: row for row in existing}
    kept = set()
    for path in paths:
        if not is_url(path) or str(path) not in by_path:
            continue
        row, info = by_path[str(path)], object_info(str(path), storage_options)
        recorded = (row.get("extra") or {}).get("etag")
        if info.etag and recorded == info.etag and int(row["size_bytes"]) == info.size:
            kept.add(str(path))
    return kept


def check_single_crs(stats: Sequence[LidarFileStats], existing: LidarCrs | None = None) -> None:
    """One layer, one CRS: a mixed batch (or a batch unlike the layer's files) is refused."""
    reference = existing or stats[0].crs
    for item in stats:
        if item.crs != reference:
            raise IngestError(
                str(item.path),
                f"CRS {item.crs.text} differs from {reference.text} of the layer's other files;"
                " one layer holds one CRS",
            )


def ingest_lidar(engine: Engine, spec: LayerSpec, paths: Sequence[Path | str], *,
                 crs: LidarCrs | None = None, progress: Progress | None = None,
                 storage_options: Mapping[str, Any] | None = None) -> LidarLoadResult:
    """Index ``paths`` into the LiDAR layer ``spec.id`` (registered with kind 'lidar').

    A path may be an fsspec URL (``s3://bucket/x.laz``; ``storage_options`` give endpoint
    and credentials): the index then records the URL, and an object whose ETag and size are
    unchanged is skipped unread."""
    if spec.kind != "lidar":
        spec = spec.model_copy(update={"kind": "lidar"})
    with engine.connect() as conn:
        before = sql.files_of(conn, spec.id)
    kept = unchanged_objects(paths, before, storage_options)
    stats = scan_all(paths, crs, progress, storage_options, kept)
    layer_crs = stats[0].crs if stats else LidarCrs(before[0]["horizontal_epsg"],
                                                    before[0]["vertical_epsg"])
    spec = spec.model_copy(update={"storage_crs": f"EPSG:{layer_crs.horizontal}"})
    with engine.begin() as conn:
        existing = sql.files_of(conn, spec.id)
        if existing and stats:
            check_single_crs(stats, LidarCrs(existing[0]["horizontal_epsg"],
                                             existing[0]["vertical_epsg"]))
        registry.register(conn, spec, spec.storage_crs or layer_crs.text)
        result = _apply(conn, spec.id, layer_crs, stats, existing)
        result.unchanged.extend(sorted(kept))
    log.info("lidar layer %s: %d added, %d replaced, %d unchanged", spec.id,
             len(result.added), len(result.replaced), len(result.unchanged))
    return result


def _apply(conn: Connection, layer_id: str, crs: LidarCrs, stats: list[LidarFileStats],
           existing: list[dict[str, Any]]) -> LidarLoadResult:
    result = LidarLoadResult(layer_id=layer_id, crs=crs)
    by_checksum = {row["checksum"]: row for row in existing}
    by_path = {row["path"]: row for row in existing}
    todo: list[tuple[LidarFileStats, dict[str, Any] | None]] = []
    for item in stats:
        same = by_checksum.get(item.checksum)
        if same is not None and same["path"] == str(item.path):
            result.unchanged.append(str(item.path))
        else:
            todo.append((item, same or by_path.get(str(item.path))))
    layer = registry.get_layer(conn, layer_id)
    if not todo and layer.current_version is not None:
        result.version = layer.current_version
        result.point_count = sum(int(r["point_count"]) for r in existing)
        return result
    load_id = registry.start_load(conn, layer_id, ", ".join(str(s.path) for s in stats),
                                  ",".join(sorted(s.checksum for s in stats)))
    for item, row in todo:
        values = _row_values(layer_id, item, load_id)
        if row is None:
            sql.insert_file(conn, values)
            result.added.append(str(item.path))
        else:
            sql.update_file(conn, int(row["file_id"]), values)
            result.replaced.append(str(item.path))
    result.version = registry.publish_version(conn, load_id, layer_id, datetime.now(UTC),
                                              _layer_stats(conn, layer_id))
    result.point_count = _layer_stats(conn, layer_id).feature_count
    return result


def _to_4326(geometry: shapely.Geometry, crs: LidarCrs) -> shapely.Geometry:
    """Footprint in WGS 84 through the accurate (grid-based) transformation."""
    to_wgs84 = transformer(f"EPSG:{crs.horizontal}", "EPSG:4326", within=geometry.bounds)
    return shapely.transform(geometry, lambda xy: _stack(to_wgs84.transform(xy[:, 0], xy[:, 1])))


def _stack(xy: tuple[Any, Any]) -> Any:
    return np.column_stack(xy)


def _row_values(layer_id: str, item: LidarFileStats, load_id: int) -> dict[str, Any]:
    values: dict[str, Any] = {
        "layer_id": layer_id, "path": str(item.path), "checksum": item.checksum,
        "size_bytes": item.size_bytes, "crs": item.crs.text,
        "horizontal_epsg": item.crs.horizontal, "vertical_epsg": item.crs.vertical,
        "las_version": item.las_version, "point_format": item.point_format,
        "point_count": item.point_count,
        "min_x": item.mins[0], "min_y": item.mins[1], "min_z": item.mins[2],
        "max_x": item.maxs[0], "max_y": item.maxs[1], "max_z": item.maxs[2],
        "density": item.density,
        "classification": {str(k): v for k, v in item.classification.items()},
        "returns": {str(k): v for k, v in item.returns.items()},
        "has_rgb": item.has_rgb, "rgb_max": item.rgb_max, "extra": item.extra,
        "load_id": load_id,
    }
    values.update(sql.footprint_values(item.footprint, item.crs.horizontal,
                                       _to_4326(item.footprint, item.crs)))
    return values


def _layer_stats(conn: Connection, layer_id: str) -> VersionStats:
    """Version statistics of the layer from all its files (counts, extents)."""
    rows = sql.files_of(conn, layer_id)
    extent = sql.layer_extents(conn, layer_id)
    return VersionStats(
        feature_count=sum(int(r["point_count"]) for r in rows),
        geometry_type="PointCloud",
        extent=extent[0], extent_4326=extent[1],
        quality={"files": len(rows),
                 "points": sum(int(r["point_count"]) for r in rows),
                 "checksums": {r["path"]: r["checksum"] for r in rows}},
    )
