"""A BIM layer through the OGC API: elements as items, CQL2 over IFC class, storey and
property values, queryables listing the properties, the footprint as vector tiles."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ifcopenshell
import pytest
from bim_support import DUPLEX, load_ifc
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from twin.app import create_app
from twin.settings import Settings


@dataclass
class World:
    client: TestClient
    layer_id: str
    doors_with_rating: int
    doors: int


def _doors(path: Path) -> tuple[int, int]:
    """Doors of the model, and those with a Pset_DoorCommon.FireRating, read by IfcOpenShell
    directly (not through our ingest)."""
    import ifcopenshell.util.element as element_util

    model: Any = ifcopenshell.open(str(path))
    doors = model.by_type("IfcDoor")
    rated = [d for d in doors
             if element_util.get_psets(d).get("Pset_DoorCommon", {}).get("FireRating")
             is not None]
    return len(doors), len(rated)


@pytest.fixture(scope="module")
def world(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[World]:
    layer_id = f"bim_ogc_{uuid.uuid4().hex[:8]}"
    folder = Path(tmp_path_factory.mktemp("bim"))
    load_ifc(engine, layer_id, DUPLEX, folder)
    settings = Settings(database_url=database_url, public_url="http://testserver",
                        data_dir=folder / "var", ogc_registry_ttl=0.0)
    doors, rated = _doors(DUPLEX)
    with TestClient(create_app(settings)) as client:
        yield World(client, layer_id, rated, doors)


def test_elements_are_items_with_ifc_attributes_and_property_sets(world: World) -> None:
    response = world.client.get(f"/collections/{world.layer_id}/items",
                                params={"f": "json", "limit": 500})
    assert response.status_code == 200
    features = response.json()["features"]
    assert len(features) == 236
    wall = next(f for f in features if f["properties"]["ifc_class"] == "IfcWallStandardCase")
    properties = wall["properties"]
    assert properties["storey"] in {"Level 1", "Level 2", "Roof", "T/FDN"}
    assert isinstance(properties["psets"], dict)
    assert properties["psets"]
    assert properties["zmax"] > properties["zmin"] > 290
    assert wall["geometry"]["type"] == "MultiPolygon"


def test_cql2_over_class_and_property_values(world: World) -> None:
    base = f"/collections/{world.layer_id}/items"
    rated = world.client.get(base, params={
        "f": "json", "limit": 500, "filter-lang": "cql2-text",
        "filter": "ifc_class = 'IfcDoor' AND \"Pset_DoorCommon.FireRating\" IS NOT NULL"})
    assert rated.status_code == 200, rated.text
    assert len(rated.json()["features"]) == world.doors_with_rating > 0
    storey = world.client.get(base, params={
        "f": "json", "limit": 500, "filter": "ifc_class = 'IfcDoor' AND storey = 'Level 2'"})
    assert storey.status_code == 200, storey.text
    on_level_2 = storey.json()["features"]
    assert 0 < len(on_level_2) < world.doors
    assert {f["properties"]["storey"] for f in on_level_2} == {"Level 2"}


def test_queryables_list_the_properties_found(world: World) -> None:
    response = world.client.get(f"/collections/{world.layer_id}/queryables",
                                params={"f": "json"})
    assert response.status_code == 200
    names = set(response.json()["properties"])
    assert {"GlobalId", "ifc_class", "storey", "Pset_DoorCommon.FireRating"} <= names
    assert "psets" not in names  # a JSON document: its members are the flat queryables


def test_footprint_is_served_as_vector_tiles(world: World) -> None:
    response = world.client.get(f"/collections/{world.layer_id}/tiles/WebMercatorQuad",
                                params={"f": "json"})
    assert response.status_code == 200, response.text
    links = [link["href"] for link in response.json()["links"] if "{tileMatrix}" in
             link["href"]]
    assert links


def test_a_bim_layer_is_a_dataset_with_downloads(world: World) -> None:
    """A model is published like any layer: its elements downloadable as GeoJSON and listed as
    DCAT distributions (not only served by the OGC API)."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCAT

    download = world.client.get(f"/downloads/{world.layer_id}.geojson")
    assert download.status_code == 200, download.text
    assert len(download.json()["features"]) == 236
    page = world.client.get(f"/catalog/datasets/{world.layer_id}.ttl")
    assert page.status_code == 200
    graph = Graph().parse(data=page.content, format="turtle")
    urls = {str(url) for url in graph.objects(None, DCAT.downloadURL)}
    assert any(url.startswith(f"http://testserver/downloads/{world.layer_id}.geojson")
               for url in urls), urls
    assert isinstance(next(iter(graph.subjects(DCAT.distribution, None))), URIRef)
