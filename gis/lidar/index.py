"""The LiDAR index as other packages read it: one typed record per indexed file.

``tiles`` (point-cloud builds) and ``gis.city``/``gis.raster`` read the index through
`indexed_files`; the statements themselves stay private to `gis.lidar.sql`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict, cast

from sqlalchemy import Connection

from gis.lidar import sql


class IndexedFile(TypedDict):
    """One row of ``twin.lidar_file`` (without its footprints, but their WKB)."""

    file_id: int
    layer_id: str
    path: str
    checksum: str
    size_bytes: int
    crs: str
    horizontal_epsg: int
    vertical_epsg: int | None
    las_version: str
    point_format: int
    point_count: int
    min_x: float
    min_y: float
    min_z: float
    max_x: float
    max_y: float
    max_z: float
    density: float
    classification: dict[str, Any]
    returns: dict[str, Any]
    has_rgb: bool
    rgb_max: int
    extra: dict[str, Any]
    load_id: int | None
    ingested_at: datetime
    #: the footprint in the file's horizontal CRS, as WKB
    footprint_wkb: bytes


def indexed_files(conn: Connection, layer_id: str) -> list[IndexedFile]:
    """Every indexed file of a LiDAR layer, ordered by path."""
    return [cast(IndexedFile, row) for row in sql.files_of(conn, layer_id)]
