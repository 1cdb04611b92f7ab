"""The SQL of `gis.bim.footprint`: a BIM version's footprint, kept and read.

The footprint travels as bound WKB with an integer SRID (the layer's storage CRS); the
element table comes from `gis.schema.current_relation` quoted as identifiers; every value
is bound.
"""

from __future__ import annotations

from psycopg import sql

from gis.schema import GEOMETRY_COLUMN, REGISTRY_SCHEMA, Relation

_FOOTPRINTS = sql.Identifier(REGISTRY_SCHEMA, "bim_footprint")
#: a version's footprint computed again replaces the kept one
_REPLACE = sql.SQL("""
    ON CONFLICT (bim_layer_id, version) DO UPDATE
    SET footprint = EXCLUDED.footprint, elements = EXCLUDED.elements, computed_at = now()
""")


def stored_footprint() -> sql.Composed:
    """The kept footprint of (%(bim)s, %(version)s): WKB and SRID, or no row."""
    return sql.SQL("""
        SELECT ST_AsBinary(footprint), ST_SRID(footprint) FROM {footprints}
        WHERE bim_layer_id = %(bim)s AND version = %(version)s
    """).format(footprints=_FOOTPRINTS)


def keep_footprint() -> sql.Composed:
    """Keep %(wkb)s (SRID %(srid)s, the union of %(elements)s elements) as the footprint of
    (%(bim)s, %(version)s)."""
    return sql.SQL("""
        INSERT INTO {footprints} (bim_layer_id, version, footprint, elements)
        VALUES (%(bim)s, %(version)s, ST_Multi(ST_GeomFromWKB(%(wkb)s, %(srid)s)),
                %(elements)s) {replace}
    """).format(footprints=_FOOTPRINTS, replace=_REPLACE)


def keep_union_of_rows(relation: Relation) -> sql.Composed:
    """Keep the union of every element's row of ``relation`` as the footprint of
    (%(bim)s, %(version)s) and return it (WKB, SRID): versions loaded before footprints
    were kept, and loads whose rows the loader changed (repaired, rejected, reprojected)."""
    return sql.SQL("""
        INSERT INTO {footprints} (bim_layer_id, version, footprint, elements)
        SELECT %(bim)s, %(version)s, ST_Multi(ST_UnaryUnion(ST_Collect({geom}))), count(*)
        FROM {relation} {replace}
        RETURNING ST_AsBinary(footprint), ST_SRID(footprint)
    """).format(footprints=_FOOTPRINTS, geom=sql.Identifier(GEOMETRY_COLUMN),
                relation=sql.Identifier(*relation), replace=_REPLACE)
