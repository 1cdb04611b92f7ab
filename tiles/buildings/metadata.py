"""Per-building attributes as an EXT_structural_metadata property table.

One class (``building``) describes what every feature of a building tile carries; the glb
holds its values column by column in buffer views (strings as UTF-8 + offsets), and
EXT_mesh_features links every vertex to its row through ``_FEATURE_ID_0``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from tiles.core.glb import GlbBuilder, view_bytes

ComponentType = Literal["INT32", "INT64", "UINT32", "FLOAT32", "FLOAT64"]
CLASS_NAME = "building"
SCHEMA_ID = "commune_twin_buildings"

NUMPY_TYPES: dict[str, type[np.generic]] = {
    "INT32": np.int32,
    "INT64": np.int64,
    "UINT32": np.uint32,
    "FLOAT32": np.float32,
    "FLOAT64": np.float64,
}


@dataclass(frozen=True)
class PropertySpec:
    """One attribute of the building class; ``component`` is None for strings."""

    name: str
    description: str
    component: ComponentType | None = None
    no_data: float | int | None = None

    def class_property(self) -> dict[str, Any]:
        definition: dict[str, Any] = {"description": self.description}
        if self.component is None:
            definition["type"] = "STRING"
        else:
            definition.update(type="SCALAR", componentType=self.component)
        if self.no_data is not None:
            definition.update(required=False, noData=self.no_data)
        else:
            definition["required"] = True
        return definition


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


def schema(properties: tuple[PropertySpec, ...]) -> dict[str, Any]:
    """The EXT_structural_metadata schema of building tiles."""
    return {
        "id": SCHEMA_ID,
        "classes": {
            CLASS_NAME: {
                "name": "Building",
                "description": "A LOD1 building of the commune's digital twin.",
                "properties": {p.name: p.class_property() for p in properties},
            }
        },
    }


def _string_columns(values: list[str]) -> tuple[bytes, bytes]:
    encoded = [value.encode("utf-8") for value in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.uint32)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return b"".join(encoded), offsets.tobytes()


def add_property_table(
    builder: GlbBuilder,
    properties: tuple[PropertySpec, ...],
    columns: dict[str, NDArray[Any] | list[str]],
    count: int,
) -> dict[str, Any]:
    """Write every column as buffer views; returns the property table JSON."""
    table: dict[str, Any] = {"class": CLASS_NAME, "count": count, "properties": {}}
    for spec in properties:
        column = columns[spec.name]
        if spec.component is None:
            values, offsets = _string_columns([str(v) for v in column])
            table["properties"][spec.name] = {
                "values": builder.add_view(values),
                "stringOffsets": builder.add_view(offsets),
                "stringOffsetType": "UINT32",
            }
        else:
            array = np.asarray(column, dtype=NUMPY_TYPES[spec.component])
            table["properties"][spec.name] = {"values": builder.add_view(array.tobytes())}
    return table


def read_property_table(document: dict[str, Any], body: bytes) -> dict[str, list[Any]]:
    """Decode the first property table of a glb we wrote (tests and tools read it back)."""
    extension = document["extensions"]["EXT_structural_metadata"]
    definitions = extension["schema"]["classes"][CLASS_NAME]["properties"]
    table = extension["propertyTables"][0]
    count = table["count"]
    result: dict[str, list[Any]] = {}
    for name, column in table["properties"].items():
        values = view_bytes(document, body, column["values"])
        if definitions[name]["type"] == "STRING":
            offsets = np.frombuffer(view_bytes(document, body, column["stringOffsets"]),
                                    dtype=np.uint32)
            result[name] = [values[offsets[i] : offsets[i + 1]].decode("utf-8")
                            for i in range(count)]
        else:
            dtype = NUMPY_TYPES[definitions[name]["componentType"]]
            result[name] = np.frombuffer(values, dtype=dtype, count=count).tolist()
    return result
