"""A BIM tileset against the official 3D Tiles schemas, the Khronos glTF validator and the
CesiumGS 3d-tiles-validator, and its feature ids <-> metadata rows <-> the model's GlobalIds."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import ifcopenshell
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bim_support import DUPLEX
from buildings_checks import check_tileset_folder
from tileset_checks import tiles_validator_problems

from gis.bim.georef import user_placement
from tiles.bim.build import build_bim_tileset
from tiles.core.glb import read_glb, view_bytes, write_glb
from tiles.core.metadata import read_property_table

pytestmark = pytest.mark.clients


def _feature_ids(document: dict[str, Any], body: bytes) -> np.ndarray:
    """Feature ids of the own triangles (vertex attribute) and of the instances."""
    found = []
    for node in document["nodes"]:
        instancing = node.get("extensions", {}).get("EXT_mesh_gpu_instancing")
        if instancing is not None:
            index = instancing["attributes"]["_FEATURE_ID_0"]
        else:
            index = document["meshes"][node["mesh"]]["primitives"][0]["attributes"][
                "_FEATURE_ID_0"]
        accessor = document["accessors"][index]
        data = view_bytes(document, body, accessor["bufferView"])
        found.append(np.frombuffer(data, dtype=np.float32, count=accessor["count"]))
    return np.concatenate(found)


@pytest.fixture(scope="module")
def duplex_tiles(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The Duplex's tileset, in a coarse root and leaves of at most 40 elements; its tiles."""
    placement = user_placement("152000,170000,30", "EPSG:31370+5710", 20.0)
    out = tmp_path_factory.mktemp("bim") / "duplex"
    return out, build_bim_tileset(DUPLEX, placement, out, max_elements=40).tiles


def test_duplex_tileset_validates_and_features_are_the_models_elements(
        duplex_tiles: tuple[Path, int]) -> None:
    folder, tile_count = duplex_tiles
    glbs = check_tileset_folder(folder)
    assert len(glbs) == tile_count > 2  # the shell at the root, the rest in leaves
    document = json.loads((folder / "tileset.json").read_text())
    assert document["root"]["content"]["uri"] == "content/root.glb"
    seen: list[str] = []
    for path in glbs:
        gltf, body = read_glb(path.read_bytes())
        table = read_property_table(gltf, body)
        ids = _feature_ids(gltf, body)
        count = gltf["extensions"]["EXT_structural_metadata"]["propertyTables"][0]["count"]
        assert set(np.unique(ids).astype(int)) == set(range(count))
        assert all(len(g) == 22 for g in table["GlobalId"])
        seen += table["GlobalId"]
        if path.name == "root.glb":
            assert {c for c in table["ifc_class"]} <= {
                "IfcWallStandardCase", "IfcWall", "IfcSlab", "IfcRoof", "IfcColumn", "IfcBeam",
                "IfcCurtainWall", "IfcPlate", "IfcMember", "IfcFooting", "IfcStair",
                "IfcStairFlight", "IfcRamp", "IfcRailing", "IfcCovering"}
        json.loads(table["psets"][0])  # the property sets travel as JSON
    model: Any = ifcopenshell.open(str(DUPLEX))
    expected = {p.GlobalId for p in model.by_type("IfcProduct")
                if p.Representation is not None and not p.is_a("IfcOpeningElement")}
    assert sorted(seen) == sorted(expected)


def test_official_validator_names_a_tile_whose_feature_count_lies(
        duplex_tiles: tuple[Path, int], tmp_path: Path) -> None:
    """The 3d-tiles-validator reads our EXT_mesh_features: a wrong count must be reported."""
    folder = shutil.copytree(duplex_tiles[0], tmp_path / "duplex")
    root = folder / "content" / "root.glb"
    gltf, body = read_glb(root.read_bytes())
    primitive = gltf["meshes"][0]["primitives"][0]
    primitive["extensions"]["EXT_mesh_features"]["featureIds"][0]["featureCount"] = 1
    write_glb(root, gltf, body)
    problems = tiles_validator_problems(folder / "tileset.json")
    assert len(problems) == 1, problems
    assert problems[0].startswith("content/root.glb > ")
    assert "featureCount was 1" in problems[0]


def _quaternion_matrix(q: np.ndarray) -> np.ndarray:
    x, y, z, w = q
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                     [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                     [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])


def _accessor(gltf: dict[str, Any], body: bytes, index: int, width: int) -> np.ndarray:
    accessor = gltf["accessors"][index]
    data = view_bytes(gltf, body, accessor["bufferView"])
    return np.frombuffer(data, dtype=np.float32).reshape(accessor["count"], width)


def test_repeated_types_are_instanced_where_proj_puts_each_element(tmp_path: Path) -> None:
    from gis.bim.synthetic import write_model
    from gis.geodesy import transformer

    model_path = write_model(tmp_path / "walls.ifc", walls=30, spaces=0)
    placement = user_placement("152000,170000,30", "EPSG:31370+5710", 20.0)
    build_bim_tileset(model_path, placement, tmp_path / "walls")
    glbs = check_tileset_folder(tmp_path / "walls")
    gltf, body = read_glb(glbs[0].read_bytes())
    assert "EXT_mesh_gpu_instancing" in gltf["extensionsRequired"]
    node = next(n for n in gltf["nodes"] if "extensions" in n)
    attributes = node["extensions"]["EXT_mesh_gpu_instancing"]["attributes"]
    moved = _accessor(gltf, body, attributes["TRANSLATION"], 3).astype(np.float64)
    rotation = _accessor(gltf, body, attributes["ROTATION"], 4).astype(np.float64)
    scale = _accessor(gltf, body, attributes["SCALE"], 3).astype(np.float64)
    ids = _accessor(gltf, body, attributes["_FEATURE_ID_0"], 1)[:, 0].astype(int)
    primitive = gltf["meshes"][node["mesh"]]["primitives"][0]
    local = _accessor(gltf, body, primitive["attributes"]["POSITION"], 3).astype(np.float64)
    global_ids = read_property_table(gltf, body)["GlobalId"]
    assert len(ids) == 30
    # independently: each wall's world coordinates from IfcOpenShell, placed by hand, PROJ
    import ifcopenshell.geom

    model: Any = ifcopenshell.open(str(model_path))
    settings: Any = ifcopenshell.geom.settings()
    settings.set("use-world-coords", True)
    expected = {}
    for wall in model.by_type("IfcWall"):
        shape: Any = ifcopenshell.geom.create_shape(settings, wall)
        expected[wall.GlobalId] = np.asarray(shape.geometry.verts).reshape(-1, 3)
    to_ecef = transformer("EPSG:31370+5710", "EPSG:4978")
    angle = np.radians(20.0)
    y_down = np.array([[1.0, 0, 0], [0, 0, -1.0], [0, 1.0, 0]])  # glTF y-up -> z-up
    for index, feature in enumerate(ids):
        world = expected[global_ids[feature]]
        east = 152000 + world[:, 0] * np.cos(angle) - world[:, 1] * np.sin(angle)
        north = 170000 + world[:, 0] * np.sin(angle) + world[:, 1] * np.cos(angle)
        want = np.column_stack(to_ecef.transform(east, north, 30 + world[:, 2]))
        r = _quaternion_matrix(rotation[index])
        got = (local * scale[index]) @ r.T + moved[index] + np.asarray(node["translation"])
        got = got @ y_down.T
        nearest = np.min(np.linalg.norm(want[:, None, :] - got[None, :, :], axis=2), axis=1)
        assert nearest.max() < 0.002  # every true corner within 2 mm of a drawn one
