"""Every SQL statement of the city model: footprints in, heights out, buildings for tiles.

Statements are SQLAlchemy Core expressions over quoted identifiers with bound values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    Connection,
    Text,
    column,
    delete,
    func,
    insert,
    inspect,
    literal_column,
    select,
    table,
)

from gis.schema import GEOMETRY_COLUMN, ID_COLUMN, current_relation
from gis.schema.tables import building_height, height_run


def data_table(layer_id: str, *extra: str) -> Any:
    """The current data table of a vector layer with ``fid``, ``geom`` and ``extra`` columns."""
    schema, name = current_relation(layer_id)
    return table(name, column(ID_COLUMN), column(GEOMETRY_COLUMN, Geometry),
                 *(column(c) for c in extra), schema=schema)


def data_columns(conn: Connection, layer_id: str) -> list[str]:
    """The column names of a layer's data table (to check attribute names given by users)."""
    schema, name = current_relation(layer_id)
    return [c["name"] for c in inspect(conn).get_columns(name, schema=schema)]


def footprints(conn: Connection, layer_id: str, *extra: str) -> list[Any]:
    """fid, WKB footprint and ``extra`` attributes of every feature, by fid."""
    data = data_table(layer_id, *extra)
    query = select(data.c.fid, func.ST_AsBinary(data.c.geom).label("wkb"),
                   *(data.c[name] for name in extra)).order_by(data.c.fid)
    return list(conn.execute(query))


def replace_run(conn: Connection, run: dict[str, Any], rows: Sequence[dict[str, Any]]) -> int:
    """Drop the layer's previous run (its heights cascade) and store the new one."""
    conn.execute(delete(height_run).where(height_run.c.layer_id == run["layer_id"]))
    run_id = int(conn.execute(
        insert(height_run).values(**run, computed_at=func.now()).returning(height_run.c.run_id)
    ).scalar_one())
    if rows:
        conn.execute(insert(building_height),
                     [{**row, "run_id": run_id, "layer_id": run["layer_id"]} for row in rows])
    return run_id


def run_of(conn: Connection, layer_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(height_run).where(height_run.c.layer_id == layer_id)).one_or_none()
    return dict(row._mapping) if row else None


def heights_of(conn: Connection, layer_id: str) -> list[dict[str, Any]]:
    query = (select(building_height).where(building_height.c.layer_id == layer_id)
             .order_by(building_height.c.fid))
    return [dict(row._mapping) for row in conn.execute(query)]


def buildings_with_heights(
    conn: Connection, layer_id: str, parcels: tuple[str, str] | None = None
) -> Any:
    """Footprints joined with their heights (measured ones only), streamed in fid order.

    ``parcels`` = (parcel layer id, reference column): the reference of the parcel holding
    each building's interior point is joined (both layers in the same storage SRID).
    """
    data = data_table(layer_id)
    heights = building_height
    columns = [data.c.fid, func.ST_AsBinary(data.c.geom).label("wkb"), heights.c.roof_height,
               heights.c.ground_height, heights.c.height, heights.c.point_count,
               heights.c.coverage, heights.c.method, heights.c.source, heights.c.flag]
    joined = data.join(heights, (heights.c.fid == data.c.fid)
                       & (heights.c.layer_id == layer_id))
    query = select(*columns)
    if parcels is not None:
        parcel = data_table(parcels[0], parcels[1]).alias("parcel")
        reference = (select(parcel.c[parcels[1]].cast(Text))
                     .where(func.ST_Intersects(parcel.c.geom, func.ST_PointOnSurface(data.c.geom)))
                     .order_by(parcel.c.fid).limit(1).scalar_subquery())
        query = query.add_columns(reference.label("cadastral_reference"))
    else:
        query = query.add_columns(literal_column("NULL::text").label("cadastral_reference"))
    query = query.select_from(joined).where(heights.c.height.is_not(None)).order_by(data.c.fid)
    return conn.execution_options(yield_per=20_000).execute(query)
