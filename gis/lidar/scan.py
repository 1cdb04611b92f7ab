"""Read a LAS/LAZ file once, chunk by chunk, into the statistics its index row holds.

Memory is bounded by the chunk size whatever the file size. Every failure (missing file,
unreadable header, truncated or corrupt point data, a count that disagrees with the header)
becomes an `IngestError` naming the file, so an ingest can refuse the whole batch before
anything is registered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import laspy
import numpy as np
import shapely
from rasterio import features
from rasterio.transform import from_origin

from gis.errors import IngestError
from gis.files import sha256_file
from gis.lidar.crs import LidarCrs, check_area, header_crs, resolve_crs
from gis.lidar.source import HashingReader, is_url, object_info, open_source

CHUNK_POINTS = 1_000_000
#: Footprint cells: at least this size (m), and at most this many per side.
FOOTPRINT_MIN_CELL = 2.0
FOOTPRINT_MAX_CELLS = 512
NOISE_CLASSES = (7, 18)


@dataclass
class LidarFileStats:
    """What the index row of one file says about it."""

    #: a local path, or the URL of an object (``s3://bucket/x.laz``)
    path: Path | str
    checksum: str
    size_bytes: int
    crs: LidarCrs
    las_version: str
    point_format: int
    point_count: int
    mins: tuple[float, float, float]
    maxs: tuple[float, float, float]
    classification: dict[int, int]
    returns: dict[int, int]
    footprint: shapely.Polygon | shapely.MultiPolygon
    has_rgb: bool
    rgb_max: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def area(self) -> float:
        return float(self.footprint.area)

    @property
    def density(self) -> float:
        """Points per square metre of footprint (not of bounding box: water gaps excluded)."""
        return self.point_count / self.area if self.area > 0 else 0.0




class _Accumulator:
    """Running statistics over chunks of points."""

    def __init__(self, header: Any) -> None:
        mins, maxs = np.asarray(header.mins), np.asarray(header.maxs)
        extent = float(max(maxs[0] - mins[0], maxs[1] - mins[1], 1.0))
        self.cell = max(FOOTPRINT_MIN_CELL, extent / FOOTPRINT_MAX_CELLS)
        self.origin = (float(mins[0]), float(maxs[1]))
        self.width = int(np.ceil((maxs[0] - mins[0]) / self.cell)) + 1
        self.height = int(np.ceil((maxs[1] - mins[1]) / self.cell)) + 1
        self.occupied = np.zeros(self.width * self.height, dtype=bool)
        self.classes = np.zeros(256, dtype=np.int64)
        self.returns = np.zeros(16, dtype=np.int64)
        self.lo = np.full(3, np.inf)
        self.hi = np.full(3, -np.inf)
        self.count = 0
        self.rgb_max = 0

    def add(self, chunk: Any) -> None:
        xyz = np.column_stack([np.asarray(chunk.x), np.asarray(chunk.y), np.asarray(chunk.z)])
        if len(xyz) == 0:
            return
        self.count += len(xyz)
        self.lo = np.minimum(self.lo, xyz.min(axis=0))
        self.hi = np.maximum(self.hi, xyz.max(axis=0))
        self.classes += np.bincount(np.asarray(chunk.classification), minlength=256)[:256]
        self.returns += np.bincount(np.asarray(chunk.return_number), minlength=16)[:16]
        col = np.clip(((xyz[:, 0] - self.origin[0]) / self.cell).astype(np.int64), 0,
                      self.width - 1)
        row = np.clip(((self.origin[1] - xyz[:, 1]) / self.cell).astype(np.int64), 0,
                      self.height - 1)
        self.occupied[row * self.width + col] = True
        if "red" in chunk.point_format.dimension_names:
            self.rgb_max = max(self.rgb_max, int(np.max([chunk.red.max(), chunk.green.max(),
                                                         chunk.blue.max()])))

    def footprint(self) -> shapely.Polygon | shapely.MultiPolygon:
        """The union of occupied cells, so water and gaps are not counted as covered."""
        mask = self.occupied.reshape(self.height, self.width).astype(np.uint8)
        transform = from_origin(self.origin[0], self.origin[1], self.cell, self.cell)
        polygons = [shapely.geometry.shape(geom)
                    for geom, value in features.shapes(mask, mask=mask.astype(bool),
                                                       transform=transform) if value == 1]
        union = shapely.union_all(polygons)
        union = shapely.simplify(union, self.cell / 2, preserve_topology=True)
        if not isinstance(union, shapely.Polygon | shapely.MultiPolygon) or union.is_empty:
            raise ValueError("no footprint")
        return union


def scan_file(path: Path | str, given_crs: LidarCrs | None,
              storage_options: Mapping[str, Any] | None = None) -> LidarFileStats:
    """Statistics of one file (a path, or an fsspec URL read through ``storage_options``),
    or an `IngestError` naming it and the problem."""
    if is_url(path):
        return _scan_object(str(path), given_crs, storage_options)
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise IngestError(source, "file not found")
    try:
        reader = laspy.open(path)
    except Exception as exc:  # laspy raises LaspyException, ValueError, OSError...
        raise IngestError(source, f"unreadable LAS/LAZ header: {exc}") from exc
    header, crs, acc = _read(reader, source, given_crs)
    return _stats(path.resolve(), header, crs, acc, sha256_file(path), path.stat().st_size)


def _scan_object(url: str, given_crs: LidarCrs | None,
                 storage_options: Mapping[str, Any] | None) -> LidarFileStats:
    """A file in object storage, read once through fsspec (range reads, points streamed),
    hashed on the way; its ETag is kept to skip it unread while it does not change."""
    info = object_info(url, storage_options)
    with open_source(url, storage_options) as stream:
        hashing = HashingReader(stream)
        try:
            reader = laspy.open(hashing, closefd=False)
        except Exception as exc:  # laspy raises LaspyException, ValueError, OSError...
            raise IngestError(url, f"unreadable LAS/LAZ header: {exc}") from exc
        header, crs, acc = _read(reader, url, given_crs)
        try:
            checksum = hashing.finish()
        except OSError as exc:
            raise IngestError(url, f"cannot read the object to its end: {exc}") from exc
    if hashing.hashed != info.size:
        raise IngestError(url, f"read {hashing.hashed} bytes of an object of {info.size} "
                               "(changed while it was read?)")
    stats = _stats(url, header, crs, acc, checksum, info.size)
    stats.extra["etag"] = info.etag
    return stats


def _read(reader: Any, source: str, given_crs: LidarCrs | None
          ) -> tuple[Any, LidarCrs, _Accumulator]:
    with reader:
        header = reader.header
        crs = resolve_crs(header_crs(header, source), given_crs, source)
        check_area(crs, (header.mins[0], header.mins[1], header.maxs[0], header.maxs[1]), source)
        if header.point_count == 0:
            raise IngestError(source, "the file holds no points")
        acc = _Accumulator(header)
        try:
            for chunk in reader.chunk_iterator(CHUNK_POINTS):
                acc.add(chunk)
        except Exception as exc:  # lazrs / laspy errors on truncated or corrupt data
            raise IngestError(
                source, f"corrupt or truncated point data after {acc.count} points: {exc}"
            ) from exc
    return header, crs, acc


def _stats(path: Path | str, header: Any, crs: LidarCrs, acc: _Accumulator, checksum: str,
           size: int) -> LidarFileStats:
    source = str(path)
    if acc.count != header.point_count:
        raise IngestError(
            source, f"truncated: the header announces {header.point_count} points, "
            f"the file holds {acc.count}"
        )
    if not np.all(np.isfinite(acc.lo)) or not np.all(np.isfinite(acc.hi)):
        raise IngestError(source, "coordinates are not finite")
    try:
        footprint = acc.footprint()
    except ValueError as exc:
        raise IngestError(source, "cannot derive a footprint from the points") from exc
    names = set(header.point_format.dimension_names)
    return LidarFileStats(
        path=path, checksum=checksum, size_bytes=size, crs=crs,
        las_version=str(header.version), point_format=int(header.point_format.id),
        point_count=acc.count,
        mins=(float(acc.lo[0]), float(acc.lo[1]), float(acc.lo[2])),
        maxs=(float(acc.hi[0]), float(acc.hi[1]), float(acc.hi[2])),
        classification={i: int(n) for i, n in enumerate(acc.classes) if n},
        returns={i: int(n) for i, n in enumerate(acc.returns) if n},
        footprint=footprint, has_rgb="red" in names, rgb_max=acc.rgb_max,
        extra={"scales": [float(s) for s in header.scales],
               "offsets": [float(o) for o in header.offsets],
               "extra_dimensions": sorted(names - set(_standard_names(header)))},
    )


def _standard_names(header: Any) -> list[str]:
    return list(laspy.PointFormat(header.point_format.id).dimension_names)
