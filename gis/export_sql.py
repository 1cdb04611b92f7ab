"""SQL of the download files, always read from the published view ``publish."<id>"``.

PostgreSQL serialises: GeoJSON features come out of ``json_build_object`` + ``ST_AsGeoJSON``
and CSV out of ``COPY ... TO STDOUT`` with ``ST_AsText``; only the GeoPackage goes through
Arrow batches (WKB from ``ST_AsBinary``) into GDAL.
"""

from __future__ import annotations

from psycopg import sql

from gis.schema import GEOMETRY_COLUMNS, ID_COLUMN, published_relation

FID = sql.Identifier(ID_COLUMN)


def _relation(layer_id: str) -> sql.Identifier:
    return sql.Identifier(*published_relation(layer_id))


def _without_geometries() -> sql.Composable:
    return sql.SQL(" - ").join(sql.Literal(c) for c in (*GEOMETRY_COLUMNS, ID_COLUMN))


def geojson_features(layer_id: str, geometry: str, decimals: int) -> sql.Composable:
    """One GeoJSON Feature (text) per row, in fid order."""
    return sql.SQL(
        "SELECT json_build_object('type', 'Feature', 'id', t.{fid}, 'geometry', "
        "ST_AsGeoJSON(t.{geom}, {decimals})::json, 'properties', to_jsonb(t) - {drop})::text "
        "FROM {rel} AS t ORDER BY t.{fid}"
    ).format(geom=sql.Identifier(geometry), decimals=sql.Literal(decimals),
             drop=_without_geometries(), rel=_relation(layer_id), fid=FID)


def csv_copy(layer_id: str, attributes: list[str], geometry: str, decimals: int) -> sql.Composable:
    """``COPY`` of fid, the attributes and the geometry as WKT, with a header line."""
    columns: list[sql.Composable] = [sql.SQL("t.{}").format(FID)]
    columns += [sql.SQL("t.{}").format(sql.Identifier(a)) for a in attributes]
    columns.append(sql.SQL("ST_AsText(t.{}, {}) AS wkt").format(
        sql.Identifier(geometry), sql.Literal(decimals)))
    return sql.SQL(
        "COPY (SELECT {cols} FROM {rel} AS t ORDER BY t.{fid}) TO STDOUT "
        "WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"
    ).format(cols=sql.SQL(", ").join(columns), rel=_relation(layer_id), fid=FID)


def arrow_rows(layer_id: str, attributes: list[tuple[str, bool]], geometry: str) -> sql.Composable:
    """fid, attributes (``as_text`` ones cast to text) and WKB geometry, in fid order."""
    columns: list[sql.Composable] = [sql.SQL("t.{}").format(FID)]
    for name, as_text in attributes:
        ident = sql.Identifier(name)
        columns.append(sql.SQL("t.{}::text").format(ident) if as_text
                       else sql.SQL("t.{}").format(ident))
    columns.append(sql.SQL("ST_AsBinary(t.{})").format(sql.Identifier(geometry)))
    return sql.SQL("SELECT {cols} FROM {rel} AS t ORDER BY t.{fid}").format(
        cols=sql.SQL(", ").join(columns), rel=_relation(layer_id), fid=FID)


def count_rows(layer_id: str) -> sql.Composable:
    return sql.SQL("SELECT count(*) FROM {}").format(_relation(layer_id))


PUBLISHED_COLUMNS = """
SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
WHERE a.attrelid = to_regclass(:relation) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""

GEOMETRY_TYPE = """
SELECT coalesce(
  (SELECT type FROM geometry_columns WHERE f_table_schema = :s AND f_table_name = :t
     AND f_geometry_column = :g),
  'GEOMETRY')
"""
