"""SQL of feature edits on the raw table ``data."<id>"`` (OGC API Features Part 4).

The geometry arrives as EWKB already in each stored CRS: `gis.edit` reprojects it with
pyproj and the shipped grids exactly as the ingest does, so an edited feature's serving
columns match a loaded one's whatever the server's PROJ has. Property values are bound as
text and cast to the column type by PostgreSQL.
"""

from __future__ import annotations

from psycopg import sql

from gis.schema import (
    DATA_SCHEMA,
    DERIVED_GEOMETRIES,
    GEOMETRY_COLUMN,
    ID_COLUMN,
    REGISTRY_SCHEMA,
    ROW_VERSION,
    current_relation,
)
from gis.schema.tables import feature_change
from gis.schema.tables import layer as layer_table

DERIVED = DERIVED_GEOMETRIES
FID = sql.Identifier(ID_COLUMN)


def _table(layer_id: str) -> sql.Identifier:
    return sql.Identifier(*current_relation(layer_id))


#: The bound parameter of each stored geometry column (EWKB, built by `gis.edit`).
GEOMETRY_PARAMETERS = {GEOMETRY_COLUMN: "geom", **{name: f"geom_{srid}" for name, srid in DERIVED}}


def _geometry(column: str, multi: bool = False) -> sql.Composable:
    parsed = sql.SQL("ST_GeomFromEWKB({})").format(sql.Placeholder(GEOMETRY_PARAMETERS[column]))
    return sql.SQL("ST_Multi({})").format(parsed) if multi else parsed


def inspect_geometry() -> sql.Composed:
    """Validity, reason, type and emptiness of the incoming geometry (storage CRS)."""
    return sql.SQL(
        "SELECT ST_IsValid(g), ST_IsValidReason(g), GeometryType(g), ST_IsEmpty(g) "
        "FROM (SELECT {} AS g) s").format(_geometry(GEOMETRY_COLUMN))


def table_geometry_type() -> sql.Composed:
    return sql.SQL("SELECT type FROM geometry_columns WHERE f_table_schema = {} "
                   "AND f_table_name = %(table)s AND f_geometry_column = {}").format(
        sql.Literal(DATA_SCHEMA), sql.Literal(GEOMETRY_COLUMN))


def _geometry_values(multi: bool) -> list[sql.Composable]:
    return [_geometry(column, multi) for column in GEOMETRY_PARAMETERS]


def _cast(index: int, type_name: str) -> sql.Composable:
    """The bound value ``p<index>`` cast to the column's type (parameters are numbered)."""
    return sql.SQL("CAST(%(p{})s AS {})").format(sql.SQL(str(index)), sql.Identifier(type_name))


def insert_feature(layer_id: str, columns: dict[str, str], multi: bool) -> sql.Composed:
    names = [sql.Identifier(n) for n in columns] + [sql.Identifier(n) for n in
                                                    (GEOMETRY_COLUMN, *(d for d, _ in DERIVED))]
    values = [_cast(i, t) for i, t in enumerate(columns.values())]
    values += _geometry_values(multi)
    return sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING {}").format(
        _table(layer_id), sql.SQL(", ").join(names), sql.SQL(", ").join(values), FID)


def update_feature(layer_id: str, columns: dict[str, str], geometry: bool,
                   multi: bool) -> sql.Composed:
    """SET the given columns (and the geometry triple when ``geometry``) of one fid."""
    assignments = [sql.SQL("{} = {}").format(sql.Identifier(n), _cast(i, t))
                   for i, (n, t) in enumerate(columns.items())]
    if geometry:
        targets = (GEOMETRY_COLUMN, *(d for d, _ in DERIVED))
        assignments += [sql.SQL("{} = {}").format(sql.Identifier(n), v) for n, v in
                        zip(targets, _geometry_values(multi), strict=True)]
    return sql.SQL("UPDATE {} SET {} WHERE {} = %(fid)s").format(
        _table(layer_id), sql.SQL(", ").join(assignments), FID)


def delete_feature(layer_id: str) -> sql.Composed:
    return sql.SQL("DELETE FROM {} WHERE {} = %(fid)s").format(_table(layer_id), FID)


def locked_row(layer_id: str) -> sql.Composed:
    """The row's ETag and JSON, locked for the edit.

    The ETag is the row version PostgreSQL keeps anyway (``xmin``, the transaction that
    wrote it): it changes with every write and, unlike a digest of the row, tells nothing
    about the row's (possibly personal) values.
    """
    derived = sql.SQL("").join(sql.SQL(" - {}").format(sql.Literal(name)) for name, _ in DERIVED)
    return sql.SQL(
        "SELECT t.{version}::text, to_jsonb(t){derived} FROM {table} AS t "
        "WHERE t.{fid} = %(fid)s FOR UPDATE").format(
        version=sql.Identifier(ROW_VERSION), derived=derived, table=_table(layer_id), fid=FID)


def row_etag(layer_id: str) -> sql.Composed:
    return sql.SQL("SELECT t.{}::text FROM {} AS t WHERE t.{} = %(fid)s").format(
        sql.Identifier(ROW_VERSION), _table(layer_id), FID)


def bump_edit_seq() -> sql.Composed:
    """Count one more edit of the layer (vector-tile ETags follow it, see 0006_edit_seq)."""
    seq = sql.Identifier(layer_table.c.edit_seq.name)
    return sql.SQL("UPDATE {} SET {seq} = {seq} + 1 WHERE {} = %(layer)s").format(
        sql.Identifier(REGISTRY_SCHEMA, layer_table.name), sql.Identifier(layer_table.c.id.name),
        seq=seq)


_CHANGE_COLUMNS = ("layer_id", ID_COLUMN, "operation", "key_id", "before", "after")
_CHANGE_PARAMETERS = ("layer", "fid", "operation", "key", "before", "after")


def log_change() -> sql.Composed:
    """Keep the before/after images of one edit (parameters: `_CHANGE_PARAMETERS`)."""
    return sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        sql.Identifier(REGISTRY_SCHEMA, feature_change.name),
        sql.SQL(", ").join(sql.Identifier(c) for c in _CHANGE_COLUMNS),
        sql.SQL(", ").join(sql.Placeholder(p) for p in _CHANGE_PARAMETERS))


def feature_changes() -> sql.Composed:
    """The logged versions of one feature, oldest first (parameters: layer, fid)."""
    columns = ("operation", "key_id", "before", "after", "at")
    return sql.SQL("SELECT {} FROM {} WHERE layer_id = %(layer)s AND {} = %(fid)s "
                   "ORDER BY id").format(
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        sql.Identifier(REGISTRY_SCHEMA, feature_change.name), FID)
