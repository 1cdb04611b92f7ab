"""Per-feature attributes in a glb: EXT_structural_metadata property tables, EXT_mesh_features.

Every product whose features carry attributes (buildings, BIM elements, terrain cells)
declares them once as `PropertySpec`s of one class; `metadata_schema` is the extension's
schema, `add_property_table` writes the values column by column as buffer views of a
`GlbBuilder` (which starts every view on 8 bytes, as the extension asks; strings as UTF-8
values plus UINT32 offsets), and `mesh_features` links each vertex to its table row through a
``_FEATURE_ID_n`` attribute. `read_property_table` decodes a table back, for checks and tests.
Point clouds describe per-point attributes (property *attributes*, no table) themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from tiles.core.glb import GlbBuilder, view_bytes

ComponentType = Literal["INT32", "INT64", "UINT32", "FLOAT32", "FLOAT64"]

#: The numpy type each scalar component type is stored as (little-endian, tightly packed).
NUMPY_TYPES: dict[str, type[np.generic]] = {
    "INT32": np.int32,
    "INT64": np.int64,
    "UINT32": np.uint32,
    "FLOAT32": np.float32,
    "FLOAT64": np.float64,
}

#: A column of values: numbers as an array, strings as anything iterable of str-able values.
Column = NDArray[Any] | Sequence[Any]


@dataclass(frozen=True)
class PropertySpec:
    """One attribute of a metadata class; ``component`` is None for strings.

    ``no_data`` makes the property optional: viewers show the value as absent instead of a
    sentinel such as -1 (EXT_structural_metadata has no nulls in a table).
    """

    name: str
    description: str
    component: ComponentType | None = None
    no_data: float | int | None = None

    def class_property(self) -> dict[str, Any]:
        """The property's definition in the schema's class."""
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


@dataclass(frozen=True)
class MetadataClass:
    """One class of features and the schema holding it (one class per product so far)."""

    schema_id: str
    class_id: str
    name: str
    description: str
    properties: tuple[PropertySpec, ...]


def metadata_schema(cls: MetadataClass) -> dict[str, Any]:
    """The EXT_structural_metadata ``schema`` object declaring ``cls``."""
    return {
        "id": cls.schema_id,
        "classes": {
            cls.class_id: {
                "name": cls.name,
                "description": cls.description,
                "properties": {p.name: p.class_property() for p in cls.properties},
            }
        },
    }


def _string_columns(values: list[str]) -> tuple[bytes, bytes]:
    """UTF-8 values back to back and the UINT32 offsets of each (count + 1 of them)."""
    encoded = [value.encode("utf-8") for value in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.uint32)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return b"".join(encoded), offsets.tobytes()


def add_property_table(builder: GlbBuilder, cls: MetadataClass,
                       columns: Mapping[str, Column], count: int) -> dict[str, Any]:
    """Write the column of every property of ``cls`` as buffer views; returns the table's
    JSON (to put in ``propertyTables``). Views are added in property order, strings as
    values then offsets, so the same input always gives the same bytes."""
    table: dict[str, Any] = {"class": cls.class_id, "count": count, "properties": {}}
    for spec in cls.properties:
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


def mesh_features(feature_count: int, attribute: int = 0, property_table: int = 0
                  ) -> dict[str, Any]:
    """A primitive's EXT_mesh_features: vertices carry their feature (table row) in
    ``_FEATURE_ID_<attribute>``, so picking one shows its row of ``property_table``."""
    return {"featureIds": [{"featureCount": feature_count, "attribute": attribute,
                            "propertyTable": property_table}]}


def read_property_table(document: dict[str, Any], body: bytes, index: int = 0
                        ) -> dict[str, list[Any]]:
    """Decode property table ``index`` of a glb (its JSON and BIN chunk, see `read_glb`)."""
    extension = document["extensions"]["EXT_structural_metadata"]
    table = extension["propertyTables"][index]
    definitions = extension["schema"]["classes"][table["class"]]["properties"]
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
