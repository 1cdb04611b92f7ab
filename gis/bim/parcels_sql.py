"""The SQL of `gis.bim.parcels`: a model's footprint, and the parcels under it.

Relations come from `gis.schema.current_relation` as `psycopg.sql.Identifier`s; the
footprint travels as bound WKB with an integer SRID; the parcel id column is an identifier
the caller checked against the table's columns.
"""

from __future__ import annotations

from psycopg import sql

from gis.schema import GEOMETRY_COLUMN, Relation


def model_footprint(relation: Relation) -> sql.Composed:
    """The union of every element's footprint (WKB, in the layer's storage CRS)."""
    return sql.SQL("SELECT ST_AsBinary(ST_UnaryUnion(ST_Collect({geom}))) FROM {relation}"
                   ).format(geom=sql.Identifier(GEOMETRY_COLUMN),
                            relation=sql.Identifier(*relation))


def parcels_under(relation: Relation, id_column: str) -> sql.Composed:
    """Parcels meeting the footprint (%(wkb)s, %(srid)s): id, overlap area, share of the
    footprint, largest overlap first."""
    return sql.SQL("""
        WITH f AS (SELECT ST_GeomFromWKB(%(wkb)s, %(srid)s) AS g)
        SELECT p.{key}::text, ST_Area(ST_Intersection(p.{geom}, f.g)) AS overlap,
               ST_Area(ST_Intersection(p.{geom}, f.g)) / NULLIF(ST_Area(f.g), 0) AS share
        FROM {relation} AS p, f
        WHERE p.{geom} && f.g AND ST_Intersects(p.{geom}, f.g)
        ORDER BY overlap DESC, 1
    """).format(key=sql.Identifier(id_column), geom=sql.Identifier(GEOMETRY_COLUMN),
                relation=sql.Identifier(*relation))


def column_names(relation: Relation) -> sql.Composed:
    return sql.SQL("SELECT * FROM {relation} LIMIT 0").format(
        relation=sql.Identifier(*relation))
