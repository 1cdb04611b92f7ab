"""SQL of a table's download files, read from its published view (no geometry column is
ever written: a joined table's download is the table, its geometries are the other layer's)."""

from __future__ import annotations

from psycopg import sql

from gis.schema import GEOMETRY_COLUMNS, ID_COLUMN, published_relation

FID = sql.Identifier(ID_COLUMN)
PUBLISHED_COLUMNS = sql.SQL(
    "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE "
    "a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")


def relation(layer_id: str) -> sql.Identifier:
    return sql.Identifier(*published_relation(layer_id))


def is_attribute(name: str) -> bool:
    return name not in GEOMETRY_COLUMNS


def rows(layer_id: str, columns: list[str]) -> sql.Composed:
    return sql.SQL("SELECT {} FROM {} AS t ORDER BY t.{}").format(
        sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(c)) for c in columns),
        relation(layer_id), FID)


def json_rows(layer_id: str, columns: list[str]) -> sql.Composed:
    """One JSON object per row (text), in fid order, keys in column order."""
    pairs = sql.SQL(", ").join(sql.SQL("{}, t.{}").format(sql.Literal(c), sql.Identifier(c))
                               for c in columns)
    return sql.SQL("SELECT json_build_object({})::text FROM {} AS t ORDER BY t.{}").format(
        pairs, relation(layer_id), FID)


def csv_copy(layer_id: str, columns: list[str]) -> sql.Composed:
    return sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')").format(
        rows(layer_id, columns))
