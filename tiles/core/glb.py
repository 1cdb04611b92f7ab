"""glTF 2.0 binary (glb): one container writer, a buffer/accessor builder, a reader.

A glb is a 12-byte header, a JSON chunk padded with spaces and a BIN chunk padded with
zeros, both to 4 bytes. `GlbBuilder` collects buffer views on 8-byte boundaries (what
EXT_structural_metadata asks of property-table views, and more than any accessor needs);
products with their own binary layout (interleaved point attributes) hand `glb_chunks` a
finished body instead, and large contents are written chunk by chunk, never assembled.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

GLB_MAGIC = 0x46546C67  # "glTF"
GLB_VERSION = 2
CHUNK_JSON = 0x4E4F534A  # "JSON"
CHUNK_BIN = 0x004E4942  # "BIN\0"
ARRAY_BUFFER = 34962
ELEMENT_ARRAY_BUFFER = 34963
POINTS = 0
TRIANGLES = 4
BYTE, UNSIGNED_BYTE, SHORT, UNSIGNED_SHORT, UNSIGNED_INT, FLOAT = (
    5120, 5121, 5122, 5123, 5125, 5126)

#: glTF component types of the numpy dtypes we write.
COMPONENT_TYPES: dict[np.dtype[Any], int] = {
    np.dtype(np.int8): BYTE,
    np.dtype(np.uint8): UNSIGNED_BYTE,
    np.dtype(np.int16): SHORT,
    np.dtype(np.uint16): UNSIGNED_SHORT,
    np.dtype(np.uint32): UNSIGNED_INT,
    np.dtype(np.float32): FLOAT,
}
ACCESSOR_TYPES = {1: "SCALAR", 2: "VEC2", 3: "VEC3", 4: "VEC4"}

Chunk = bytes | memoryview


def padded(data: bytes, alignment: int, fill: bytes) -> bytes:
    """``data`` extended with ``fill`` to a multiple of ``alignment`` bytes."""
    remainder = len(data) % alignment
    return data if remainder == 0 else data + fill * (alignment - remainder)


def glb_chunks(document: dict[str, Any], body: Chunk) -> list[Chunk]:
    """The glb of a complete glTF document (buffers, views and accessors filled in) and its
    binary body, as consecutive pieces to write or join."""
    text = json.dumps(document, separators=(",", ":"), allow_nan=False).encode("utf-8")
    json_chunk = padded(text, 4, b" ")
    tail = (-len(body)) % 4
    total = 12 + 8 + len(json_chunk) + 8 + len(body) + tail
    chunks: list[Chunk] = [
        struct.pack("<III", GLB_MAGIC, GLB_VERSION, total),
        struct.pack("<II", len(json_chunk), CHUNK_JSON), json_chunk,
        struct.pack("<II", len(body) + tail, CHUNK_BIN), body,
    ]
    if tail:
        chunks.append(b"\x00" * tail)
    return chunks


def glb_bytes(document: dict[str, Any], body: Chunk) -> bytes:
    """The glb of `glb_chunks`, as one bytes object."""
    return b"".join(glb_chunks(document, body))


def write_glb(path: Path, document: dict[str, Any], body: Chunk) -> int:
    """Write the glb of `glb_chunks` without assembling it in memory; returns its size."""
    chunks = glb_chunks(document, body)
    with path.open("wb") as stream:
        stream.writelines(chunks)
    return sum(len(chunk) for chunk in chunks)


class GlbBuilder:
    """Collects buffer views and accessors over one binary buffer, then writes the glb."""

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
        aligned = padded(data, 8, b"\x00")
        self._chunks.append(aligned)
        self._length += len(aligned)
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
        """The BIN chunk's content: every view, each padded to 8 bytes."""
        return b"".join(self._chunks)

    def to_glb(self, document: dict[str, Any]) -> bytes:
        """The glb file: the JSON document (buffers/views/accessors filled in) and the BIN."""
        body = self.binary()
        complete = {
            **document,
            "buffers": [{"byteLength": len(body)}],
            "bufferViews": self.buffer_views,
            "accessors": self.accessors,
        }
        return glb_bytes(complete, body)


def read_glb(data: bytes) -> tuple[dict[str, Any], bytes]:
    """The JSON document and the binary chunk of a glb (checks and tests read what we wrote)."""
    magic, version, total = struct.unpack_from("<III", data, 0)
    if magic != GLB_MAGIC or version != GLB_VERSION or total != len(data):
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
