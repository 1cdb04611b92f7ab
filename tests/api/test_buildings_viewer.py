"""``/viewer``: the page lists only what the caller may see; CesiumJS is served locally."""

from __future__ import annotations

import base64
import json
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import shapely
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gis import access
from tiles.buildings.build import build_tileset
from twin.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from buildings_support import DELFT_ROADS, ingest_vector, spec
from ogc_support import app_settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "unit"))
from test_buildings_tiles import synthetic_set

pytestmark = pytest.mark.api


def _config(page: str) -> dict[str, Any]:
    found = re.search(r'<script id="twin-config" type="application/json">(.*?)</script>', page,
                      re.S)
    assert found, "no viewer config in the page"
    config: dict[str, Any] = json.loads(found.group(1))
    return config


@pytest.fixture(scope="module")
def viewer_setup(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
                 ) -> tuple[TestClient, dict[str, str], dict[str, str]]:
    data_dir = tmp_path_factory.mktemp("viewer")
    suffix = re.sub(r"[^a-z0-9]", "", str(id(data_dir)))[-8:]
    names = {"open": f"v_open_{suffix}", "closed": f"v_closed_{suffix}",
             "roads": f"v_roads_{suffix}"}
    for key in ("open", "closed"):
        ingest_vector(engine, spec(names[key], access_level=key), DELFT_ROADS,
                      default_storage_crs="EPSG:28992")
        build_tileset(synthetic_set(20), data_dir / "tiles" / names[key],
                      executor=ThreadPoolExecutor(1))
    ingest_vector(engine, spec(names["roads"]), DELFT_ROADS, default_storage_crs="EPSG:28992")
    with engine.begin() as conn:
        _, staff = access.create_key(conn, "staff", label="viewer test")
    settings = app_settings(database_url).model_copy(update={"data_dir": data_dir})
    client = TestClient(create_app(settings))
    return client, names, {"X-API-Key": staff}


def test_anonymous_callers_see_only_open_layers(
    viewer_setup: tuple[TestClient, dict[str, str], dict[str, str]]
) -> None:
    client, names, _ = viewer_setup
    response = client.get("/viewer")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert names["closed"] not in response.text
    layers = {layer["id"]: layer for layer in _config(response.text)["layers"]}
    assert layers[names["open"]]["kind"] == "buildings"
    assert layers[names["open"]]["url"] == (
        f"http://testserver/3dtiles/{names['open']}/tileset.json")
    assert layers[names["roads"]]["kind"] == "geojson"
    assert layers[names["roads"]]["url"].startswith(
        f"http://testserver/collections/{names['roads']}/items?")


def test_staff_sees_closed_layers_too(
    viewer_setup: tuple[TestClient, dict[str, str], dict[str, str]]
) -> None:
    client, names, staff = viewer_setup
    config = _config(client.get("/viewer", headers=staff).text)
    assert {names["open"], names["closed"], names["roads"]} <= {
        layer["id"] for layer in config["layers"]}
    west, south, east, north = config["extent"]
    assert shapely.box(west, south, east, north).contains(shapely.Point(4.3676, 52.0114))


def test_cesium_is_served_by_the_app_and_nothing_else_is(
    viewer_setup: tuple[TestClient, dict[str, str], dict[str, str]]
) -> None:
    client, _, _ = viewer_setup
    page = client.get("/viewer").text
    assert "cesium.com" not in page
    assert "cdn" not in page.lower()
    script = client.get("/viewer/cesium/Cesium.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert client.get("/viewer/cesium/Widgets/widgets.css").status_code == 200
    assert client.get("/viewer/static/viewer.js").status_code == 200
    for escape in ("/viewer/cesium/../../package.json", "/viewer/static/..%2F..%2Fapp.py",
                   "/viewer/cesium/nothing.js"):
        assert client.get(escape).status_code == 404


def test_sign_in_challenges_then_the_browser_credentials_open_closed_tilesets(
    viewer_setup: tuple[TestClient, dict[str, str], dict[str, str]]
) -> None:
    """A browser cannot add headers to a page load: /sign-in asks for Basic credentials at
    the root, which the browser then sends with the page and with every tile request."""
    client, names, staff = viewer_setup
    challenge = client.get("/sign-in", follow_redirects=False)
    assert challenge.status_code == 401
    assert challenge.headers["www-authenticate"].startswith("Basic realm=")
    anonymous = _config(client.get("/viewer").text)
    assert anonymous["signedIn"] is None
    assert client.get(f"/3dtiles/{names['closed']}/tileset.json").status_code == 404
    token = staff["X-API-Key"]
    basic = {"Authorization": "Basic " + base64.b64encode(f"staff:{token}".encode()).decode()}
    signed = client.get("/sign-in", headers=basic, follow_redirects=False)
    assert (signed.status_code, signed.headers["location"]) == (303, "http://testserver/viewer")
    config = _config(client.get("/viewer", headers=basic).text)
    assert config["signedIn"]["role"] == "staff"
    assert names["closed"] in {layer["id"] for layer in config["layers"]}
    assert client.get(f"/3dtiles/{names['closed']}/tileset.json",
                      headers=basic).status_code == 200
