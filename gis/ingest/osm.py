"""OpenStreetMap tag mappings: which OSM objects make a roads or a facilities layer.

GDAL's OSM driver reads the file with our packaged ``osmconf.ini``, which promotes exactly the
tags these layers keep to columns (no ``other_tags`` hstore to parse afterwards).

* ``roads``: every way with a ``highway=*`` tag, as LineStrings, keeping name, highway, ref,
  oneway, maxspeed, surface, lanes, bridge, tunnel, layer, access, lit, cycleway, sidewalk.
* ``facilities``: public services mapped as nodes or as areas (closed ways, multipolygon
  relations), stored as **points** -- an area becomes a point on its surface -- so a
  facilities layer has one geometry type and one symbol per facility whatever the mapper drew
  (INSPIRE Governmental Services' serviceLocation is a point too). Kept: ``amenity`` in
  `AMENITIES` or ``leisure`` in `LEISURES`; the ``access`` tag is kept as a column (a
  private pool is still a pool the planners want to see; the public map can filter it).
  ``leisure=pitch`` is left out on purpose: pitches are numerous, usually part of a school or
  a sports centre already listed, and often private. ``osm_id`` is ``node/N``, ``way/N`` or
  ``relation/N`` (unique across both OGR layers); ``category`` is the amenity or leisure value.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from gis.errors import IngestError
from gis.ingest.sources import GdalSource, ReadPart, gdal_path, known_count, read_info
from gis.model import LayerSpec

CONFIG_FILE = Path(__file__).with_name("osmconf.ini")

AMENITIES: tuple[str, ...] = (
    "school", "kindergarten", "childcare", "college", "university", "library", "townhall",
    "courthouse", "public_building", "fire_station", "police", "post_office", "hospital",
    "clinic", "community_centre", "social_facility", "arts_centre",
)
LEISURES: tuple[str, ...] = (
    "swimming_pool", "sports_centre", "sports_hall", "stadium", "ice_rink", "water_park",
)
ROAD_COLUMNS: tuple[str, ...] = (
    "osm_id", "name", "highway", "ref", "oneway", "maxspeed", "surface", "lanes", "bridge",
    "tunnel", "layer", "access", "lit", "cycleway", "sidewalk",
)
FACILITY_COLUMNS: tuple[str, ...] = (
    "name", "amenity", "leisure", "sport", "operator", "website", "wheelchair", "access",
)
GEOMETRY = "wkb_geometry"


def open_options() -> dict[str, str]:
    return {"CONFIG_FILE": str(CONFIG_FILE)}


class OsmSource(GdalSource):
    """An OpenStreetMap extract (.osm, .pbf, compressed or not) read as a roads or a
    facilities layer: the OGR layers, filters and batch mappers of its ``osm_mapping``."""

    @classmethod
    def options(cls, path: Path) -> dict[str, str]:
        return open_options()

    @classmethod
    def open(cls, path: Path, spec: LayerSpec) -> OsmSource:
        label = str(path)
        if spec.osm_mapping is None:
            raise IngestError(label, "an OpenStreetMap file needs osm_mapping: roads|facilities")
        location, options = gdal_path(path), cls.options(path)
        parts = read_parts(spec.osm_mapping)
        info = read_info(label, location, parts[0].layer, options)
        return cls(path=path, gdal_path=location, kind="osm", parts=parts, crs=info.get("crs"),
                   declared_type=declared_type(spec.osm_mapping), open_options=options,
                   feature_estimate=known_count(info))


def declared_type(mapping: str | None) -> str:
    return "LineString" if mapping == "roads" else "Point"


def _in_list(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)  # constants of this module, not user input
    return f"{column} IN ({quoted})"


def facilities_filter() -> str:
    """The OGR SQL attribute filter selecting facilities (constants only)."""
    return f"{_in_list('amenity', AMENITIES)} OR {_in_list('leisure', LEISURES)}"


def read_parts(mapping: str) -> tuple[ReadPart, ...]:
    if mapping == "roads":
        return (ReadPart(layer="lines", where="highway IS NOT NULL", mapper=_roads),)
    return (
        ReadPart(layer="points", where=facilities_filter(), mapper=_facility_nodes),
        ReadPart(layer="multipolygons", where=facilities_filter(), mapper=_facility_areas),
    )


def _roads(batch: pa.RecordBatch) -> pa.RecordBatch:
    ids = pc.binary_join_element_wise("way/", batch.column("osm_id"), "")
    arrays = [ids, *(batch.column(name) for name in ROAD_COLUMNS[1:]), batch.column(GEOMETRY)]
    return pa.RecordBatch.from_arrays(arrays, names=[*ROAD_COLUMNS, GEOMETRY])


def _facility_batch(batch: pa.RecordBatch, ids: pa.Array, geometry: pa.Array) -> pa.RecordBatch:
    category = pc.coalesce(batch.column("amenity"), batch.column("leisure"))
    arrays = [ids, category, *(batch.column(name) for name in FACILITY_COLUMNS), geometry]
    names = ["osm_id", "category", *FACILITY_COLUMNS, GEOMETRY]
    return pa.RecordBatch.from_arrays(arrays, names=names)


def _facility_nodes(batch: pa.RecordBatch) -> pa.RecordBatch:
    ids = pc.binary_join_element_wise("node/", batch.column("osm_id"), "")
    return _facility_batch(batch, ids, batch.column(GEOMETRY))


def _facility_areas(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Areas become a point on their surface; ids say whether they were a way or a relation."""
    way = pc.binary_join_element_wise("way/", batch.column("osm_way_id"), "")
    relation = pc.binary_join_element_wise("relation/", batch.column("osm_id"), "")
    ids = pc.coalesce(way, relation)
    areas = shapely.from_wkb(
        np.asarray(batch.column(GEOMETRY).to_pylist(), dtype=object), on_invalid="ignore"
    )
    invalid = ~shapely.is_valid(areas) & ~shapely.is_missing(areas)
    areas[invalid] = shapely.make_valid(areas[invalid])
    points = shapely.point_on_surface(areas)
    wkb = pa.array(list(shapely.to_wkb(points)), type=pa.binary())
    return _facility_batch(batch, ids, wkb)
