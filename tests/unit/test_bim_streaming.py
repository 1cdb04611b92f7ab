"""What the ingest no longer holds for the whole model gives what it held: each element's
attributes read on demand are the ones read up front, the property columns are the same,
and the footprint folded batch by batch is the union of every element's."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
import shapely
from bim_support import DUPLEX

import gis.bim.workers
from gis.bim.elements import (
    ElementAttributes,
    element_products,
    property_columns,
    read_elements,
)
from gis.bim.footprint import FootprintUnion
from gis.bim.ifcfile import open_model
from gis.bim.meshes import iterate_meshes, started_meshes
from gis.bim.synthetic import write_model
from gis.bim.workers import forked_meshes
from gis.errors import IngestError


def test_attributes_read_on_demand_are_those_read_up_front() -> None:
    model = open_model(DUPLEX)  # held: its entities live as long as it does
    products = element_products(model)
    up_front = {info.global_id: info for info in read_elements(products)}
    on_demand = ElementAttributes(products)
    assert list(on_demand) == list(up_front)
    assert len(on_demand) == len(up_front) == 236
    for global_id in reversed(list(up_front)):  # any order, as the iterator gives them
        assert asdict(on_demand[global_id]) == asdict(up_front[global_id])
    assert on_demand.property_columns() == property_columns(list(up_front.values()))
    columns, left_out = on_demand.property_columns()
    assert columns
    assert left_out > 0
    assert "no such GlobalId" not in on_demand
    assert on_demand.get("no such GlobalId") is None


def test_one_wall_type_shares_its_property_sets(tmp_path: Path) -> None:
    model = open_model(write_model(tmp_path / "m.ifc", walls=50))
    products = element_products(model)
    attributes = ElementAttributes(products)
    walls = [attributes[str(p.GlobalId)] for p in products if p.is_a("IfcWall")]
    assert len(walls) == 50
    assert walls[0].psets == {"Pset_WallCommon": {"FireRating": "EI 60"}}
    assert all(wall.psets is walls[0].psets for wall in walls)  # one dict, not fifty
    assert attributes.property_columns() == ({"Pset_WallCommon.FireRating": "text",
                                             "Qto_SpaceBaseQuantities.NetFloorArea": "number"}, 0)


def test_the_started_iterator_gives_the_meshes_of_the_lazy_one(tmp_path: Path) -> None:
    model = open_model(write_model(tmp_path / "m.ifc", walls=6, spaces=2))
    products = element_products(model)
    started = {m.global_id: m for m in started_meshes(model, products, 2)}
    lazy = {m.global_id: m for m in iterate_meshes(model, products, 1)}
    assert started.keys() == lazy.keys()
    assert len(started) == 8
    for global_id, mesh in lazy.items():
        assert (started[global_id].vertices == mesh.vertices).all()
        assert (started[global_id].faces == mesh.faces).all()


def test_forked_workers_give_the_meshes_of_one_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every mesh as one process makes it, the geometries each worker sent once kept in
    step with the worker's cache (made tiny here, so that keys are forgotten and sent
    again while 40 walls map one geometry and 9 rooms have one each)."""
    monkeypatch.setattr(gis.bim.workers, "GEOMETRY_CACHE", 2)
    model = open_model(write_model(tmp_path / "m.ifc", walls=40, spaces=9))
    products = element_products(model)
    forked = list(forked_meshes(model, products, 2))
    alone = {m.global_id: m for m in iterate_meshes(model, products, 1)}
    assert sorted(m.global_id for m in forked) == sorted(alone)
    assert len(alone) == 49
    for mesh in forked:
        same = alone[mesh.global_id]
        assert mesh.geometry_key == same.geometry_key
        for name in ("vertices", "faces", "colours", "matrix", "local_vertices"):
            assert (getattr(mesh, name) == getattr(same, name)).all(), name


def test_a_failing_worker_fails_the_iteration_naming_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("no kernel")

    monkeypatch.setattr(gis.bim.workers, "started_iterator", broken)
    model = open_model(write_model(tmp_path / "m.ifc", walls=4))
    with pytest.raises(IngestError, match=r"m\.ifc.*no kernel"):
        list(forked_meshes(model, element_products(model), 2, str(tmp_path / "m.ifc")))


def test_the_footprint_folded_by_batches_is_the_union_of_all() -> None:
    boxes = [shapely.box(x, y, x + 1.5, y + 1.5) for x in range(0, 20, 1) for y in (0, 5)]
    apart = [shapely.box(50 + 3 * x, 50, 51 + 3 * x, 51) for x in range(40)]  # as they are
    boxes = [box for pair in zip(boxes, apart, strict=True) for box in pair]
    union = FootprintUnion()
    for start in range(0, len(boxes), 7):
        union.add(boxes[start:start + 7])
    folded = union.result()
    assert folded is not None
    assert folded.geom_type == "MultiPolygon"
    assert union.elements == len(boxes)
    assert len(folded.geoms) == 2 + 40  # the two rows of overlapping boxes, the 40 apart
    assert folded.is_valid
    assert folded.symmetric_difference(shapely.union_all(boxes)).area < 1e-9
    assert FootprintUnion().result() is None
