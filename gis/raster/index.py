"""The raster index as other packages read it: one typed record per built DTM/DSM or
loaded orthophoto (``product`` dtm, dsm or ortho).

The catalogue and the download route need a raster layer's file, resolution and CRS; the
statements stay private to `gis.lidar.sql` (which owns ``twin.raster``), as for LiDAR files.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from sqlalchemy import Connection

from gis.lidar import sql


class RasterFile(TypedDict):
    """One row of ``twin.raster``: a built COG and what it was made from."""

    layer_id: str
    product: str
    path: str
    resolution: float
    width: int
    height: int
    crs: str
    srid: int
    source_layer_id: str
    source_version: int
    built_at: datetime


def raster_file(conn: Connection, layer_id: str) -> RasterFile | None:
    """The built raster of a raster layer, or None when it was never built."""
    row = sql.raster_of(conn, layer_id)
    if row is None:
        return None
    return RasterFile(
        layer_id=row["layer_id"], product=row["product"], path=row["path"],
        resolution=float(row["resolution"]), width=int(row["width"]), height=int(row["height"]),
        crs=row["crs"], srid=int(row["srid"]), source_layer_id=row["source_layer_id"],
        source_version=int(row["source_version"]), built_at=row["built_at"])
