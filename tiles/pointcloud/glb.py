"""glTF 2.0 binary (glb) POINTS contents for 3D Tiles 1.1.

Positions are float32 metres relative to the node centre; the centre itself is the glTF node
``translation`` (float64 in JSON), so precision never depends on the distance to the origin.
glTF is y-up and 3D Tiles z-up: local (east, north, up) is stored as (east, up, -north), which
the runtime rotates back. Classification and intensity are kept as `_CLASSIFICATION` and
`_INTENSITY` vertex attributes and declared as EXT_structural_metadata property attributes,
colour as normalised unsigned-byte `COLOR_0`. Vertex attributes start on 4-byte boundaries
with a 4-byte multiple stride, as the glTF specification requires.
"""

from __future__ import annotations

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


def _binary(y_up: NDArray[np.float32], records: NDArray[np.void], colour: bool
            ) -> tuple[NDArray[np.uint8], int]:
    """Positions, then interleaved intensity@0, classification@4, colour@8 (stride 8 or 12),
    assembled in place in one buffer (no intermediate copies)."""
    count = len(y_up)
    stride = 12 if colour else 8
    binary = np.zeros(12 * count + stride * count, dtype=np.uint8)
    binary[:12 * count].view("<f4").reshape(count, 3)[:] = y_up
    block = binary[12 * count:].reshape(count, stride)
    block[:, 0:2] = records["intensity"].astype("<u2").view(np.uint8).reshape(-1, 2)
    block[:, 4] = records["classification"]
    if colour:
        block[:, 8] = records["red"]
        block[:, 9] = records["green"]
        block[:, 10] = records["blue"]
    return binary, stride


def _content(y_up: NDArray[np.float32], records: NDArray[np.void],
            translation: tuple[float, float, float], colour: bool
            ) -> tuple[dict[str, Any], memoryview]:
    """The glTF document of one tile and its binary body (12 bytes a position and a stride
    of 8 or 12 keep the body 4-aligned: the container adds no padding)."""
    count = len(y_up)
    binary, stride = _binary(y_up, records, colour)
    position_length = 12 * count
    accessors: list[dict[str, Any]] = [
        {"bufferView": 0, "componentType": FLOAT, "count": count, "type": "VEC3",
         "min": [float(y_up[:, axis].min()) for axis in range(3)],
         "max": [float(y_up[:, axis].max()) for axis in range(3)]},
        {"bufferView": 1, "byteOffset": 0, "componentType": UNSIGNED_SHORT, "count": count,
         "type": "SCALAR"},
        {"bufferView": 1, "byteOffset": 4, "componentType": UNSIGNED_BYTE, "count": count,
         "type": "SCALAR"},
    ]
    attributes = {"POSITION": 0, "_INTENSITY": 1, "_CLASSIFICATION": 2}
    if colour:
        accessors.append({"bufferView": 1, "byteOffset": 8, "componentType": UNSIGNED_BYTE,
                          "normalized": True, "count": count, "type": "VEC3"})
        attributes["COLOR_0"] = 3
    document = {
        "asset": {"version": "2.0", "generator": "commune-twin tiles.pointcloud"},
        "extensionsUsed": ["EXT_structural_metadata"],
        "extensions": {"EXT_structural_metadata": {
            "schema": METADATA_SCHEMA,
            "propertyAttributes": [{"class": "point", "properties": {
                "classification": {"attribute": "_CLASSIFICATION"},
                "intensity": {"attribute": "_INTENSITY"}}}],
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
             "byteLength": len(binary) - position_length, "byteStride": stride,
             "target": ARRAY_BUFFER},
        ],
        "accessors": accessors,
    }
    return document, binary.data


def glb_bytes(y_up: NDArray[np.float32], records: NDArray[np.void],
              translation: tuple[float, float, float], colour: bool) -> bytes:
    """The glb of one tile: positions (n, 3) float32 metres about ``translation`` in glTF's
    y-up axes (east, up, -north); ``translation`` in the local z-up frame."""
    return core_glb.glb_bytes(*_content(y_up, records, translation, colour))


def write_glb(path: Path, y_up: NDArray[np.float32], records: NDArray[np.void],
              translation: tuple[float, float, float], colour: bool) -> int:
    """Write a glb (see `glb_bytes`) without assembling it in memory; returns its size."""
    return core_glb.write_glb(path, *_content(y_up, records, translation, colour))
