"""A model cut into parts gives, element by element, what the whole model gives: the same
attributes (spatial tree, type, material, every property set), the same triangles and
colours, the same georeferencing; and every element is its own in exactly one part."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
from bim_support import BRIDGE, DUPLEX, OPENHOUSE, crashing_iterator

import gis.bim.apart
import gis.bim.meshes
import gis.bim.parts
import gis.bim.workers
from gis.bim.elements import ElementAttributes, ElementInfo, element_products
from gis.bim.georef import read_placement
from gis.bim.ifcfile import open_model
from gis.bim.meshes import KERNELS, ElementMesh, started_meshes
from gis.bim.partition import StepIndex, cut, index_step
from gis.bim.parts import PartedModel
from gis.bim.synthetic import write_model
from gis.bim.workers import part_meshes
from gis.errors import IngestError


def _indexed(path: Path) -> StepIndex:
    index = index_step(path)
    assert index is not None
    return index


def _meshes(model: object, products: list[object]) -> dict[str, ElementMesh]:
    return {m.global_id: m for m in started_meshes(model, products, 1)}


def _same_mesh(a: ElementMesh, b: ElementMesh) -> None:
    np.testing.assert_allclose(a.vertices, b.vertices, atol=1e-9)
    np.testing.assert_array_equal(a.faces, b.faces)
    np.testing.assert_allclose(a.colours, b.colours)


@pytest.mark.parametrize(("path", "elements"), [(DUPLEX, 17), (OPENHOUSE, 1), (BRIDGE, 3)],
                         ids=["duplex", "openhouse-one-per-part", "bridge"])
def test_parts_give_each_element_as_the_whole_model_does(path: Path, elements: int,
                                                         tmp_path: Path) -> None:
    """One element per part puts the members of a window and the window in different
    parts: each member's tree then comes through the window it is part of."""
    whole = open_model(path)
    products = element_products(whole)
    attributes = ElementAttributes(products)
    meshes = _meshes(whole, products)
    placement = read_placement(whole, str(path))
    index = _indexed(path)
    seen: list[str] = []
    parts = list(cut(index, tmp_path, elements=elements))
    assert len(parts) > 1
    for part in parts:
        model = open_model(part.path)
        own = [p for p in element_products(model) if p.id() in part.own]
        assert read_placement(model, str(part.path)) == placement
        part_attributes = ElementAttributes(own)
        part_meshes = _meshes(model, own)
        for product in own:
            global_id = str(product.GlobalId)
            seen.append(global_id)
            assert asdict(part_attributes[global_id]) == asdict(attributes[global_id])
            assert (global_id in part_meshes) == (global_id in meshes), global_id
            if global_id in meshes:
                _same_mesh(part_meshes[global_id], meshes[global_id])
        del model
    assert sorted(seen) == sorted(attributes)  # each element in exactly one part


def test_a_list_of_objects_is_cut_to_the_part(tmp_path: Path) -> None:
    path = write_model(tmp_path / "walls.ifc", walls=30, spaces=2)
    index = _indexed(path)
    parts = list(cut(index, tmp_path, elements=10))
    sizes = [p.path.stat().st_size for p in parts]
    assert len(parts) == 4  # 32 elements
    assert max(sizes) < path.stat().st_size / 2  # no part drags in the whole storey
    model = open_model(parts[0].path)
    (containment,) = model.by_type("IfcRelContainedInSpatialStructure")
    assert {e.id() for e in containment.RelatedElements} <= parts[0].own


def test_strings_may_hold_what_the_scan_looks_for(tmp_path: Path) -> None:
    path = write_model(tmp_path / "walls.ifc", walls=3)
    text = path.read_text().replace("'Wall 2'", "'Wall #2=IFCWALL(;) ''quoted'' (#9'")
    path.write_text(text)
    index = _indexed(path)
    (part,) = cut(index, tmp_path / "..", elements=100)
    model = open_model(part.path)
    names = sorted(str(w.Name) for w in model.by_type("IfcWall"))
    assert names == ["Wall #2=IFCWALL(;) 'quoted' (#9", "Wall 1", "Wall 3"]


def test_what_cannot_be_indexed_is_named(tmp_path: Path) -> None:
    path = tmp_path / "empty.ifc"
    path.write_text("ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('IFC4'));\nENDSEC;\nDATA;\n"
                    "ENDSEC;\nEND-ISO-10303-21;\n")
    with pytest.raises(IngestError, match=r"empty\.ifc.*no entity"):
        index_step(path)


def test_an_entity_type_the_schema_lacks_is_skipped_as_ifcopenshell_does(
        tmp_path: Path) -> None:
    path = write_model(tmp_path / "walls.ifc", walls=3)
    path.write_text(path.read_text().replace("DATA;\n", "DATA;\n#99999=IFCNOSUCHTHING(1);\n"))
    (part,) = cut(_indexed(path), tmp_path, elements=100)
    assert len(open_model(part.path).by_type("IfcWall")) == 3


def test_a_comment_in_the_data_section_leaves_the_model_whole(tmp_path: Path) -> None:
    """A ``/* */`` comment may hold a quote the scan would take for a string's: such a
    file is not cut (it is read whole)."""
    path = write_model(tmp_path / "walls.ifc", walls=3)
    text = path.read_text().replace("DATA;\n", "DATA;\n/* the architect's note */\n")
    path.write_text(text)
    assert index_step(path) is None
    assert open_model(path).by_type("IfcWall")  # IfcOpenShell reads it


def test_a_parts_crashed_worker_is_replaced_and_every_element_comes_with_its_attributes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Part workers open the part themselves and send each element's attributes; one that
    dies (SIGSEGV at its 7th shape) is replaced by one that reads the part again and
    builds only what was not sent."""
    path = write_model(tmp_path / "m.ifc", walls=40, spaces=9)
    whole = open_model(path)
    attributes = ElementAttributes(element_products(whole))
    (part, *_) = cut(_indexed(path), tmp_path, elements=100)
    monkeypatch.setattr(gis.bim.workers, "SEND_EVERY", 2)
    monkeypatch.setattr(gis.bim.meshes, "started_iterator", crashing_iterator((KERNELS[0],), 7))
    heard: list[ElementInfo] = []
    got = list(part_meshes(part.path, part.own, 2, str(path), heard.append))
    assert sorted(m.global_id for m in got) == sorted(attributes)  # each once
    assert [info.global_id for info in heard] == [m.global_id for m in got]
    for info in heard:
        assert asdict(info) == asdict(attributes[info.global_id])
    assert any(m.geometry_key.startswith(f"{KERNELS[1]}/") for m in got)


def _window_in_a_room(path: Path) -> Path:
    """A window contained in a room (not in a storey) and made of two mullions: the
    mullions' tree goes through the window and the room, neither of them a storey."""
    import ifcopenshell.api as api

    model = api.run("project.create_file", version="IFC4")
    project = api.run("root.create_entity", model, ifc_class="IfcProject", name="P")
    api.run("unit.assign_unit", model)
    context = api.run("context.add_context", model, context_type="Model")
    body = api.run("context.add_context", model, context_type="Model",
                   context_identifier="Body", target_view="MODEL_VIEW", parent=context)
    whole = project
    for ifc_class, name in (("IfcSite", "Site"), ("IfcBuilding", "Building"),
                            ("IfcBuildingStorey", "Level 0"), ("IfcSpace", "Room 1")):
        part = api.run("root.create_entity", model, ifc_class=ifc_class, name=name)
        api.run("aggregate.assign_object", model, relating_object=whole, products=[part])
        whole = part
    window = api.run("root.create_entity", model, ifc_class="IfcWindow", name="Window")
    api.run("spatial.assign_container", model, relating_structure=whole, products=[window])
    mullions = [api.run("root.create_entity", model, ifc_class="IfcMember", name=f"Mullion {i}")
                for i in range(2)]
    api.run("aggregate.assign_object", model, relating_object=window, products=mullions)
    for product in (*mullions, window, whole):
        shape = api.run("geometry.add_wall_representation", model, context=body, length=0.5,
                        height=1.0, thickness=0.1)
        api.run("geometry.assign_representation", model, product=product, representation=shape)
        api.run("geometry.edit_object_placement", model, product=product)
    model.write(str(path))
    return path


def test_the_tree_of_an_element_comes_up_through_objects_in_other_parts(
        tmp_path: Path) -> None:
    """One element per part: a mullion's part holds the window it is part of, the room
    the window is in, and the storey above, though the window and room are other parts'."""
    path = _window_in_a_room(tmp_path / "window.ifc")
    whole = open_model(path)
    attributes = ElementAttributes(element_products(whole))
    mullion = next(g for g in attributes if attributes[g].name == "Mullion 1")
    assert (attributes[mullion].space, attributes[mullion].storey) == ("Room 1", "Level 0")
    found = {}
    for part in cut(_indexed(path), tmp_path, elements=1):
        model = open_model(part.path)
        own = ElementAttributes([p for p in element_products(model) if p.id() in part.own])
        found.update({g: asdict(own[g]) for g in own})
        del own, model
    assert found == {g: asdict(attributes[g]) for g in attributes}
    assert len(found) == 4


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "in-process"])
def test_a_parted_model_gives_every_element_with_its_attributes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork: bool) -> None:
    """`PartedModel` over parts of 10 elements: every GlobalId, the property columns and
    each element's attributes and mesh of the model read whole -- in child processes, or
    in this one where there is no fork (a Dask worker)."""
    path = write_model(tmp_path / "m.ifc", walls=30, spaces=4)
    whole = open_model(path)
    products = element_products(whole)
    attributes = ElementAttributes(products)
    meshes = _meshes(whole, products)
    monkeypatch.setattr(gis.bim.parts, "PARTITION_BYTES", 0)
    monkeypatch.setattr(gis.bim.parts, "PART_ELEMENTS", 10)
    if not fork:
        monkeypatch.setattr(gis.bim.apart, "can_fork", lambda: False)
        monkeypatch.setattr(gis.bim.workers, "can_fork", lambda: False)
    with PartedModel(path, tmp_path / "work", 2) as parted:
        assert parted.parts == 4
        assert parted.placement == read_placement(whole, str(path))
        parted.start()
        assert list(parted) == list(attributes)
        assert parted.property_columns() == attributes.property_columns()
        got = []
        for mesh in parted.meshes():
            assert asdict(parted[mesh.global_id]) == asdict(attributes[mesh.global_id])
            _same_mesh(mesh, meshes[mesh.global_id])
            got.append(mesh.global_id)
        assert sorted(got) == sorted(meshes)
        assert list((tmp_path / "work").glob(".parts-*/part-*.ifc"))
    assert not list((tmp_path / "work").glob(".parts-*"))
