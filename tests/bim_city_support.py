"""The BIM in the city: a small Delft building layer (the BGT footprints of the demo block,
heights from an assumed floor count, NAP) and the Duplex placed on one of its buildings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyogrio
import shapely
from bim_support import DUPLEX, load_ifc
from buildings_support import DELFT_PAND, spec
from sqlalchemy import Engine

from gis import registry
from gis.anonymise import refresh_published_view
from gis.bim.georef import user_placement
from gis.bim.store import BimLoadResult
from gis.city import sql
from gis.city.derive import heights_from_floors
from gis.ingest import ingest_vector

#: the Duplex on a yard of the block: it only grazes a house (below the threshold)
ON_A_YARD = "84959.7,447521.1,0"
#: the Duplex on a house of the block, as scripts/demo.sh places it (overlap 98 % of the house)
ON_A_HOUSE, ON_A_HOUSE_ROTATION = "84941.4,447562.1,0", 307.44


@dataclass(frozen=True)
class City:
    layer: str
    footprints: dict[int, shapely.Geometry]  # fid -> footprint (RD New)


def small_city(engine: Engine, layer_id: str, folder: Path) -> City:
    """The BGT footprints as an open layer with heights (3 floors of 3 m on NAP 0)."""
    frame = pyogrio.read_dataframe(DELFT_PAND, columns=["lokaalid"])
    features = [{"type": "Feature", "properties": {"lokaalid": str(key), "floors": 3},
                 "geometry": shapely.geometry.mapping(geometry)}
                for key, geometry in zip(frame["lokaalid"], frame.geometry, strict=True)]
    path = folder / f"{layer_id}.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features,
                                "crs": {"type": "name",
                                        "properties": {"name": "EPSG:28992"}}}))
    ingest_vector(engine, spec(layer_id), path, default_storage_crs="EPSG:28992")
    with engine.begin() as conn:
        refresh_published_view(conn, registry.get_layer(conn, layer_id))
    heights_from_floors(engine, layer_id, "floors", 3.0, vertical_crs="EPSG:5709")
    with engine.connect() as conn:
        rows = sql.footprints(conn, layer_id)
    return City(layer_id, {int(r.fid): shapely.from_wkb(bytes(r.wkb)) for r in rows})


def duplex_at(engine: Engine, layer_id: str, origin: str, rotation: float, folder: Path,
              access_level: str = "open") -> BimLoadResult:
    placement = user_placement(origin, "EPSG:28992+5709", rotation)
    return load_ifc(engine, layer_id, DUPLEX, folder, placement=placement,
                    access_level=access_level)


def house_under(city: City, origin: str) -> int:
    """The fid of the footprint holding the origin (found here with shapely, not PostGIS)."""
    east, north, _ = (float(v) for v in origin.split(","))
    point = shapely.Point(east, north)
    return next(fid for fid, footprint in city.footprints.items() if footprint.contains(point))
