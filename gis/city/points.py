"""LiDAR points around building footprints, read chunk by chunk from LAS/LAZ files.

Only the points inside a window (the footprints' bounding box plus a margin for the ground
ring) are kept, so memory follows the buildings processed, not the size of the files. A file
ingested from object storage is read at its URL (`gis.lidar.source.open_source`: fsspec range
reads through a read-ahead buffer, with the storage options the task carries).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import laspy
import numpy as np
from numpy.typing import NDArray

from gis.errors import IngestError
from gis.lidar.source import open_source

CHUNK_POINTS = 2_000_000
GROUND = 2
BUILDING = 6
WATER = 9


@dataclass(frozen=True)
class LidarFile:
    """One indexed LAS/LAZ file: path or URL, bounds (in its horizontal CRS) and checksum."""

    path: str | Path
    bounds: tuple[float, float, float, float]
    checksum: str | None = None

    def intersects(self, window: tuple[float, float, float, float]) -> bool:
        return not (self.bounds[2] < window[0] or self.bounds[0] > window[2]
                    or self.bounds[3] < window[1] or self.bounds[1] > window[3])


@dataclass(frozen=True)
class Points:
    """x, y, z (float64), classification and first-return flag of a set of points."""

    xyz: NDArray[np.float64]
    classification: NDArray[np.uint8]
    first_return: NDArray[np.bool_]

    def __len__(self) -> int:
        return int(self.xyz.shape[0])

    def subset(self, mask: NDArray[np.bool_]) -> Points:
        return Points(self.xyz[mask], self.classification[mask], self.first_return[mask])


def file_of(path: Path) -> LidarFile:
    """A `LidarFile` from the header alone (when no index row exists)."""
    try:
        with laspy.open(path) as reader:
            header = reader.header
            bounds = (float(header.mins[0]), float(header.mins[1]),
                      float(header.maxs[0]), float(header.maxs[1]))
    except (OSError, laspy.LaspyException, ValueError) as exc:
        raise IngestError(str(path), f"cannot read the LAS header: {exc}") from exc
    return LidarFile(path=path, bounds=bounds)


def _chunk_points(chunk: laspy.ScaleAwarePointRecord, window: tuple[float, ...]) -> Points:
    x, y = np.asarray(chunk.x, dtype=np.float64), np.asarray(chunk.y, dtype=np.float64)
    keep = (x >= window[0]) & (x <= window[2]) & (y >= window[1]) & (y <= window[3])
    z = np.asarray(chunk.z, dtype=np.float64)[keep]
    classification = np.asarray(chunk.classification, dtype=np.uint8)[keep]
    first = np.asarray(chunk.return_number)[keep] <= 1
    return Points(np.column_stack([x[keep], y[keep], z]), classification, first)


def read_window(files: Sequence[LidarFile], window: tuple[float, float, float, float],
                storage_options: Mapping[str, Any] | None = None) -> Points:
    """Every point of ``files`` inside ``window`` (minx, miny, maxx, maxy); files that are
    URLs are reached with ``storage_options``."""
    parts: list[Points] = []
    for item in files:
        if not item.intersects(window):
            continue
        try:
            with open_source(item.path, storage_options) as source, \
                    laspy.open(source) as reader:
                for chunk in reader.chunk_iterator(CHUNK_POINTS):
                    part = _chunk_points(chunk, window)
                    if len(part):
                        parts.append(part)
        except (OSError, laspy.LaspyException, ValueError) as exc:
            raise IngestError(str(item.path), f"cannot read the points: {exc}") from exc
    if not parts:
        return Points(np.empty((0, 3)), np.empty(0, dtype=np.uint8), np.empty(0, dtype=bool))
    return Points(
        np.concatenate([p.xyz for p in parts]),
        np.concatenate([p.classification for p in parts]),
        np.concatenate([p.first_return for p in parts]),
    )
