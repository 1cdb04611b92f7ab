"""Buildings with measured heights, read from PostGIS, ready for tiles or CityJSON."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import Connection

from gis import registry
from gis.city import buildings as city
from tiles.buildings.build import BuildingSet
from tiles.buildings.metadata import BUILDING_PROPERTIES, CADASTRAL_PROPERTY
from tiles.errors import BuildInputError

STRING_COLUMNS = ("id", "vertical_crs", "source", "method", "quality", "cadastral_reference")


def building_set(
    conn: Connection, layer_id: str, parcels: tuple[str, str] | None = None
) -> BuildingSet:
    """The layer's footprints joined with their stored heights (``twin build heights``).

    ``parcels`` = (parcel layer, reference column) adds each building's cadastral reference.
    The CRS is the layer's storage CRS plus the vertical CRS of the heights, so the geoid is
    applied when the heights are orthometric.
    """
    layer = registry.get_layer(conn, layer_id)
    run = city.height_run(conn, layer_id)
    if run is None:
        raise BuildInputError(
            f"layer {layer_id!r} has no heights: run `twin build heights {layer_id}` first")
    if parcels is not None:
        registry.get_layer(conn, parcels[0])
        if not city.has_attribute(conn, parcels[0], parcels[1]):
            raise BuildInputError(f"parcel layer {parcels[0]!r} has no column {parcels[1]!r}")
    vertical = run["vertical_crs"]
    crs = f"EPSG:{layer.storage_srid}" + (f"+{vertical.split(':')[1]}" if vertical else "")
    rows = city.buildings_with_heights(conn, layer_id, parcels)
    return _assemble(layer_id, crs, vertical or "ellipsoid", list(rows), parcels is not None)


def _assemble(layer_id: str, crs: str, vertical: str, rows: list[Any],
              with_parcels: bool) -> BuildingSet:
    count = len(rows)
    ground = np.fromiter((r.ground_height for r in rows), dtype=np.float64, count=count)
    roof = np.fromiter((r.roof_height for r in rows), dtype=np.float64, count=count)
    columns: dict[str, Any] = {
        "id": [f"{layer_id}/{r.fid}" for r in rows],
        "fid": np.fromiter((r.fid for r in rows), dtype=np.int64, count=count),
        "height": roof - ground, "ground": ground, "roof": roof,
        "vertical_crs": [vertical] * count,
        "source": [r.source for r in rows], "method": [r.method for r in rows],
        "quality": [r.flag for r in rows],
        "point_count": np.array([-1 if r.point_count is None else r.point_count for r in rows],
                                dtype=np.int32),
        "coverage": np.array([-1.0 if r.coverage is None else r.coverage for r in rows]),
        "cadastral_reference": [r.cadastral_reference or "" for r in rows],
    }
    for name in STRING_COLUMNS:
        columns[name] = np.asarray(columns[name], dtype=object)
    properties = BUILDING_PROPERTIES + ((CADASTRAL_PROPERTY,) if with_parcels else ())
    wkb = np.empty(count, dtype=object)
    wkb[:] = [bytes(r.wkb) for r in rows]
    return BuildingSet(crs=crs, wkb=wkb, ground=ground, roof=roof, properties=properties,
                       columns=columns)
