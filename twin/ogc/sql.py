"""Every SQL statement of the features fast path, as SQLAlchemy Core expressions.

PostgreSQL serialises the GeoJSON: each feature is one text built from ``ST_AsGeoJSON`` of a
stored column (or ``ST_Transform`` with an integer SRID) and ``json_build_object`` of the
attributes, and a page is their ``string_agg``. The page's ids are selected first (ordered,
limited, offset) and only then joined to build features, so deep pages stay cheap. Identifiers
come from the reflected column list; values are bound parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Float,
    Integer,
    Select,
    TableClause,
    Text,
    bindparam,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.elements import BindParameter, ColumnClause

from gis import registry
from gis.schema import (
    GEOMETRY_3857_COLUMN,
    GEOMETRY_4326_COLUMN,
    GEOMETRY_COLUMN,
    GEOMETRY_COLUMNS,
    ID_COLUMN,
    ROW_VERSION,
    current_relation,
)
from twin.ogc.catalog import Attribute
from twin.ogc.crs import OutputCrs

_SA_TYPES: dict[str, Any] = {
    "smallint": Integer, "integer": Integer, "bigint": BigInteger, "numeric": Float,
    "real": Float, "double precision": Float, "boolean": Boolean, "date": Date,
    "timestamp with time zone": DateTime(timezone=True),
    "timestamp without time zone": DateTime(), "text": Text, "character varying": Text,
}


def relation(schema: str, name: str, attributes: Iterable[Attribute]) -> TableClause:
    """A lightweight table clause over the reflected (hence trusted) column names."""
    columns = [column(a.name, _SA_TYPES.get(a.pg_type, Text)) for a in attributes]
    geometries: list[ColumnClause[Any]] = [column(g) for g in GEOMETRY_COLUMNS]
    return table(name, column(ID_COLUMN, BigInteger), *columns, *geometries, schema=schema)


def output_geometry(rel: TableClause, crs: OutputCrs, storage_srid: int) -> ColumnElement[Any]:
    """The geometry in the requested CRS, from a stored column whenever one matches."""
    if crs.srid == 4326:
        geom: ColumnElement[Any] = rel.c[GEOMETRY_4326_COLUMN]
    elif crs.srid == 3857:
        geom = rel.c[GEOMETRY_3857_COLUMN]
    elif crs.srid == storage_srid:
        geom = rel.c[GEOMETRY_COLUMN]
    else:
        geom = func.ST_Transform(rel.c[GEOMETRY_COLUMN], literal_column(str(int(crs.srid))))
    return func.ST_FlipCoordinates(geom) if crs.lat_lon else geom


@dataclass(frozen=True)
class FeatureShape:
    """What one serialised feature holds: which properties, which geometry and precision."""

    properties: Sequence[str]
    crs: OutputCrs
    storage_srid: int
    skip_geometry: bool = False

    @property
    def digits(self) -> int:
        return 7 if self.crs.geographic else 3


def feature_text(rel: TableClause, shape: FeatureShape) -> ColumnElement[str]:
    """One GeoJSON Feature as text, entirely built by PostgreSQL."""
    pairs: list[ColumnElement[Any]] = []
    for name in shape.properties:
        pairs.extend((literal(name, Text), rel.c[name]))
    props = func.json_build_object(*pairs)
    if shape.skip_geometry:
        geometry: ColumnElement[Any] = literal_column("'null'")
    else:
        geom = output_geometry(rel, shape.crs, shape.storage_srid)
        geometry = func.ST_AsGeoJSON(geom, literal_column(str(shape.digits)), literal_column("0"))
    return func.concat(
        literal_column("""'{"type":"Feature","id":'"""), rel.c[ID_COLUMN],
        literal_column("""',"geometry":'"""), geometry,
        literal_column("""',"properties":'"""), props, literal_column("'}'"),
    )


def page_statement(
    rel: TableClause, where: ColumnElement[bool] | None, order: Sequence[ColumnElement[Any]],
    limit: int | BindParameter[int], offset: int | BindParameter[int], shape: FeatureShape,
) -> Select[Any]:
    """``(features joined by commas, count)`` of one page: ids first, then the join.

    The ids come from the primary-key (or sort) order alone, so a deep OFFSET skips index
    entries, never built features; with a sortby the page keeps its rank in ``n``.
    """
    ordering = [*order, rel.c[ID_COLUMN]]
    columns: list[ColumnElement[Any]] = [rel.c[ID_COLUMN]]
    if order:
        columns.append(func.row_number().over(order_by=ordering).label("n"))
    ids = select(*columns)
    if where is not None:
        ids = ids.where(where)
    page = ids.order_by(*ordering).limit(limit).offset(offset).cte("page")
    body = rel.alias("f")
    text = feature_text(body, shape)  # type: ignore[arg-type]
    rank = page.c.n if order else page.c[ID_COLUMN]
    return select(
        func.string_agg(text, aggregate_order_by(literal_column("','"), rank)),
        func.count(),
    ).select_from(page.join(body, body.c[ID_COLUMN] == page.c[ID_COLUMN]))


def item_statement(rel: TableClause, fid: int | BindParameter[int],
                   shape: FeatureShape, stored: TableClause | None = None) -> Select[Any]:
    """``(feature, etag)`` of one item: the ETag is the version of the row in ``stored`` (the
    raw table the edits write, whatever relation the caller reads), as `gis.edit.etag`."""
    if stored is None:
        return (select(feature_text(rel, shape), literal_column("NULL"))
                .where(rel.c[ID_COLUMN] == fid))
    edited = stored.alias("edited")
    version = (select(literal_column(f"edited.{ROW_VERSION}::text"))
               .select_from(edited).where(edited.c[ID_COLUMN] == fid).correlate(None)
               .scalar_subquery())
    return select(feature_text(rel, shape), version).where(rel.c[ID_COLUMN] == fid)


def stored_table(table_name: str) -> TableClause:
    """The raw table of a layer (``data."<id>"``), which edits write."""
    schema, name = current_relation(table_name)
    return table(name, column(ID_COLUMN, BigInteger), schema=schema)


LAYER_ID = bindparam("layer_id", type_=Text)


def layer_stamp() -> Select[Any]:
    """``(current_version, edit_seq)`` of a layer: a new load or any edit changes it."""
    return registry.stamped(LAYER_ID)


def stamped_tile(tile: Select[Any]) -> Select[Any]:
    """``(tile, current_version, edit_seq)``: the tile and the stamp its ETag is made of, read
    in one snapshot (no row when the layer is gone)."""
    return registry.stamped(LAYER_ID, tile.scalar_subquery().label("tile"))


@dataclass(frozen=True)
class Prepared:
    """A statement compiled once to driver SQL: per request only its named values change.

    The unfiltered page and the single item are the hot paths (QGIS pages through whole
    layers); compiling their SQLAlchemy expression on every request costs more than running
    them, so they are compiled once per collection and shape.
    """

    sql: str
    params: dict[str, Any]

    def run(self, conn: Connection, **values: Any) -> Any:
        return conn.exec_driver_sql(self.sql, {**self.params, **values}).one_or_none()


def prepare(statement: Select[Any], dialect: Dialect) -> Prepared:
    compiled = statement.compile(dialect=dialect)
    return Prepared(str(compiled), dict(compiled.params))


PAGE_LIMIT = bindparam("page_limit", type_=Integer)
PAGE_OFFSET = bindparam("page_offset", type_=BigInteger)
ITEM_ID = bindparam("item_id", type_=BigInteger)


def capped_count(rel: TableClause, where: ColumnElement[bool], cap: int) -> Select[Any]:
    """How many rows match, counting at most ``cap + 1`` of them."""
    matched: Select[Any] = select(literal_column("1")).select_from(rel).where(where).limit(
        cap + 1)
    return select(func.count()).select_from(matched.subquery())


def envelope(box: Sequence[float], srid: int) -> ColumnElement[Any]:
    return func.ST_MakeEnvelope(*(literal(float(v)) for v in box), literal_column(str(int(srid))))


def spatial_operands(
    rel: TableClause, shape: ColumnElement[Any], crs: OutputCrs, storage_srid: int,
) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """(stored geometry column, query geometry) in the same SRID, preferring stored columns."""
    if crs.lat_lon:
        shape = func.ST_FlipCoordinates(shape)
    srid: ColumnElement[Any] = literal_column(str(int(crs.srid)))
    shape = func.ST_SetSRID(shape, srid)
    if crs.srid == 4326:
        return rel.c[GEOMETRY_4326_COLUMN], shape
    if crs.srid == 3857:
        return rel.c[GEOMETRY_3857_COLUMN], shape
    if crs.srid == storage_srid:
        return rel.c[GEOMETRY_COLUMN], shape
    return rel.c[GEOMETRY_COLUMN], func.ST_Transform(shape, literal_column(str(int(storage_srid))))
