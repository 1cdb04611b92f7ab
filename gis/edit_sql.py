"""SQL of feature edits on the raw table ``data."<id>"`` (OGC API Features Part 4).

The geometry arrives as GeoJSON text in a declared CRS; PostGIS parses, flips lat/lon axes
when the CRS says so, reprojects to the storage CRS (integer SRIDs) and derives the serving
columns. Property values are bound as text and cast to the column type by PostgreSQL.
"""

from __future__ import annotations

from psycopg import sql

from gis.schema import DATA_SCHEMA

DERIVED = (("geom_4326", 4326), ("geom_3857", 3857))


def _table(layer_id: str) -> sql.Identifier:
    return sql.Identifier(DATA_SCHEMA, layer_id)


def parsed_geometry(lat_lon: bool) -> sql.Composable:
    """The incoming geometry in the storage CRS (parameters: geojson, source, storage)."""
    parsed: sql.Composable = sql.SQL("ST_SetSRID(ST_GeomFromGeoJSON(%(geojson)s), %(source)s)")
    if lat_lon:
        parsed = sql.SQL("ST_FlipCoordinates({})").format(parsed)
    return sql.SQL("ST_Transform({}, %(storage)s::integer)").format(parsed)


def inspect_geometry(lat_lon: bool) -> sql.Composed:
    """Validity, reason, type and emptiness of the incoming geometry."""
    return sql.SQL(
        "SELECT ST_IsValid(g), ST_IsValidReason(g), GeometryType(g), ST_IsEmpty(g) "
        "FROM (SELECT {} AS g) s").format(parsed_geometry(lat_lon))


def table_geometry_type() -> str:
    return ("SELECT type FROM geometry_columns WHERE f_table_schema = 'data' "
            "AND f_table_name = %(table)s AND f_geometry_column = 'geom'")


def _geometry_values(lat_lon: bool, multi: bool) -> list[sql.Composable]:
    geometry = parsed_geometry(lat_lon)
    if multi:
        geometry = sql.SQL("ST_Multi({})").format(geometry)
    values = [geometry]
    values += [sql.SQL("ST_Transform({}, {})").format(geometry, sql.Literal(srid))
               for _, srid in DERIVED]
    return values


def _cast(index: int, type_name: str) -> sql.Composable:
    """The bound value ``p<index>`` cast to the column's type (parameters are numbered)."""
    return sql.SQL("CAST(%(p{})s AS {})").format(sql.SQL(str(index)), sql.Identifier(type_name))


def insert_feature(layer_id: str, columns: dict[str, str], lat_lon: bool,
                   multi: bool) -> sql.Composed:
    names = [sql.Identifier(n) for n in columns] + [sql.Identifier(n) for n in
                                                    ("geom", *(d for d, _ in DERIVED))]
    values = [_cast(i, t) for i, t in enumerate(columns.values())]
    values += _geometry_values(lat_lon, multi)
    return sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING fid").format(
        _table(layer_id), sql.SQL(", ").join(names), sql.SQL(", ").join(values))


def update_feature(layer_id: str, columns: dict[str, str], geometry: bool, lat_lon: bool,
                   multi: bool) -> sql.Composed:
    """SET the given columns (and the geometry triple when ``geometry``) of one fid."""
    assignments = [sql.SQL("{} = {}").format(sql.Identifier(n), _cast(i, t))
                   for i, (n, t) in enumerate(columns.items())]
    if geometry:
        targets = ("geom", *(d for d, _ in DERIVED))
        assignments += [sql.SQL("{} = {}").format(sql.Identifier(n), v) for n, v in
                        zip(targets, _geometry_values(lat_lon, multi), strict=True)]
    return sql.SQL("UPDATE {} SET {} WHERE fid = %(fid)s").format(
        _table(layer_id), sql.SQL(", ").join(assignments))


def delete_feature(layer_id: str) -> sql.Composed:
    return sql.SQL("DELETE FROM {} WHERE fid = %(fid)s").format(_table(layer_id))


def locked_row(layer_id: str) -> sql.Composed:
    """The row's ETag and JSON, locked for the edit.

    The ETag is the row version PostgreSQL keeps anyway (``xmin``, the transaction that
    wrote it): it changes with every write and, unlike a digest of the row, tells nothing
    about the row's (possibly personal) values.
    """
    return sql.SQL(
        "SELECT t.xmin::text, to_jsonb(t) - 'geom_4326' - 'geom_3857' FROM {} AS t "
        "WHERE t.fid = %(fid)s FOR UPDATE").format(_table(layer_id))


#: The row version that is a feature's ETag (see `locked_row`); readers elsewhere (the OGC
#: single-item path) select the same column.
ROW_VERSION = "xmin"


def row_etag(layer_id: str) -> sql.Composed:
    return sql.SQL("SELECT t.{}::text FROM {} AS t WHERE t.fid = %(fid)s").format(
        sql.Identifier(ROW_VERSION), _table(layer_id))


def bump_edit_seq() -> str:
    """Count one more edit of the layer (vector-tile ETags follow it, see 0006_edit_seq)."""
    return "UPDATE twin.layer SET edit_seq = edit_seq + 1 WHERE id = %(layer)s"


def log_change() -> str:
    return ("INSERT INTO twin.feature_change (layer_id, fid, operation, key_id, before, after) "
            "VALUES (%(layer)s, %(fid)s, %(operation)s, %(key)s, %(before)s, %(after)s)")
