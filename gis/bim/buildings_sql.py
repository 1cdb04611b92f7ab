"""The SQL of `gis.bim.buildings`: the city's buildings under a model, and their links.

Relations come from `gis.schema.current_relation` as (schema, name) quoted as identifiers;
the model's footprint travels as bound WKB with an integer SRID; every value is bound.
"""

from __future__ import annotations

from psycopg import sql

from gis.schema import GEOMETRY_COLUMN, ID_COLUMN, REGISTRY_SCHEMA, Relation

_LINKS = sql.Identifier(REGISTRY_SCHEMA, "bim_building")
_LAYER = sql.Identifier(REGISTRY_SCHEMA, "layer")
_HEIGHT_RUN = sql.Identifier(REGISTRY_SCHEMA, "building_height_run")


def city_building_layers() -> sql.Composed:
    """Layers of the LOD1 city model (a height run exists: they can be tiled), by id, once
    each however many runs they have."""
    return sql.SQL("""
        SELECT DISTINCT l.id, l.storage_srid FROM {runs} AS r JOIN {layer} AS l ON l.id = r.layer_id
        WHERE l.current_version IS NOT NULL ORDER BY l.id
    """).format(runs=_HEIGHT_RUN, layer=_LAYER)


def buildings_under(relation: Relation) -> sql.Composed:
    """Buildings whose footprint overlaps the model's (%(wkb)s, %(srid)s) by at least
    %(threshold)s of the smaller of the two areas: fid, overlap (m2), that share."""
    return sql.SQL("""
        WITH f AS (SELECT ST_GeomFromWKB(%(wkb)s, %(srid)s) AS g),
        m AS (
            SELECT b.{fid} AS fid, ST_Area(ST_Intersection(b.{geom}, f.g)) AS overlap,
                   LEAST(ST_Area(b.{geom}), ST_Area(f.g)) AS smaller
            FROM {relation} AS b, f
            WHERE b.{geom} && f.g AND ST_Intersects(b.{geom}, f.g))
        SELECT fid, overlap, overlap / smaller FROM m
        WHERE smaller > 0 AND overlap / smaller >= %(threshold)s
        ORDER BY overlap DESC, fid
    """).format(fid=sql.Identifier(ID_COLUMN), geom=sql.Identifier(GEOMETRY_COLUMN),
                relation=sql.Identifier(*relation))


def forget_version() -> sql.Composed:
    """Drop the links of one BIM version (%(bim)s, %(version)s) before they are redone."""
    return sql.SQL("DELETE FROM {links} WHERE bim_layer_id = %(bim)s AND version = %(version)s"
                   ).format(links=_LINKS)


def touch_layer() -> sql.Composed:
    """Move the BIM layer's registry stamp (%(bim)s): servers polling the registry (the OGC
    catalogue) notice links stored after the load that made the version."""
    return sql.SQL("UPDATE {layer} SET updated_at = now() WHERE id = %(bim)s").format(
        layer=_LAYER)


def all_current_links() -> sql.Composed:
    """Every link of the current version of each BIM layer (a small table: one row per
    replaced building)."""
    return sql.SQL("""
        SELECT k.bim_layer_id, k.version, k.city_layer_id, k.fid, k.feature_id,
               k.overlap_m2, k.share
        FROM {links} AS k JOIN {layer} AS l
          ON l.id = k.bim_layer_id AND l.current_version = k.version
        ORDER BY k.city_layer_id, k.fid, k.bim_layer_id
    """).format(links=_LINKS, layer=_LAYER)


def insert_link() -> sql.Composed:
    return sql.SQL("""
        INSERT INTO {links} (bim_layer_id, version, city_layer_id, fid, feature_id,
                             overlap_m2, share)
        VALUES (%(bim)s, %(version)s, %(city)s, %(fid)s, %(feature_id)s, %(overlap)s,
                LEAST(%(share)s, 1.0))
    """).format(links=_LINKS)


def current_links(by: str) -> sql.Composed:
    """Links of the *current* versions of BIM layers, filtered on ``by`` (a column of the
    link table: bim_layer_id or city_layer_id) = %(layer)s, optionally one %(fid)s."""
    column = {"bim": "bim_layer_id", "city": "city_layer_id"}[by]
    return sql.SQL("""
        SELECT k.bim_layer_id, k.version, k.city_layer_id, k.fid, k.feature_id,
               k.overlap_m2, k.share
        FROM {links} AS k JOIN {layer} AS l
          ON l.id = k.bim_layer_id AND l.current_version = k.version
        WHERE k.{column} = %(layer)s AND (%(fid)s::bigint IS NULL OR k.fid = %(fid)s)
        ORDER BY k.bim_layer_id, k.city_layer_id, k.overlap_m2 DESC, k.fid
    """).format(links=_LINKS, layer=_LAYER, column=sql.Identifier(column))
