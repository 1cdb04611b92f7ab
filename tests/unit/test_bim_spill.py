"""The spilled geometry of a model (`gis.bim.spill`): written once at ingest, each shared
geometry once, complete or absent; and a tile build reading it gives the very tiles a build
from the model itself gives, without parsing or triangulating the model again."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from tile_digests import digests

import tiles.bim.placed as placed_module
from gis.bim.elements import element_products, read_elements
from gis.bim.georef import user_placement
from gis.bim.ifcfile import open_model
from gis.bim.meshes import KERNELS, ElementMesh, iterate_meshes
from gis.bim.spill import SpillReader, geometry_folder, spill_meshes
from gis.bim.synthetic import write_model
from tiles.bim.build import build_bim_tileset

WALLS, SPACES = 40, 3
PLACEMENT = ("152000,170000,30", "EPSG:31370+5710", 20.0)


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_model(tmp_path_factory.mktemp("spill") / "kept.ifc", walls=WALLS,
                       spaces=SPACES)


def _spill(model: Path) -> tuple[list[ElementMesh], SpillReader]:
    parsed = open_model(model)
    products = element_products(parsed)
    elements = {info.global_id: info for info in read_elements(products)}
    meshes = list(spill_meshes(iterate_meshes(parsed, products, 1), elements,
                               geometry_folder(model)))
    reader = SpillReader.open(geometry_folder(model))
    assert reader is not None
    return meshes, reader


def test_the_spill_keeps_each_shared_geometry_once_and_every_element(model: Path) -> None:
    meshes, spill = _spill(model)
    assert spill.elements == len(meshes) == WALLS + SPACES
    assert spill.triangles == sum(m.triangles for m in meshes)
    # the walls map one type: one geometry for all of them, plus one per space
    assert spill.meta["geometries"] == 1 + SPACES
    classes = [spill.classes[c] for c in spill.element_class()]
    assert classes.count("IfcWall") == WALLS
    walls = [i for i, c in enumerate(classes) if c == "IfcWall"]
    assert spill.element_shared()[walls].all()
    assert len(set(spill.element_geometry()[walls].tolist())) == 1
    attributes = spill.attributes(range(spill.elements))
    assert [a["GlobalId"] for a in attributes] == [m.global_id for m in meshes]
    assert attributes[walls[0]]["psets"] == {"Pset_WallCommon": {"FireRating": "EI 60"}}
    matrices = spill.matrices(walls)
    for index, matrix in zip(walls, matrices, strict=True):
        mesh = meshes[index]
        geometry = spill.geometry(int(spill.element_geometry()[index]))
        assert np.array_equal(matrix, mesh.matrix)
        moved = geometry.vertices @ matrix[:3, :3].T + matrix[:3, 3]
        assert np.allclose(moved, mesh.vertices)
        assert np.array_equal(geometry.faces, mesh.faces)
    assert np.allclose(spill.element_centre()[walls[0]], meshes[walls[0]].vertices.mean(0))


def test_an_interrupted_spill_leaves_nothing_behind(model: Path, tmp_path: Path) -> None:
    copy = shutil.copyfile(model, tmp_path / "other.ifc")
    parsed = open_model(copy)
    products = element_products(parsed)
    elements = {info.global_id: info for info in read_elements(products)}

    def failing() -> Iterator[ElementMesh]:
        yield from list(iterate_meshes(parsed, products, 1))[:5]
        raise RuntimeError("the load failed")

    with pytest.raises(RuntimeError):
        list(spill_meshes(failing(), elements, geometry_folder(copy)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.ifc"]
    assert SpillReader.open(geometry_folder(copy)) is None


def test_tiles_from_the_spill_equal_tiles_from_the_model(
        model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    placement = user_placement(*PLACEMENT)
    fresh = shutil.copyfile(model, tmp_path / "never_ingested.ifc")
    # one geometry thread on both sides: the iterator's order varies with two
    from_model = build_bim_tileset(fresh, placement, tmp_path / "a", max_elements=10,
                                   version="v1", threads=1)
    _spill(model)

    def no_parse(*args: object) -> None:
        raise AssertionError("the model was parsed again although its spill exists")

    monkeypatch.setattr(placed_module, "model_meshes", no_parse)
    from_spill = build_bim_tileset(model, placement, tmp_path / "b", max_elements=10,
                                   version="v1")
    assert from_spill.tiles == from_model.tiles == 2  # the walls at the root, a leaf
    assert from_spill.triangles == from_model.triangles
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_a_spill_of_other_geometry_kernels_is_not_read(
        model: Path, tmp_path: Path) -> None:
    """A spill written before the kernel choice was recorded (or with another) is built
    again: rows of a re-ingest come from the current kernels, and so must the tiles."""
    copy = shutil.copy(model, tmp_path / "kept.ifc")
    _spill(Path(copy))
    meta_path = geometry_folder(Path(copy)) / "meta.json"
    meta = json.loads(meta_path.read_text())
    assert meta["kernels"] == list(KERNELS)
    for older in ({k: v for k, v in meta.items() if k != "kernels"},
                  {**meta, "kernels": ["opencascade"]}):
        meta_path.write_text(json.dumps(older))
        assert SpillReader.open(geometry_folder(Path(copy))) is None
