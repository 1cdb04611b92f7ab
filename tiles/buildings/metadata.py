"""Per-building attributes: the ``building`` class of EXT_structural_metadata.

One class describes what every feature of a building tile carries; `tiles.core.metadata`
writes its values column by column (strings as UTF-8 + offsets) and EXT_mesh_features links
every vertex to its row through ``_FEATURE_ID_0``.
"""

from __future__ import annotations

from tiles.core.metadata import MetadataClass, PropertySpec, read_property_table

__all__ = ["BUILDING_PROPERTIES", "CADASTRAL_PROPERTY", "CLASS_NAME", "SCHEMA_ID",
           "PropertySpec", "building_class", "read_property_table"]

CLASS_NAME = "building"
SCHEMA_ID = "commune_twin_buildings"

#: The attributes of every building feature, in the order they appear in the schema.
BUILDING_PROPERTIES: tuple[PropertySpec, ...] = (
    PropertySpec("id", "Identifier of the building: <layer>/<fid>."),
    PropertySpec("fid", "Feature id of the footprint in its layer.", "INT64"),
    PropertySpec("height", "Roof minus ground height, metres.", "FLOAT32"),
    PropertySpec("ground", "Ground height, metres in the vertical datum of `vertical_crs`.",
                 "FLOAT32"),
    PropertySpec("roof", "Roof height, metres in the vertical datum of `vertical_crs`.",
                 "FLOAT32"),
    PropertySpec("vertical_crs", "Vertical CRS of ground and roof (EPSG:xxxx or ellipsoid)."),
    PropertySpec("source", "Where the height comes from: lidar, floors or attribute."),
    PropertySpec("method", "How it was derived, e.g. lidar:p70-class6/ground-ring-median."),
    PropertySpec("quality", "ok, or why the height is uncertain (low_coverage, ...)."),
    PropertySpec("point_count", "LiDAR points on the roof (-1: not from LiDAR).", "INT32", -1),
    PropertySpec("coverage", "Share of the footprint with LiDAR points (-1: not from LiDAR).",
                 "FLOAT32", -1.0),
)
CADASTRAL_PROPERTY = PropertySpec(
    "cadastral_reference", "Reference of the cadastral parcel holding the building."
)


def building_class(properties: tuple[PropertySpec, ...]) -> MetadataClass:
    """The building class with ``properties`` (the default set, plus any the layer adds)."""
    return MetadataClass(SCHEMA_ID, CLASS_NAME, "Building",
                         "A LOD1 building of the commune's digital twin.", properties)
