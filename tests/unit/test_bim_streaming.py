"""What the ingest no longer holds for the whole model gives what it held: each element's
attributes read on demand are the ones read up front, the property columns are the same,
and the footprint folded batch by batch is the union of every element's."""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
import shapely
from bim_support import DUPLEX, crashing_iterator

import gis.bim.meshes
import gis.bim.workers
from gis.bim.elements import (
    ElementAttributes,
    element_products,
    property_columns,
    read_elements,
)
from gis.bim.footprint import FootprintUnion, footprint
from gis.bim.ifcfile import open_model
from gis.bim.meshes import KERNELS, ElementMesh, iterate_meshes, started_meshes
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
        if mesh.local_plan is not None:  # made in the worker: as this process makes it
            assert shapely.equals_exact(mesh.local_plan,
                                        footprint(same.local_vertices, same.faces), 0.0)
    assert sum(m.local_plan is not None for m in forked) == len(forked)  # all upright


def test_a_failing_worker_fails_the_iteration_naming_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("no kernel")

    monkeypatch.setattr(gis.bim.meshes, "started_iterator", broken)
    model = open_model(write_model(tmp_path / "m.ifc", walls=4))
    with pytest.raises(IngestError, match=r"m\.ifc.*no kernel"):
        list(forked_meshes(model, element_products(model), 2, str(tmp_path / "m.ifc")))


@pytest.mark.parametrize("processes", [1, 2])
def test_what_the_first_kernel_cannot_build_the_next_one_builds(processes: int) -> None:
    """CGAL alone ("cgal-simple") builds no triangles for some of the Duplex's elements;
    OpenCASCADE, tried next, builds those, and only those (their geometry keys name it)."""
    model = open_model(DUPLEX)
    products = element_products(model)
    alone = {m.global_id for m in iterate_meshes(model, products, 1, kernels=("cgal-simple",))}
    meshes = list(forked_meshes(model, products, processes, kernels=("cgal-simple",
                                                                      "opencascade")))
    assert sorted(m.global_id for m in meshes) == sorted(str(p.GlobalId) for p in products)
    second = {m.global_id for m in meshes if m.geometry_key.startswith("opencascade/")}
    assert second == {str(p.GlobalId) for p in products} - alone
    assert 0 < len(second) < len(products) // 4


def _as_built_by_their_kernel(got: list[ElementMesh], model: Any, products: list[Any]
                              ) -> None:
    """Each mesh is the one the kernel its key names builds in one process."""
    by_kernel = {kernel: {m.global_id: m for m in iterate_meshes(model, products, 1,
                                                                 kernels=(kernel,))}
                 for kernel in KERNELS}
    for mesh in got:
        kernel = KERNELS[1] if mesh.geometry_key.startswith(f"{KERNELS[1]}/") else KERNELS[0]
        same = by_kernel[kernel][mesh.global_id]
        assert (mesh.vertices == same.vertices).all()
        assert (mesh.faces == same.faces).all()


def test_a_crashed_worker_is_replaced_on_the_next_kernel(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
        ) -> None:
    """Both hybrid workers die at their 7th shape, after sending some (batches of 2): the
    products they had not sent come from OpenCASCADE workers, and every mesh is there."""
    model = open_model(write_model(tmp_path / "m.ifc", walls=40, spaces=9))
    products = element_products(model)
    monkeypatch.setattr(gis.bim.workers, "SEND_EVERY", 2)
    monkeypatch.setattr(gis.bim.meshes, "started_iterator", crashing_iterator((KERNELS[0],), 7))
    got = list(forked_meshes(model, products, 2, str(tmp_path / "m.ifc")))
    assert sorted(m.global_id for m in got) == sorted(str(p.GlobalId) for p in products)
    monkeypatch.undo()
    _as_built_by_their_kernel(got, model, products)
    second = sum(m.geometry_key.startswith(f"{KERNELS[1]}/") for m in got)
    assert 0 < second < len(got)  # the hybrid's first shapes came too
    died = [r.getMessage() for r in caplog.records if "ended without" in r.getMessage()]
    assert len(died) == 2
    assert "m.ifc" in died[0]
    assert "exit code -11" in died[0]
    assert "hybrid-cgal-simple-opencascade" in died[0]


def test_a_kernel_that_raises_hands_over_to_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """IfcOpenShell raising on the hybrid kernel (not crashing): the workers' products are
    built with OpenCASCADE, all of them."""
    real = gis.bim.meshes.started_iterator

    def hybrid_raises(model: Any, products: list[Any], threads: int, kernel: str) -> Any:
        if kernel == KERNELS[0] and os.getpid() != parent:
            raise RuntimeError("no hybrid here")
        return real(model, products, threads, kernel)

    parent = os.getpid()
    model = open_model(write_model(tmp_path / "m.ifc", walls=10, spaces=2))
    products = element_products(model)
    monkeypatch.setattr(gis.bim.meshes, "started_iterator", hybrid_raises)
    got = list(forked_meshes(model, products, 2, str(tmp_path / "m.ifc")))
    assert sorted(m.global_id for m in got) == sorted(str(p.GlobalId) for p in products)
    assert all(m.geometry_key.startswith(f"{KERNELS[1]}/") for m in got)


def test_a_worker_crashing_on_the_last_kernel_fails_naming_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = open_model(write_model(tmp_path / "m.ifc", walls=10))
    monkeypatch.setattr(gis.bim.meshes, "started_iterator", crashing_iterator(KERNELS, 2))
    with pytest.raises(IngestError, match=r"m\.ifc.*ended without its shapes \(exit code -11"):
        list(forked_meshes(model, element_products(model), 2, str(tmp_path / "m.ifc")))


def test_the_footprint_folded_by_batches_is_the_union_of_all() -> None:
    boxes = [shapely.box(x, y, x + 1.5, y + 1.5) for x in range(0, 20, 1) for y in (0, 5)]
    apart = [shapely.box(50 + 3 * x, 50, 51 + 3 * x, 51) for x in range(40)]  # as they are
    boxes = [box for pair in zip(boxes, apart, strict=True) for box in pair]
    union = FootprintUnion()
    for start in range(0, len(boxes), 7):
        union.add(boxes[start:start + 7])
    wkb = union.result()
    assert wkb is not None
    folded = shapely.from_wkb(wkb)
    assert folded.geom_type == "MultiPolygon"
    assert union.elements == len(boxes)
    assert len(folded.geoms) == 2 + 40  # the two rows of overlapping boxes, the 40 apart
    assert folded.is_valid
    assert folded.symmetric_difference(shapely.union_all(boxes)).area < 1e-9
    assert FootprintUnion().result() is None
