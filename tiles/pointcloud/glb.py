"""glTF 2.0 binary (glb) POINTS contents for 3D Tiles 1.1.

Positions are float32 metres relative to the node centre; the centre itself is the glTF node
``translation`` (float64 in JSON), so precision never depends on the distance to the origin.
glTF is y-up and 3D Tiles z-up: local (east, north, up) is stored as (east, up, -north), which
the runtime rotates back. Classification and intensity are kept as `_CLASSIFICATION` and
`_INTENSITY` vertex attributes and declared as EXT_structural_metadata property attributes,
as are the return number and number of returns (`_RETURN_NUMBER`, `_NUMBER_OF_RETURNS`) when
the sources have them (the viewer tells first, intermediate and last returns apart with the
pair), colour as normalised unsigned-byte `COLOR_0`. Vertex attributes start on 4-byte boundaries
with a 4-byte multiple stride, as the glTF specification requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tiles.core import glb as core_glb
from tiles.core.glb import ARRAY_BUFFER, FLOAT, POINTS, UNSIGNED_BYTE, UNSIGNED_SHORT

METADATA_SCHEMA: dict[str, Any] = {
    "id": "pointcloud",
    "classes": {
        "point": {
            "name": "LiDAR point",
            "properties": {
                "classification": {"type": "SCALAR", "componentType": "UINT8",
                                   "description": "ASPRS LAS classification code"},
                "intensity": {"type": "SCALAR", "componentType": "UINT16",
                              "description": "Return pulse intensity as recorded"},
            },
        }
    },
}
#: The schema of tiles whose points carry returns: the same class with two more properties.
RETURNS_SCHEMA: dict[str, Any] = {"id": "pointcloud_returns", "classes": {"point": {
    **METADATA_SCHEMA["classes"]["point"],
    "properties": {
        **METADATA_SCHEMA["classes"]["point"]["properties"],
        "return_number": {"type": "SCALAR", "componentType": "UINT8",
                          "description": "Return number of the point within its pulse "
                                         "(1 = first; 0 = not recorded)"},
        "number_of_returns": {"type": "SCALAR", "componentType": "UINT8",
                              "description": "Number of returns of the point's pulse (the "
                                             "last return has return_number equal to it)"},
    },
}}}


@dataclass(frozen=True)
class Interleave:
    """Where each per-point attribute sits in the interleaved block: intensity@0,
    classification@4, then return number and number of returns (when the build has them),
    then colour, each on a 4-byte boundary as glTF requires of vertex attributes."""

    colour: bool
    returns: bool

    @property
    def returns_at(self) -> int:
        return 8

    @property
    def colour_at(self) -> int:
        return 16 if self.returns else 8

    @property
    def stride(self) -> int:
        return self.colour_at + (4 if self.colour else 0)


def _binary(y_up: NDArray[np.float32], records: NDArray[np.void], layout: Interleave
            ) -> NDArray[np.uint8]:
    """Positions, then the interleaved attributes (see `Interleave`), assembled in place in
    one buffer (no intermediate copies)."""
    count = len(y_up)
    stride = layout.stride
    binary = np.zeros(12 * count + stride * count, dtype=np.uint8)
    binary[:12 * count].view("<f4").reshape(count, 3)[:] = y_up
    block = binary[12 * count:].reshape(count, stride)
    block[:, 0:2] = records["intensity"].astype("<u2").view(np.uint8).reshape(-1, 2)
    block[:, 4] = records["classification"]
    if layout.returns:
        block[:, layout.returns_at] = records["return_number"]
        block[:, layout.returns_at + 4] = records["number_of_returns"]
    if layout.colour:
        at = layout.colour_at
        block[:, at] = records["red"]
        block[:, at + 1] = records["green"]
        block[:, at + 2] = records["blue"]
    return binary


def _scalar(offset: int, component: int, count: int) -> dict[str, Any]:
    return {"bufferView": 1, "byteOffset": offset, "componentType": component, "count": count,
            "type": "SCALAR"}


def _content(y_up: NDArray[np.float32], records: NDArray[np.void],
             translation: tuple[float, float, float], layout: Interleave
             ) -> tuple[dict[str, Any], memoryview]:
    """The glTF document of one tile and its binary body (12 bytes a position and a stride
    multiple of 4 keep the body 4-aligned: the container adds no padding)."""
    count = len(y_up)
    binary = _binary(y_up, records, layout)
    position_length = 12 * count
    accessors: list[dict[str, Any]] = [
        {"bufferView": 0, "componentType": FLOAT, "count": count, "type": "VEC3",
         "min": [float(y_up[:, axis].min()) for axis in range(3)],
         "max": [float(y_up[:, axis].max()) for axis in range(3)]},
        _scalar(0, UNSIGNED_SHORT, count),
        _scalar(4, UNSIGNED_BYTE, count),
    ]
    attributes = {"POSITION": 0, "_INTENSITY": 1, "_CLASSIFICATION": 2}
    properties = {"classification": {"attribute": "_CLASSIFICATION"},
                  "intensity": {"attribute": "_INTENSITY"}}
    schema = METADATA_SCHEMA
    if layout.returns:
        for attribute, offset in (("_RETURN_NUMBER", layout.returns_at),
                                  ("_NUMBER_OF_RETURNS", layout.returns_at + 4)):
            attributes[attribute] = len(accessors)
            accessors.append(_scalar(offset, UNSIGNED_BYTE, count))
        properties["return_number"] = {"attribute": "_RETURN_NUMBER"}
        properties["number_of_returns"] = {"attribute": "_NUMBER_OF_RETURNS"}
        schema = RETURNS_SCHEMA
    if layout.colour:
        attributes["COLOR_0"] = len(accessors)
        accessors.append({"bufferView": 1, "byteOffset": layout.colour_at,
                          "componentType": UNSIGNED_BYTE, "normalized": True, "count": count,
                          "type": "VEC3"})
    document = {
        "asset": {"version": "2.0", "generator": "commune-twin tiles.pointcloud"},
        "extensionsUsed": ["EXT_structural_metadata"],
        "extensions": {"EXT_structural_metadata": {
            "schema": schema,
            "propertyAttributes": [{"class": "point", "properties": properties}],
        }},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "translation": [translation[0], translation[2], -translation[1]]}],
        "meshes": [{"primitives": [{
            "attributes": attributes, "mode": POINTS,
            "extensions": {"EXT_structural_metadata": {"propertyAttributes": [0]}},
        }]}],
        "buffers": [{"byteLength": len(binary)}],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": position_length,
             "target": ARRAY_BUFFER},
            {"buffer": 0, "byteOffset": position_length,
             "byteLength": len(binary) - position_length, "byteStride": layout.stride,
             "target": ARRAY_BUFFER},
        ],
        "accessors": accessors,
    }
    return document, binary.data


def glb_bytes(y_up: NDArray[np.float32], records: NDArray[np.void],
              translation: tuple[float, float, float], colour: bool,
              returns: bool = False) -> bytes:
    """The glb of one tile: positions (n, 3) float32 metres about ``translation`` in glTF's
    y-up axes (east, up, -north); ``translation`` in the local z-up frame."""
    return core_glb.glb_bytes(*_content(y_up, records, translation,
                                        Interleave(colour, returns)))


def write_glb(path: Path, y_up: NDArray[np.float32], records: NDArray[np.void],
              translation: tuple[float, float, float], colour: bool,
              returns: bool = False) -> int:
    """Write a glb (see `glb_bytes`) without assembling it in memory; returns its size."""
    return core_glb.write_glb(path, *_content(y_up, records, translation,
                                              Interleave(colour, returns)))
