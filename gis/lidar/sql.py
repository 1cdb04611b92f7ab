"""The LiDAR and raster tables (SQLAlchemy Core; the 0003_lidar migration owns the DDL).

Every statement of the LiDAR and raster code is built here from these descriptions, with bound
parameters and integer SRIDs.
"""

from __future__ import annotations

from typing import Any

import shapely
from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Column,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert

from gis.schema import metadata

lidar_file = Table(
    "lidar_file",
    metadata,
    Column("file_id", BigInteger, primary_key=True, autoincrement=True),
    Column("layer_id", Text, ForeignKey("twin.layer.id", ondelete="CASCADE"), nullable=False),
    Column("path", Text, nullable=False),
    Column("checksum", Text, nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("crs", Text, nullable=False),
    Column("horizontal_epsg", Integer, nullable=False),
    Column("vertical_epsg", Integer),
    Column("las_version", Text, nullable=False),
    Column("point_format", SmallInteger, nullable=False),
    Column("point_count", BigInteger, nullable=False),
    Column("min_x", Float, nullable=False),
    Column("min_y", Float, nullable=False),
    Column("min_z", Float, nullable=False),
    Column("max_x", Float, nullable=False),
    Column("max_y", Float, nullable=False),
    Column("max_z", Float, nullable=False),
    Column("density", Float, nullable=False),
    Column("classification", JSONB, nullable=False),
    Column("returns", JSONB, nullable=False),
    Column("has_rgb", Boolean, nullable=False),
    Column("rgb_max", Integer, nullable=False),
    Column("extra", JSONB, nullable=False),
    Column("footprint", Geometry("MULTIPOLYGON", spatial_index=False), nullable=False),
    Column("footprint_4326", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False),
           nullable=False),
    Column("load_id", BigInteger),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)

raster = Table(
    "raster",
    metadata,
    Column("layer_id", Text, ForeignKey("twin.layer.id", ondelete="CASCADE"), primary_key=True),
    Column("product", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("resolution", Float, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("extent", ARRAY(Float), nullable=False),
    Column("extent_4326", ARRAY(Float), nullable=False),
    Column("crs", Text, nullable=False),
    Column("srid", Integer, nullable=False),
    Column("source_layer_id", Text, nullable=False),
    Column("source_version", Integer, nullable=False),
    Column("source_checksums", JSONB, nullable=False),
    Column("data_cells", BigInteger, nullable=False),
    Column("filled_cells", BigInteger, nullable=False),
    Column("nodata_cells", BigInteger, nullable=False),
    Column("filled_mask_path", Text, nullable=False),
    Column("built_at", DateTime(timezone=True), nullable=False),
)


def _multi(geometry: shapely.Geometry) -> shapely.MultiPolygon:
    if isinstance(geometry, shapely.Polygon):
        return shapely.MultiPolygon([geometry])
    assert isinstance(geometry, shapely.MultiPolygon)
    return geometry


def footprint_values(footprint: shapely.Geometry, srid: int,
                     footprint_4326: shapely.Geometry) -> dict[str, Any]:
    """Bound EWKB values (SRID inside) for the two footprint columns."""
    return {"footprint": _ewkb(footprint, srid), "footprint_4326": _ewkb(footprint_4326, 4326)}


def _ewkb(geometry: shapely.Geometry, srid: int) -> WKBElement:
    data = shapely.to_wkb(shapely.set_srid(_multi(geometry), srid), include_srid=True)
    return WKBElement(data, srid=srid, extended=True)


def files_of(conn: Connection, layer_id: str) -> list[dict[str, Any]]:
    """Every indexed file of a layer (without geometry), ordered by path."""
    columns = [c for c in lidar_file.c if c.name not in ("footprint", "footprint_4326")]
    rows = conn.execute(
        select(*columns, func.ST_AsBinary(lidar_file.c.footprint).label("footprint_wkb"))
        .where(lidar_file.c.layer_id == layer_id).order_by(lidar_file.c.path)
    )
    return [dict(row._mapping) for row in rows]


def insert_file(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(lidar_file).values(**values, ingested_at=func.now()))


def update_file(conn: Connection, file_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(lidar_file).where(lidar_file.c.file_id == file_id)
                 .values(**values, ingested_at=func.now()))


def delete_file(conn: Connection, file_id: int) -> None:
    conn.execute(delete(lidar_file).where(lidar_file.c.file_id == file_id))


def upsert_raster(conn: Connection, values: dict[str, Any]) -> None:
    statement = pg_insert(raster).values(**values, built_at=func.now())
    updates: dict[str, Any] = {k: statement.excluded[k] for k in values if k != "layer_id"}
    updates["built_at"] = func.now()
    conn.execute(statement.on_conflict_do_update(index_elements=[raster.c.layer_id],
                                                 set_=updates))


def raster_of(conn: Connection, layer_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(raster).where(raster.c.layer_id == layer_id)).one_or_none()
    return dict(row._mapping) if row else None


def layer_extents(conn: Connection, layer_id: str) -> tuple[list[float], list[float]]:
    """Extent of every file footprint of a layer, in its SRID and in 4326."""
    row = conn.execute(
        select(
            func.ST_XMin(func.ST_Extent(lidar_file.c.footprint)),
            func.ST_YMin(func.ST_Extent(lidar_file.c.footprint)),
            func.ST_XMax(func.ST_Extent(lidar_file.c.footprint)),
            func.ST_YMax(func.ST_Extent(lidar_file.c.footprint)),
            func.ST_XMin(func.ST_Extent(lidar_file.c.footprint_4326)),
            func.ST_YMin(func.ST_Extent(lidar_file.c.footprint_4326)),
            func.ST_XMax(func.ST_Extent(lidar_file.c.footprint_4326)),
            func.ST_YMax(func.ST_Extent(lidar_file.c.footprint_4326)),
        ).where(lidar_file.c.layer_id == layer_id)
    ).one()
    values = [float(v) for v in row]
    return values[:4], values[4:]
