"""A BIM tileset built on a Dask LocalCluster (its tiles as independent tasks reading the
model's spilled geometry) is the very tileset the in-process build writes."""

from __future__ import annotations

from pathlib import Path

from tile_digests import digests

from gis.bim.elements import element_products, read_elements
from gis.bim.georef import user_placement
from gis.bim.ifcfile import open_model
from gis.bim.meshes import iterate_meshes
from gis.bim.spill import geometry_folder, spill_meshes
from gis.bim.synthetic import write_model
from tiles.bim.build import build_bim_tileset
from tiles.engine.cluster import DaskExecutor, local_cluster_client


def _ingest_geometry(model: Path) -> None:
    """The spill an ingest writes (the iterator's order varies run to run on 2 threads:
    both builds read this one)."""
    parsed = open_model(model)
    products = element_products(parsed)
    elements = {info.global_id: info for info in read_elements(products)}
    for _mesh in spill_meshes(iterate_meshes(parsed, products, 2), elements,
                              geometry_folder(model)):
        pass


def test_cluster_bim_tiles_are_identical_to_in_process(tmp_path: Path) -> None:
    model = write_model(tmp_path / "model.ifc", walls=8, spaces=24)
    _ingest_geometry(model)
    placement = user_placement("152000,170000,30", "EPSG:31370+5710", 20.0)
    local = build_bim_tileset(model, placement, tmp_path / "local", max_elements=4,
                              version="v1")
    client = local_cluster_client(2)
    try:
        done: list[int] = []
        remote = build_bim_tileset(model, placement, tmp_path / "cluster", max_elements=4,
                                   version="v1", executor=DaskExecutor(client),
                                   progress=done.append)
    finally:
        cluster = client.cluster
        client.close()
        cluster.close()
    assert remote.tiles == local.tiles > 4  # the walls at the root, spaces in leaves
    assert done[-1] == remote.elements == 32
    assert digests(tmp_path / "cluster") == digests(tmp_path / "local")
