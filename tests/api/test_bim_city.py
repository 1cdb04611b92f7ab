"""The BIM in the city through HTTP (issue 17, items 4-5): the viewer's scene lists, for each
BIM tileset, the city buildings it replaces (the ids the city tiles carry), and a building's
OGC API item links the BIM models standing in for it -- only those the caller may see."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import shapely
from bim_city_support import City, small_city
from bim_support import load_ifc
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gis.access import create_key
from gis.bim.georef import user_placement
from gis.bim.synthetic import write_model
from tiles.bim.build import build_layer_bim
from tiles.buildings.build import build_tileset
from tiles.buildings.source import building_set
from tiles.core.glb import read_glb
from tiles.core.metadata import read_property_table
from twin.app import create_app
from twin.settings import Settings

pytestmark = pytest.mark.api


@dataclass(frozen=True)
class Site:
    client: TestClient
    city: City
    open_bim: str
    closed_bim: str
    houses: dict[str, int]  # BIM layer -> the fid of the house it stands on
    tiles: Path


def _two_houses(city: City) -> list[int]:
    """Two houses of at least 60 m2 (a 2-wall model fits well inside each)."""
    return sorted(fid for fid, f in city.footprints.items() if f.area > 60)[:2]


def _inside(footprint: shapely.Geometry) -> str:
    point = shapely.maximum_inscribed_circle(footprint).centroid
    return f"{point.x - 3.0},{point.y},0"  # two walls 6 m apart around the point


@pytest.fixture(scope="module")
def site(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("bimcity_api")
    suffix = uuid.uuid4().hex[:8]
    settings = Settings(database_url=database_url, public_url="http://testserver",
                        data_dir=folder / "var", ogc_registry_ttl=0.0)
    city = small_city(engine, f"bimcityapi_pand_{suffix}", folder)
    with engine.connect() as conn:
        buildings = building_set(conn, city.layer)
    build_tileset(buildings, settings.tiles_dir / city.layer, executor=ThreadPoolExecutor(1))
    model = write_model(folder / "small.ifc", walls=2, spaces=0)
    houses = {}
    for (name, level), fid in zip((("open", "open"), ("closed", "closed")), _two_houses(city),
                                  strict=True):
        layer_id = f"bimcityapi_{name}_{suffix}"
        placement = user_placement(_inside(city.footprints[fid]), "EPSG:28992+5709", 0.0)
        load_ifc(engine, layer_id, model, folder, placement=placement, access_level=level)
        build_layer_bim(engine, layer_id, settings.tiles_dir, threads=1)
        houses[layer_id] = fid
    open_bim, closed_bim = list(houses)
    with TestClient(create_app(settings)) as client:
        yield Site(client, city, open_bim, closed_bim, houses, settings.tiles_dir)


def _entry(scene: dict[str, Any], layer_id: str) -> dict[str, Any]:
    return next(e for e in scene["layers"] if e["id"] == layer_id)


def test_scene_lists_the_city_buildings_each_bim_replaces(site: Site, engine: Engine) -> None:
    scene = site.client.get("/viewer/scene.json").json()
    house = site.houses[site.open_bim]
    bim = _entry(scene, site.open_bim)
    assert bim["kind"] == "bim"
    assert bim["replaces"] == [{"layer": site.city.layer, "property": "id",
                                "ids": [f"{site.city.layer}/{house}"]}]
    assert _entry(scene, site.city.layer)["kind"] == "buildings"
    assert site.closed_bim not in {e["id"] for e in scene["layers"]}
    with engine.begin() as conn:
        _, token = create_key(conn, "staff", label="bim city scene")
    staff = site.client.get("/viewer/scene.json", headers={"X-API-Key": token}).json()
    closed = _entry(staff, site.closed_bim)
    assert closed["replaces"][0]["ids"] == [f"{site.city.layer}/{site.houses[site.closed_bim]}"]
    # the property the page styles on is the one the city tiles carry for that building
    ids = set()
    for glb in (site.tiles / site.city.layer).rglob("*.glb"):
        gltf, body = read_glb(glb.read_bytes())
        ids.update(read_property_table(gltf, body)["id"])
    assert f"{site.city.layer}/{house}" in ids


def _bim_links(document: dict[str, Any], *bims: str) -> list[dict[str, str]]:
    """The related links naming one of ``bims`` (other tests' models may stand on the same
    Delft houses of their own layers, and link this layer's too)."""
    return [link for link in document["links"] if link["rel"] == "related"
            and any(f"/{bim}" in link["href"] for bim in bims)]


def test_a_building_item_links_its_bim_for_whom_may_see_it(site: Site, engine: Engine
                                                          ) -> None:
    base = f"/collections/{site.city.layer}/items"
    house = site.client.get(f"{base}/{site.houses[site.open_bim]}?f=json")
    assert house.status_code == 200
    links = _bim_links(house.json(), site.open_bim, site.closed_bim)
    assert {link["href"] for link in links} == {
        f"http://testserver/collections/{site.open_bim}",
        f"http://testserver/collections/{site.open_bim}/items",
        f"http://testserver/3dtiles/{site.open_bim}/tileset.json"}
    assert all("BIM" in link["title"] for link in links)
    other = next(fid for fid in site.city.footprints if fid not in site.houses.values())
    assert _bim_links(site.client.get(f"{base}/{other}?f=json").json(), site.open_bim,
                      site.closed_bim) == []
    # the closed model is named only to a caller who may read it
    closed_house = f"{base}/{site.houses[site.closed_bim]}?f=json"
    assert _bim_links(site.client.get(closed_house).json(), site.closed_bim) == []
    with engine.begin() as conn:
        _, token = create_key(conn, "staff", label="bim city item")
    keyed = site.client.get(closed_house, headers={"X-API-Key": token}).json()
    assert {link["href"] for link in _bim_links(keyed, site.closed_bim)} >= {
        f"http://testserver/collections/{site.closed_bim}"}


def test_the_item_tag_follows_its_bim_links(site: Site, engine: Engine) -> None:
    """A BIM load does not move the building layer's stamp: the links are in the tag."""
    from gis.bim.buildings import link_buildings

    house = f"/collections/{site.city.layer}/items/{site.houses[site.open_bim]}"
    linked = site.client.get(house)
    tag = linked.headers["etag"]
    assert site.client.get(house, headers={"If-None-Match": tag}).status_code == 304
    try:
        assert link_buildings(engine, site.open_bim, city_layers=[]) == []  # unlinked
        unlinked = site.client.get(house, headers={"If-None-Match": tag})
        assert unlinked.status_code == 200
        assert _bim_links(unlinked.json(), site.open_bim) == []
        assert unlinked.headers["etag"] != tag
    finally:
        link_buildings(engine, site.open_bim)
    assert site.client.get(house, headers={"If-None-Match": tag}).status_code == 304
