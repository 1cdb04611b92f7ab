"""The 3D Tiles core: glb container, metadata tables, tileset writer, ECEF and frames,
atomic swap."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from gis.geodesy import transformer
from tiles.core.ecef import LocalFrame, ecef_to_geodetic, geodetic_to_ecef
from tiles.core.glb import (
    ARRAY_BUFFER,
    CHUNK_BIN,
    CHUNK_JSON,
    GlbBuilder,
    glb_bytes,
    read_glb,
    view_bytes,
)
from tiles.core.metadata import (
    Column,
    MetadataClass,
    PropertySpec,
    add_property_table,
    mesh_features,
    metadata_schema,
    read_property_table,
)
from tiles.core.swap import atomic_folder
from tiles.core.tileset import box_volume, tile, tileset_document, write_tileset
from tiles.errors import TilesetWriteError


def test_glb_container_is_aligned_and_round_trips() -> None:
    builder = GlbBuilder()
    positions = np.array([[0, 0, 0], [1, 2, 3], [4, 5, 6]], dtype=np.float32)
    first = builder.add_accessor(positions, ARRAY_BUFFER, with_bounds=True)
    second = builder.add_view(b"abc")  # 3 bytes: the next view must start on 8
    third = builder.add_accessor(np.array([7, 8], dtype=np.uint16), None)
    data = builder.to_glb({"asset": {"version": "2.0"}})

    magic, version, total = struct.unpack_from("<III", data, 0)
    assert (magic, version, total) == (0x46546C67, 2, len(data))
    json_length, json_type = struct.unpack_from("<II", data, 12)
    assert json_type == CHUNK_JSON
    assert json_length % 4 == 0
    bin_length, bin_type = struct.unpack_from("<II", data, 20 + json_length)
    assert bin_type == CHUNK_BIN
    assert bin_length % 4 == 0
    document, body = read_glb(data)
    assert [v["byteOffset"] % 8 for v in document["bufferViews"]] == [0, 0, 0]
    assert document["accessors"][first]["max"] == [4.0, 5.0, 6.0]
    assert view_bytes(document, body, second) == b"abc"
    view = document["accessors"][third]["bufferView"]
    assert np.frombuffer(view_bytes(document, body, view), np.uint16).tolist() == [7, 8]


def test_a_body_of_any_length_is_padded_with_zeros() -> None:
    data = glb_bytes({"asset": {"version": "2.0"}, "buffers": [{"byteLength": 5}]}, b"12345")
    document, body = read_glb(data)
    assert len(data) % 4 == 0
    assert body == b"12345\x00\x00\x00"
    assert document["buffers"] == [{"byteLength": 5}]


def test_nan_never_reaches_a_glb_or_a_tileset(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="JSON compliant"):
        glb_bytes({"asset": {"version": "2.0"}, "x": float("nan")}, b"")
    root = tile(box_volume(np.zeros(3), np.array([1.0, np.nan, 1.0])), 0.0)
    with pytest.raises(ValueError, match="JSON compliant"):
        write_tileset(tmp_path, tileset_document(root, version="v", generator="t",
                                                 geometric_error=1.0))


def test_tileset_document_and_writer(tmp_path: Path) -> None:
    leaf = tile(box_volume(np.zeros(3), np.ones(3)), 0.0, content_uri="c/0.glb")
    root = tile(box_volume(-np.ones(3), np.ones(3)), 2.0, children=[leaf])
    document = tileset_document(root, version="v7", generator="tests", geometric_error=4.0,
                                extras={"n": 1})
    compact = write_tileset(tmp_path, document).read_text()
    assert "\n" not in compact
    assert json.loads(compact) == json.loads(json.dumps(document))
    assert list(json.loads(compact)) == ["asset", "geometricError", "root", "extras"]
    assert json.loads(compact)["root"]["children"][0]["boundingVolume"]["box"] == [
        0.5, 0.5, 0.5, 0.5, 0.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.5]
    assert "children" not in leaf
    assert "content" not in root


def test_closed_form_ecef_and_the_local_frame_agree_with_proj() -> None:
    lon, lat, h = np.array([4.35, 5.57, -1.2]), np.array([52.0, 50.63, 43.6]), np.array(
        [0.0, 180.5, -20.0])
    ex, ey, ez = transformer("EPSG:4979", "EPSG:4978").transform(lon, lat, h)
    assert np.abs(geodetic_to_ecef(lon, lat, h) - np.column_stack([ex, ey, ez])).max() < 1e-6
    ecef = np.column_stack([ex, ey, ez])
    frame = LocalFrame.at(ecef[1])
    assert np.abs(frame.to_ecef(frame.to_local(ecef)) - ecef).max() < 1e-6
    matrix = np.array(frame.transform()).reshape(4, 4).T  # column-major in the tileset
    local = frame.to_local(ecef)
    moved = (matrix @ np.column_stack([local, np.ones(3)]).T).T[:, :3]
    assert np.abs(moved - ecef).max() < 1e-6


def _failing_build(target: Path) -> None:
    with atomic_folder(target, "t") as staging:
        (staging / "tileset.json").write_text("half")
        raise RuntimeError("build failed")


def test_a_failed_build_leaves_the_previous_output(tmp_path: Path) -> None:
    target = tmp_path / "product"
    with atomic_folder(target, "t") as staging:
        (staging / "tileset.json").write_text("old")
    with pytest.raises(RuntimeError, match="build failed"):
        _failing_build(target)
    assert (target / "tileset.json").read_text() == "old"
    with atomic_folder(target, "t") as staging:
        (staging / "tileset.json").write_text("new")
    assert (target / "tileset.json").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["product"]  # nothing left behind
    assert target.stat().st_mode & 0o777 == 0o755


def test_a_swap_that_cannot_happen_is_a_tiles_error(tmp_path: Path) -> None:
    from tiles.core.swap import swap_in

    with pytest.raises(TilesetWriteError, match="cannot move"):
        swap_in(tmp_path / "missing", tmp_path / "target")


ROOMS = MetadataClass("test_schema", "room", "Room", "A room of a test building.", (
    PropertySpec("name", "Name of the room."),
    PropertySpec("storey", "Storey number.", "INT32"),
    PropertySpec("area", "Floor area, square metres (-1: unknown).", "FLOAT64", -1.0),
))


def test_property_table_round_trips_through_a_glb_on_8_byte_views() -> None:
    builder = GlbBuilder()
    builder.add_view(b"xyz")  # an odd-sized view before the table
    columns: dict[str, Column] = {"name": ["Salle é", "", "浴室"], "storey": np.array([0, 1, -1]),
               "area": [12.5, -1.0, 3.25]}
    table = add_property_table(builder, ROOMS, columns, 3)
    primitive = {"attributes": {}, "extensions": {"EXT_mesh_features": mesh_features(3)}}
    data = builder.to_glb({
        "asset": {"version": "2.0"},
        "extensionsUsed": ["EXT_mesh_features", "EXT_structural_metadata"],
        "extensions": {"EXT_structural_metadata": {"schema": metadata_schema(ROOMS),
                                                   "propertyTables": [table]}},
        "meshes": [{"primitives": [primitive]}],
    })
    document, body = read_glb(data)
    assert read_property_table(document, body) == {
        "name": ["Salle é", "", "浴室"], "storey": [0, 1, -1], "area": [12.5, -1.0, 3.25]}
    assert all(v["byteOffset"] % 8 == 0 for v in document["bufferViews"])
    definitions = document["extensions"]["EXT_structural_metadata"]["schema"]["classes"]
    assert definitions["room"]["properties"]["area"] == {
        "description": "Floor area, square metres (-1: unknown).", "type": "SCALAR",
        "componentType": "FLOAT64", "required": False, "noData": -1.0}
    assert definitions["room"]["properties"]["name"]["type"] == "STRING"
    assert document["meshes"][0]["primitives"][0]["extensions"]["EXT_mesh_features"] == {
        "featureIds": [{"featureCount": 3, "attribute": 0, "propertyTable": 0}]}


def test_ecef_back_to_geodetic_agrees_with_proj() -> None:
    lon = np.array([4.35, -179.9, 120.0, 0.0, 13.4])
    lat = np.array([52.0, -89.99, 0.0, 89.999, -33.9])
    h = np.array([-40.0, 0.0, 8848.0, 30000.0, 0.5])
    ecef = np.column_stack(transformer("EPSG:4979", "EPSG:4978").transform(lon, lat, h))
    back_lon, back_lat, back_h = ecef_to_geodetic(ecef)
    assert np.abs(back_lon - lon).max() < 1e-9
    assert np.abs(back_lat - lat).max() < 1e-9  # ~0.1 mm
    assert np.abs(back_h - h).max() < 1e-4
