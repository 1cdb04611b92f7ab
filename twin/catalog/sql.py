"""SQL of the catalogue pages: a small SVG preview drawn from the published view only."""

from __future__ import annotations

from psycopg import sql

from gis.schema import GEOMETRY_3857_COLUMN, ID_COLUMN, published_relation

PREVIEW_FEATURES = 2000


def preview_svg_paths(layer_id: str) -> sql.Composable:
    """SVG path data of up to PREVIEW_FEATURES simplified geometries (Web Mercator metres).

    ``ST_AsSVG`` flips y, so the viewBox is (xmin, -ymax, width, height). Reading
    ``publish."<id>"`` means a preview can never show more than the published view.
    """
    return sql.SQL(
        "WITH box AS (SELECT ST_Extent({g}) AS b FROM {rel}) "
        "SELECT ST_XMin(b), ST_YMax(b), ST_XMax(b) - ST_XMin(b), ST_YMax(b) - ST_YMin(b), "
        "(SELECT array_agg(ST_AsSVG(ST_Simplify(t.{g}, "
        "  greatest(ST_XMax(b) - ST_XMin(b), ST_YMax(b) - ST_YMin(b)) / 800), 1, 1)) "
        " FROM (SELECT {g} FROM {rel} ORDER BY {fid} LIMIT {n}) t) FROM box"
    ).format(rel=sql.Identifier(*published_relation(layer_id)), n=sql.Literal(PREVIEW_FEATURES),
             g=sql.Identifier(GEOMETRY_3857_COLUMN), fid=sql.Identifier(ID_COLUMN))
