"""Every SQL statement of the features fast path, as SQLAlchemy Core expressions.

PostgreSQL serialises the GeoJSON: each feature is one text built from ``ST_AsGeoJSON`` of a
stored column (or ``ST_Transform`` with an integer SRID) and ``json_build_object`` of the
attributes, and a page is their ``string_agg``. Where the server's ``ST_Transform`` is not
grid-exact for the pair (`gis.server_transforms`), the feature text carries `GEOMETRY_SLOT`
instead of its geometry, the page also returns the stored geometries as WKB, and the service
reprojects them and fills the slots (`twin.ogc.reproject`); query geometries in such a CRS
are reprojected by the service before they are bound. The page's ids are selected first (ordered,
limited, offset) and only then joined to build features, so deep pages stay cheap. Identifiers
come from the reflected column list; values are bound parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
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
from twin.ogc import reproject
from twin.ogc.catalog import Attribute
from twin.ogc.crs import OutputCrs

#: Stands for a geometry the service fills in: a control character, which JSON text built
#: by PostgreSQL never holds raw (``json_build_object`` escapes it as ``\u0001``).
GEOMETRY_SLOT = "\x01"

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


def stored_column(crs: OutputCrs, storage_srid: int) -> str | None:
    """The stored geometry column already in ``crs``, if any."""
    return {4326: GEOMETRY_4326_COLUMN, 3857: GEOMETRY_3857_COLUMN,
            storage_srid: GEOMETRY_COLUMN}.get(crs.srid)


def output_geometry(rel: TableClause, crs: OutputCrs, storage_srid: int) -> ColumnElement[Any]:
    """The geometry in the requested CRS, from a stored column whenever one matches."""
    stored = stored_column(crs, storage_srid)
    geom: ColumnElement[Any] = rel.c[stored] if stored is not None else func.ST_Transform(
        rel.c[GEOMETRY_COLUMN], literal_column(str(int(crs.srid))))
    return func.ST_FlipCoordinates(geom) if crs.lat_lon else geom


@dataclass(frozen=True)
class FeatureShape:
    """What one serialised feature holds: which properties, which geometry and precision."""

    properties: Sequence[str]
    crs: OutputCrs
    storage_srid: int
    skip_geometry: bool = False
    #: the service reprojects the geometry (the server's transform is not exact for the pair)
    by_service: bool = False

    @property
    def digits(self) -> int:
        return 7 if self.crs.geographic else 3

    @property
    def slotted(self) -> bool:
        """Whether features carry `GEOMETRY_SLOT` and the statement returns WKB too."""
        return self.by_service and not self.skip_geometry

    def fill(self, text: str | None, wkbs: Sequence[bytes | None] | None) -> str:
        """Feature text with every slot replaced by its reprojected geometry."""
        if not text or not self.slotted:
            return text or ""
        pieces = text.split(GEOMETRY_SLOT)
        geometries = reproject.geojson_geometries(
            list(wkbs or ()), self.storage_srid, self.crs.srid, self.crs.lat_lon, self.digits)
        if len(geometries) != len(pieces) - 1:
            raise AssertionError("one geometry per feature slot")
        out = [pieces[0]]
        for geometry, piece in zip(geometries, pieces[1:], strict=True):
            out += (geometry, piece)
        return "".join(out)


def needs_service(crs: OutputCrs, storage_srid: int, server_exact: bool) -> bool:
    """Whether a geometry served in ``crs`` must be reprojected by the service."""
    return stored_column(crs, storage_srid) is None and not server_exact


#: PostgreSQL passes at most 100 arguments to a function: 50 (name, value) pairs.
MAX_PAIRS_PER_CALL = 50


def properties_object(rel: TableClause, names: Sequence[str]) -> ColumnElement[Any]:
    """The properties as one JSON object, in column order.

    A wide layer (a BIM model's flattened property sets, a statistics table) has more
    columns than one ``json_build_object`` call takes, so its pairs are built in chunks and
    merged as ``jsonb`` (which orders keys its own way: only such layers pay that)."""
    pairs = [(literal(name, Text), rel.c[name]) for name in names]
    if len(pairs) <= MAX_PAIRS_PER_CALL:
        return func.json_build_object(*[part for pair in pairs for part in pair])
    chunks = [func.jsonb_build_object(*[part for pair in pairs[i:i + MAX_PAIRS_PER_CALL]
                                        for part in pair])
              for i in range(0, len(pairs), MAX_PAIRS_PER_CALL)]
    merged: ColumnElement[Any] = chunks[0]
    for chunk in chunks[1:]:
        merged = merged.op("||")(chunk)
    return merged


def feature_text(rel: TableClause, shape: FeatureShape) -> ColumnElement[str]:
    """One GeoJSON Feature as text, entirely built by PostgreSQL."""
    props = properties_object(rel, shape.properties)
    if shape.skip_geometry:
        geometry: ColumnElement[Any] = literal_column("'null'")
    elif shape.slotted:
        geometry = func.chr(literal_column("1"))
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
    """``(features joined by commas, count[, stored geometries as WKB])`` of one page: ids
    first, then the join.

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
    columns = [func.string_agg(text, aggregate_order_by(literal_column("','"), rank)),
               func.count()]
    if shape.slotted:
        columns.append(func.array_agg(aggregate_order_by(
            func.ST_AsBinary(body.c[GEOMETRY_COLUMN]), rank)))
    return select(*columns).select_from(
        page.join(body, body.c[ID_COLUMN] == page.c[ID_COLUMN]))


def item_statement(rel: TableClause, fid: int | BindParameter[int],
                   shape: FeatureShape, stored: TableClause | None = None) -> Select[Any]:
    """``(feature, etag)`` of one item: the ETag is the version of the row in ``stored`` (the
    raw table the edits write, whatever relation the caller reads), as `gis.edit.etag`."""
    columns: list[ColumnElement[Any]] = [feature_text(rel, shape)]
    if stored is None:
        columns.append(literal_column("NULL"))
    else:
        edited = stored.alias("edited")
        columns.append(select(literal_column(f"edited.{ROW_VERSION}::text"))
                       .select_from(edited).where(edited.c[ID_COLUMN] == fid).correlate(None)
                       .scalar_subquery())
    if shape.slotted:
        columns.append(func.ST_AsBinary(rel.c[GEOMETRY_COLUMN]))
    return select(*columns).where(rel.c[ID_COLUMN] == fid)


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


def envelope(box: Sequence[float]) -> shapely.Geometry:
    """The rectangle of a ``bbox`` (its first two numbers are the first axis' bounds)."""
    return shapely.box(*(float(v) for v in box))


def _bound(geometry: shapely.Geometry, srid: int) -> ColumnElement[Any]:
    """A bound WKB parameter as a geometry of ``srid`` (PostGIS's ``geometry(bytea)`` cast:
    GeoAlchemy2 rewrites ``ST_GeomFromWKB`` calls for its own element types)."""
    return func.ST_SetSRID(func.geometry(literal(shapely.to_wkb(geometry), LargeBinary)),
                           literal_column(str(int(srid))))


def spatial_operands(
    rel: TableClause, geometry: shapely.Geometry, crs: OutputCrs, storage_srid: int,
    server_exact: bool,
) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """(stored geometry column, query geometry) in the same SRID, preferring stored columns.

    A query geometry in another CRS is reprojected to the storage CRS by ``ST_Transform``
    when ``server_exact``, else by the service, then bound."""
    if crs.lat_lon:
        geometry = reproject.swapped_axes(geometry)
    stored = stored_column(crs, storage_srid)
    if stored is not None:
        return rel.c[stored], _bound(geometry, crs.srid)
    if server_exact:
        return rel.c[GEOMETRY_COLUMN], func.ST_Transform(
            _bound(geometry, crs.srid), literal_column(str(int(storage_srid))))
    moved = reproject.to_storage(geometry, crs.srid, storage_srid)
    return rel.c[GEOMETRY_COLUMN], _bound(moved, storage_srid)
