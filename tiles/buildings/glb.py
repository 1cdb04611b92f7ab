"""A minimal binary glTF 2.0 (glb) writer on numpy arrays.

Everything goes into one binary buffer; every buffer view starts on an 8-byte boundary (what
EXT_structural_metadata asks of property-table views, and more than any accessor needs).
"""

from __future__ import annotations

import json
import struct
from typing import Any

import numpy as np
from numpy.typing import NDArray

GLB_MAGIC = 0x46546C67
CHUNK_JSON = 0x4E4F534A
CHUNK_BIN = 0x004E4942
ARRAY_BUFFER = 34962
ELEMENT_ARRAY_BUFFER = 34963

#: glTF component types of the numpy dtypes we write.
COMPONENT_TYPES: dict[np.dtype[Any], int] = {
    np.dtype(np.int8): 5120,
    np.dtype(np.uint8): 5121,
    np.dtype(np.int16): 5122,
    np.dtype(np.uint16): 5123,
    np.dtype(np.uint32): 5125,
    np.dtype(np.float32): 5126,
}
ACCESSOR_TYPES = {1: "SCALAR", 2: "VEC2", 3: "VEC3", 4: "VEC4"}


def _padded(data: bytes, alignment: int, fill: bytes) -> bytes:
    remainder = len(data) % alignment
    return data if remainder == 0 else data + fill * (alignment - remainder)


class GlbBuilder:
    """Collects buffer views and accessors, then writes the glb container."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._length = 0
        self.buffer_views: list[dict[str, Any]] = []
        self.accessors: list[dict[str, Any]] = []

    def add_view(self, data: bytes, target: int | None = None) -> int:
        """Append bytes as a buffer view (8-byte aligned); returns its index."""
        view: dict[str, Any] = {"buffer": 0, "byteOffset": self._length, "byteLength": len(data)}
        if target is not None:
            view["target"] = target
        padded = _padded(data, 8, b"\x00")
        self._chunks.append(padded)
        self._length += len(padded)
        self.buffer_views.append(view)
        return len(self.buffer_views) - 1

    def add_accessor(
        self, array: NDArray[Any], target: int | None, with_bounds: bool = False
    ) -> int:
        """A tightly packed accessor over ``array`` (1-D scalars or 2-D vectors)."""
        array = np.ascontiguousarray(array)
        components = 1 if array.ndim == 1 else int(array.shape[1])
        accessor: dict[str, Any] = {
            "bufferView": self.add_view(array.tobytes(), target),
            "componentType": COMPONENT_TYPES[array.dtype],
            "count": int(array.shape[0]),
            "type": ACCESSOR_TYPES[components],
        }
        if with_bounds:
            shaped = array.reshape(array.shape[0], components)
            accessor["min"] = [float(v) for v in shaped.min(axis=0)]
            accessor["max"] = [float(v) for v in shaped.max(axis=0)]
        self.accessors.append(accessor)
        return len(self.accessors) - 1

    def binary(self) -> bytes:
        return b"".join(self._chunks)

    def to_glb(self, document: dict[str, Any]) -> bytes:
        """The glb file: the JSON document (buffers/views/accessors filled in) and the BIN."""
        body = self.binary()
        document = {
            **document,
            "buffers": [{"byteLength": len(body)}],
            "bufferViews": self.buffer_views,
            "accessors": self.accessors,
        }
        text = json.dumps(document, separators=(",", ":"), allow_nan=False).encode("utf-8")
        json_chunk = _padded(text, 4, b" ")
        bin_chunk = _padded(body, 4, b"\x00")
        total = 12 + 8 + len(json_chunk) + 8 + len(bin_chunk)
        return b"".join([
            struct.pack("<III", GLB_MAGIC, 2, total),
            struct.pack("<II", len(json_chunk), CHUNK_JSON), json_chunk,
            struct.pack("<II", len(bin_chunk), CHUNK_BIN), bin_chunk,
        ])


def read_glb(data: bytes) -> tuple[dict[str, Any], bytes]:
    """The JSON document and the binary chunk of a glb (used to check what we wrote)."""
    magic, version, total = struct.unpack_from("<III", data, 0)
    if magic != GLB_MAGIC or version != 2 or total != len(data):
        raise ValueError("not a glb 2.0 file")
    json_length, _ = struct.unpack_from("<II", data, 12)
    document: dict[str, Any] = json.loads(data[20 : 20 + json_length])
    offset = 20 + json_length
    bin_length, _ = struct.unpack_from("<II", data, offset)
    return document, data[offset + 8 : offset + 8 + bin_length]


def view_bytes(document: dict[str, Any], body: bytes, view: int) -> bytes:
    """The bytes of one buffer view."""
    spec = document["bufferViews"][view]
    start = spec.get("byteOffset", 0)
    return body[start : start + spec["byteLength"]]
