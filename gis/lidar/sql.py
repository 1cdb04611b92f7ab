"""Every statement on the LiDAR and raster tables (declared in `gis.schema.tables`).

Built with bound parameters and integer SRIDs; footprints are bound as EWKB (SRID inside).
"""

from __future__ import annotations

from typing import Any

import shapely
from sqlalchemy import (
    Connection,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert

from gis.schema.tables import lidar_file, raster


def _multi(geometry: shapely.Geometry) -> shapely.MultiPolygon:
    if isinstance(geometry, shapely.Polygon):
        return shapely.MultiPolygon([geometry])
    assert isinstance(geometry, shapely.MultiPolygon)
    return geometry


def footprint_values(footprint: shapely.Geometry, srid: int,
                     footprint_4326: shapely.Geometry) -> dict[str, Any]:
    """Bound EWKB values (SRID inside) for the two footprint columns."""
    return {"footprint": _ewkb(footprint, srid), "footprint_4326": _ewkb(footprint_4326, 4326)}


def _ewkb(geometry: shapely.Geometry, srid: int) -> bytes:
    return bytes(shapely.to_wkb(shapely.set_srid(_multi(geometry), srid), include_srid=True))


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
