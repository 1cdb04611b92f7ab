"""Building tiles without a database: placement in ECEF, glb layout, metadata round trip."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import shapely
from tile_digests import building_set

from gis.geodesy import transformer
from tiles.buildings.build import BuildingSet, build_tileset
from tiles.buildings.metadata import read_property_table
from tiles.core.ecef import geodetic_to_ecef
from tiles.core.glb import read_glb, view_bytes
from tiles.errors import BuildInputError

DELFT = (84900.0, 447500.0)
CRS = "EPSG:28992+5709"


def synthetic_set(count: int, origin: tuple[float, float] = DELFT) -> BuildingSet:
    return building_set(count, origin, first_fid=1_000_000_000_000)  # ids beyond 2**32


def _accessor(document: dict, body: bytes, index: int) -> np.ndarray:
    accessor = document["accessors"][index]
    dtype = {5123: np.uint16, 5125: np.uint32, 5126: np.float32}[accessor["componentType"]]
    width = {"SCALAR": 1, "VEC3": 3}[accessor["type"]]
    raw = np.frombuffer(view_bytes(document, body, accessor["bufferView"]), dtype=dtype)
    return raw[: accessor["count"] * width].reshape(accessor["count"], width).squeeze()


def test_closed_form_ecef_matches_proj() -> None:
    x, y = np.array([84850.0, 85050.0]), np.array([447450.0, 447620.0])
    z = np.array([0.0, 25.0])
    lon, lat, h = transformer(CRS, "EPSG:4979").transform(x, y, z)
    ours = geodetic_to_ecef(lon, lat, h)
    theirs = np.column_stack(transformer(CRS, "EPSG:4978").transform(x, y, z))
    np.testing.assert_allclose(ours, theirs, atol=1e-3)
    assert 43.0 < h[0] < 44.0  # NAP 0 is ~43.5 m above the ellipsoid in Delft: geoid applied


def test_tileset_places_every_vertex_at_its_ecef_position(tmp_path: Path) -> None:
    buildings = synthetic_set(3000)
    with ThreadPoolExecutor(2) as pool:
        report = build_tileset(buildings, tmp_path / "b", executor=pool, max_features=400)
    assert report.buildings == 3000
    assert report.tiles >= 8
    tileset = json.loads((tmp_path / "b" / "tileset.json").read_text())
    assert tileset["asset"]["version"] == "1.1"
    glb = next((tmp_path / "b" / "content").rglob("*.glb"))
    document, body = read_glb(glb.read_bytes())
    primitive = document["meshes"][0]["primitives"][0]
    local = _accessor(document, body, primitive["attributes"]["POSITION"]).astype(np.float64)
    tx, ty, tz = document["nodes"][0]["translation"]
    ecef = np.column_stack([local[:, 0] + tx, -(local[:, 2] + tz), local[:, 1] + ty])
    features = _accessor(document, body, primitive["attributes"]["_FEATURE_ID_0"]).astype(int)
    table = read_property_table(document, body)
    # every roof vertex of a building is at its roof height (NAP) once back in RD + NAP
    x, y, h = transformer("EPSG:4978", CRS).transform(ecef[:, 0], ecef[:, 1], ecef[:, 2])
    ground = np.array(table["ground"])[features]
    roof = np.array(table["roof"])[features]
    on_level = np.isclose(h, ground, atol=0.01) | np.isclose(h, roof, atol=0.01)
    assert on_level.all()
    fid = np.array(table["fid"])[features] - 1_000_000_000_000
    inside = shapely.contains_xy(shapely.buffer(shapely.from_wkb(buildings.wkb[fid]), 0.01), x, y)
    assert inside.all()


def test_metadata_round_trips_through_the_glb(tmp_path: Path) -> None:
    buildings = synthetic_set(50)
    build_tileset(buildings, tmp_path / "b", executor=ThreadPoolExecutor(1))
    [glb] = list((tmp_path / "b" / "content").rglob("*.glb"))
    document, body = read_glb(glb.read_bytes())
    table = read_property_table(document, body)
    assert document["extensionsUsed"] == ["EXT_mesh_features", "EXT_structural_metadata"]
    assert table["id"] == list(buildings.columns["id"])
    assert table["fid"] == list(buildings.columns["fid"])
    assert table["quality"][:3] == ["ok", "low_coverage", "é ü ß"]
    np.testing.assert_allclose(table["roof"], buildings.roof, atol=1e-4)
    np.testing.assert_allclose(table["coverage"], buildings.columns["coverage"], atol=1e-6)
    feature_ids = document["meshes"][0]["primitives"][0]["extensions"]["EXT_mesh_features"]
    assert feature_ids["featureIds"][0]["featureCount"] == 50


def test_rebuild_replaces_the_previous_tileset(tmp_path: Path) -> None:
    target = tmp_path / "b"
    build_tileset(synthetic_set(600), target, executor=ThreadPoolExecutor(1), max_features=100)
    first = {p.name for p in target.rglob("*.glb")}
    build_tileset(synthetic_set(30), target, executor=ThreadPoolExecutor(1), max_features=100)
    assert len(list(target.rglob("*.glb"))) == 1
    assert len(first) > 1
    assert [p.name for p in tmp_path.iterdir()] == ["b"]


def test_missing_heights_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    buildings = synthetic_set(10)
    broken = BuildingSet(buildings.crs, buildings.wkb, buildings.ground,
                         np.where(np.arange(10) == 3, np.nan, buildings.roof),
                         buildings.properties, buildings.columns)
    with pytest.raises(BuildInputError, match="building #3"):
        build_tileset(broken, tmp_path / "b")
    assert not (tmp_path / "b").exists()
