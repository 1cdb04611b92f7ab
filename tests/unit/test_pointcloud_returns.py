"""Return numbers reach the point tiles (issue 16, item 4): a LAS file with known returns, in
a 3-bit (format 1) and a 4-bit (format 6) layout, built into a tileset whose glbs are decoded
here with struct and numpy only (not with the writer under test), point by point.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import laspy
import numpy as np
import pyproj
import pytest
from numpy.typing import NDArray

from tiles.pointcloud.build import build_pointcloud, sources_from_headers
from tiles.pointcloud.state import STATE_FILE, STATE_FORMAT, read_state, state_dir

CRS = "EPSG:28992+5709"
ORIGIN = (84000.0, 446000.0)
POINTS = 6_000
COMPONENTS = {5121: "u1", 5123: "<u2", 5126: "<f4"}
WIDTH = {"SCALAR": 1, "VEC2": 2, "VEC3": 3}


def _write(path: Path, point_format: int, returns: bool = True) -> dict[str, NDArray[Any]]:
    """A 60 m LiDAR-like file whose intensity is the point's index (so a tile's point is
    found again in the source), with pulses of 1 to 5 (format 1) or 1 to 15 (format 6)
    returns; ``returns=False``: every return number left at 0."""
    rng = np.random.default_rng(point_format)
    header = laspy.LasHeader(point_format=point_format, version="1.4" if point_format >= 6
                             else "1.2")
    header.scales = np.array([0.001, 0.001, 0.001])
    header.offsets = np.array([ORIGIN[0], ORIGIN[1], 0.0])
    header.add_crs(pyproj.CRS.from_user_input("EPSG:7415"))
    las = laspy.LasData(header)
    las.x = ORIGIN[0] + rng.uniform(0, 60, POINTS)
    las.y = ORIGIN[1] + rng.uniform(0, 60, POINTS)
    las.z = rng.uniform(0, 12, POINTS)
    las.intensity = np.arange(POINTS, dtype=np.uint16)
    las.classification = rng.choice([2, 5, 6], POINTS).astype(np.uint8)
    most = 5 if point_format < 6 else 15
    count = rng.integers(1, most + 1, POINTS)
    number = np.minimum(rng.integers(1, most + 1, POINTS), count)
    if not returns:
        count[:] = number[:] = 0
    las.number_of_returns = count.astype(np.uint8)
    las.return_number = number.astype(np.uint8)
    las.write(path)
    return {"return_number": number, "number_of_returns": count}


def _glb(path: Path) -> tuple[dict[str, Any], bytes]:
    """The JSON and BIN chunks of a glb, by the container layout of glTF 2.0 section 4.4."""
    data = path.read_bytes()
    magic, version, length = struct.unpack_from("<4sII", data, 0)
    assert (magic, version, length) == (b"glTF", 2, len(data))
    json_length, kind = struct.unpack_from("<I4s", data, 12)
    assert kind == b"JSON"
    document = json.loads(data[20:20 + json_length])
    bin_length, kind = struct.unpack_from("<I4s", data, 20 + json_length)
    assert kind == b"BIN\0"
    start = 28 + json_length
    return document, data[start:start + bin_length]


def _attribute(document: dict[str, Any], body: bytes, name: str) -> NDArray[Any]:
    primitive = document["meshes"][0]["primitives"][0]
    accessor = document["accessors"][primitive["attributes"][name]]
    view = document["bufferViews"][accessor["bufferView"]]
    dtype = np.dtype(COMPONENTS[accessor["componentType"]])
    width = WIDTH[accessor["type"]]
    stride = view.get("byteStride", dtype.itemsize * width)
    assert (view["byteOffset"] + accessor["byteOffset"]) % 4 == 0  # glTF 3.6.2.4
    assert stride % 4 == 0
    rows = np.frombuffer(body, dtype=np.uint8, count=view["byteLength"],
                         offset=view["byteOffset"])
    out = np.empty((accessor["count"], width), dtype=dtype)
    for row in range(accessor["count"]):
        at = accessor["byteOffset"] + row * stride
        out[row] = rows[at:at + dtype.itemsize * width].view(dtype)
    return out[:, 0] if width == 1 else out


def _tiles(out: Path) -> list[tuple[dict[str, Any], bytes]]:
    return [_glb(path) for path in sorted((out / "content").glob("*.glb"))]


@pytest.mark.parametrize("point_format", [1, 6])
def test_tiles_carry_the_return_numbers_of_the_source(tmp_path: Path,
                                                      point_format: int) -> None:
    expected = _write(tmp_path / "returns.las", point_format)
    out = tmp_path / "tiles"
    build_pointcloud(sources_from_headers([tmp_path / "returns.las"], CRS), out, workers=1)
    seen = np.zeros(POINTS, dtype=bool)
    for document, body in _tiles(out):
        metadata = document["extensions"]["EXT_structural_metadata"]
        properties = metadata["propertyAttributes"][0]["properties"]
        assert properties["return_number"] == {"attribute": "_RETURN_NUMBER"}
        assert properties["number_of_returns"] == {"attribute": "_NUMBER_OF_RETURNS"}
        schema = metadata["schema"]["classes"]["point"]["properties"]
        assert schema["return_number"]["componentType"] == "UINT8"
        index = _attribute(document, body, "_INTENSITY").astype(np.int64)
        for name in ("return_number", "number_of_returns"):
            got = _attribute(document, body, f"_{name.upper()}")
            assert np.array_equal(got, expected[name][index]), name
        seen[index] = True
    assert seen.all()  # every point is in exactly one tile (ADD refinement)


def test_no_returns_in_the_source_none_in_the_tiles(tmp_path: Path) -> None:
    _write(tmp_path / "flat.las", 6, returns=False)
    source = sources_from_headers([tmp_path / "flat.las"], CRS)[0]
    assert not source.returns
    build_pointcloud([source], tmp_path / "tiles", workers=1)
    for document, _ in _tiles(tmp_path / "tiles"):
        attributes = document["meshes"][0]["primitives"][0]["attributes"]
        assert set(attributes) == {"POSITION", "_INTENSITY", "_CLASSIFICATION"}
        assert document["bufferViews"][1]["byteStride"] == 8


def test_state_of_the_older_record_layout_is_refused(tmp_path: Path) -> None:
    """Format 1 kept 18-byte cell records: reading them as 20-byte ones would misplace every
    point after the first, so such a state means a full build."""
    _write(tmp_path / "returns.las", 6)
    out = tmp_path / "tiles"
    build_pointcloud(sources_from_headers([tmp_path / "returns.las"], CRS), out, workers=1)
    state_file = state_dir(out) / STATE_FILE
    assert read_state(out) is not None
    older = json.loads(state_file.read_text())
    older["format"] = STATE_FORMAT - 1
    state_file.write_text(json.dumps(older))
    assert read_state(out) is None
    result = build_pointcloud(sources_from_headers([tmp_path / "returns.las"], CRS), out,
                              workers=1)
    assert not result.partial
