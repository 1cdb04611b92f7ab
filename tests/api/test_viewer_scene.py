"""``/viewer/scene.json``: every 3D Tiles product, terrain and map layer the caller may see,
the town they make, and the OGC API search the viewer's search box sends (CQL2 over the
streets of the Delft OpenStreetMap extract)."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lidar_support import DELFT, REPO, lidar_spec
from ogc_support import open_spec
from sqlalchemy import Engine

from gis import registry
from gis.anonymise import refresh_published_view
from gis.ingest.loader import ingest_vector
from gis.lidar.crs import parse_given_crs
from gis.lidar.ingest import ingest_lidar
from gis.raster.build import build_dem
from tiles.buildings.build import build_tileset
from tiles.pointcloud.layer import build_layer_tileset
from twin.app import create_app
from twin.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "unit"))
from test_buildings_tiles import synthetic_set

pytestmark = pytest.mark.api
BASE = "http://testserver"
STREETS = REPO / "data" / "delft" / "osm" / "tudelft_dsol_demo.osm.pbf"
LEUVEN = REPO / "data" / "leuven_be" / "leuven_grb_adp_parcels_321.geojson"


@dataclass
class Town:
    client: TestClient
    ids: dict[str, str]


def _vector(engine: Engine, layer_id: str, path: Path, crs: str, **extra: Any) -> None:
    ingest_vector(engine, open_spec(layer_id, **extra), path, default_storage_crs=crs)
    with engine.begin() as conn:
        refresh_published_view(conn, registry.get_layer(conn, layer_id))


@pytest.fixture(scope="module")
def town(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Town]:
    suffix = uuid.uuid4().hex[:8]
    ids = {name: f"scene_{name}_{suffix}" for name in
           ("points", "hidden", "houses", "streets", "leuven")}
    settings = Settings(database_url=database_url, public_url=BASE, ogc_registry_ttl=0.0,
                        data_dir=tmp_path_factory.mktemp("var"))
    nap = parse_given_crs("EPSG:28992+5709")
    ingest_lidar(engine, lidar_spec(ids["points"]), DELFT[1:], crs=nap)
    ingest_lidar(engine, lidar_spec(ids["hidden"], "closed"), DELFT[1:], crs=nap)
    build_layer_tileset(engine, ids["points"], settings.tiles_dir, workers=1)
    build_dem(engine, ids["points"], "dtm", 2.0, settings.data_dir.resolve() / "rasters")
    _vector(engine, ids["houses"], REPO / "data" / "delft" / "bgt" / "bgt_pand.sqlite",
            "EPSG:28992")
    build_tileset(synthetic_set(10), settings.tiles_dir / ids["houses"],
                  executor=ThreadPoolExecutor(1))
    _vector(engine, ids["streets"], STREETS, "EPSG:28992", osm_mapping="roads")
    _vector(engine, ids["leuven"], LEUVEN, "EPSG:31370")
    with TestClient(create_app(settings)) as client:
        yield Town(client, ids)


def _by_id(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in entries}


def test_scene_lists_what_the_caller_may_see(town: Town) -> None:
    response = town.client.get("/viewer/scene.json")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    scene = response.json()
    layers = _by_id(scene["layers"])
    points = layers[town.ids["points"]]
    assert points["kind"] == "pointcloud"
    assert points["url"] == f"{BASE}/3dtiles/{town.ids['points']}/tileset.json"
    assert {2, 6} <= set(points["classes"])
    assert points["hasColour"] is False
    assert points["hasReturns"] is True  # AHN3 records return numbers: the returns style
    low, high = points["heightRange"]
    assert -10 < low < high < 100
    assert layers[town.ids["houses"]]["kind"] == "buildings"
    assert town.ids["hidden"] not in layers
    assert f"{town.ids['hidden']}_dtm" not in response.text
    imagery = _by_id(scene["imagery"])[f"{town.ids['points']}_dtm"]
    assert imagery["styles"] == ["hillshade", "colour-relief"]
    assert imagery["url"].endswith("/map/tiles/WebMercatorQuad/{z}/{y}/{x}")
    assert imagery["inTown"] is True
    streets = layers[town.ids["streets"]]
    assert streets["kind"] == "geojson"
    assert streets["inTown"] is True
    assert streets["collection"] == f"{BASE}/collections/{town.ids['streets']}"
    assert layers[town.ids["leuven"]]["inTown"] is False  # listed, loaded on demand
    west, south, east, north = scene["extent"]
    assert west < 4.3676 < east
    assert south < 52.0114 < north
    assert east - west < 0.05  # the town, not Delft to Leuven
    assert isinstance(scene["terrains"], list)
    page = town.client.get("/viewer").text
    assert f"{BASE}/viewer/static/points.js" in page
    assert f"{BASE}/viewer/static/tools.js" in page


def test_the_search_box_query_finds_a_street(town: Town) -> None:
    """What tools.js sends: the collection's text queryables, then CQL2 CASEI ... LIKE."""
    collection = f"/collections/{town.ids['streets']}"
    queryables = town.client.get(f"{collection}/queryables?f=json").json()
    names = [n for n, p in queryables["properties"].items()
             if p.get("type") == "string" and not p.get("format")]
    assert "name" in names
    cql = " OR ".join(f"CASEI(\"{n}\") LIKE CASEI('%kanaalw%')" for n in names)
    found = town.client.get(f"{collection}/items", params={
        "f": "json", "limit": "10", "filter-lang": "cql2-text", "filter": cql})
    assert found.status_code == 200, found.text
    streets = {f["properties"]["name"] for f in found.json()["features"]}
    assert streets == {"Kanaalweg"}
