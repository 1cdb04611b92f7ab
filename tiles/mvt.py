"""Mapbox Vector Tiles of a vector layer, built by PostGIS from its stored EPSG:3857 column.

One statement per tile: ``ST_TileEnvelope`` selects through the GIST index of ``geom_3857``,
``ST_AsMVTGeom`` clips and quantises, ``ST_AsMVT`` encodes with ``fid`` as the feature id. At
low zooms (below ``DETAIL_ZOOM``) features smaller than half a display pixel are dropped and
the number of features per tile is capped, so z12 tiles over dense parcels stay small and fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Select, column, func, literal, literal_column, or_, select, table

#: Zoom levels of the WebMercatorQuad tile matrix set we serve.
MIN_ZOOM = 0
MAX_ZOOM = 22
#: From this zoom on every feature is kept (no size filter, no cap).
DETAIL_ZOOM = 14
EXTENT = 4096
BUFFER = 64
WORLD_WIDTH = 40_075_016.685_578_49
#: Display pixels per tile used by the size filter (a 512-px tile, as MapLibre draws them).
DISPLAY_PIXELS = 512


@dataclass(frozen=True)
class TileRequest:
    """One tile of one layer: where its table is and which attributes travel with it."""

    schema: str
    table: str
    layer_name: str
    attributes: Sequence[str]
    z: int
    x: int
    y: int
    max_features: int


def valid_tile(z: int, x: int, y: int) -> bool:
    """Whether (z, x, y) lies inside WebMercatorQuad within the served zoom range."""
    return MIN_ZOOM <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


def min_feature_size(z: int) -> float:
    """Metres under which a feature is dropped at zoom ``z`` (half a display pixel)."""
    return float(WORLD_WIDTH / (2**z * DISPLAY_PIXELS) / 2)


def tile_statement(request: TileRequest) -> Select[Any]:
    """``SELECT ST_AsMVT(...)``: the encoded tile (an empty bytea when nothing intersects)."""
    rel = table(request.table, column("fid"), column("geom_3857"),
                *(column(a) for a in request.attributes), schema=request.schema)
    bounds = func.ST_TileEnvelope(*(literal_column(str(int(v)), Integer)
                                    for v in (request.z, request.x, request.y)))
    geometry = func.ST_AsMVTGeom(rel.c.geom_3857, bounds, literal_column(str(EXTENT)),
                                 literal_column(str(BUFFER)), literal_column("true"))
    inner = select(rel.c.fid, *(rel.c[a] for a in request.attributes),
                   geometry.label("mvt_geom")).where(rel.c.geom_3857.op("&&")(bounds))
    if request.z < DETAIL_ZOOM:
        size = literal(min_feature_size(request.z))
        g = rel.c.geom_3857
        inner = inner.where(or_(func.ST_XMax(g) - func.ST_XMin(g) >= size,
                                func.ST_YMax(g) - func.ST_YMin(g) >= size))
        inner = inner.limit(request.max_features)
    features = inner.subquery("features")
    return select(func.ST_AsMVT(
        literal_column("features"), literal(request.layer_name), literal_column(str(EXTENT)),
        literal("mvt_geom"), literal("fid"),
    )).select_from(features)
