"""The collection ``sensors``: one GeoJSON point per SensorThings Thing with the latest
result, unit and time of each datastream, paged and filtered by bbox, listed in
``/collections``, and a closed Thing never shown to outsiders."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ingest_support import spec
from sensor_support import NO2, thing
from sqlalchemy import Engine

from gis import access, registry
from twin.app import create_app
from twin.settings import Settings

pytestmark = pytest.mark.api
STA = "/sta/v1.1"
ITEMS = "/collections/sensors/items"


@dataclass
class Site:
    client: TestClient
    staff: dict[str, str]
    bbox: str
    open_ids: list[int]
    closed_id: int
    datastream: int


def _thing(name: str, lon: float, lat: float, values: list[float], layer: str | None = None
           ) -> dict[str, Any]:
    return thing(name, "air quality", lon, lat, NO2,
                 [(f"2026-11-20T{h:02d}:00:00Z", v) for h, v in enumerate(values)],
                 layer=layer)


@pytest.fixture(scope="module")
def site(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Site]:
    closed = f"sensors_coll_closed_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        registry.register(conn, spec(closed, access_level="closed"), "EPSG:31370")
        _, staff = access.create_key(conn, "staff", can_write=True, label="sensors coll")
    settings = Settings(database_url=database_url, public_url="http://testserver",
                        data_dir=Path(tmp_path_factory.mktemp("var")))
    # a box of our own: other tests' Things elsewhere in the shared database stay out
    lon, lat = 20 + random.random() * 100, -60 + random.random() * 100
    headers = {"X-API-Key": staff}
    with TestClient(create_app(settings)) as client:
        ids = []
        for i, thing in enumerate([
                _thing("station A", lon, lat, [10.0, 11.5, 12.25]),
                _thing("station B", lon + 0.01, lat, [30.0]),
                _thing("station C", lon + 0.02, lat, [5.0, 6.0]),
                _thing("secret station", lon + 0.03, lat, [99.0], layer=closed)]):
            response = client.post(f"{STA}/Things", json=thing, headers=headers)
            assert response.status_code == 201, (i, response.text)
            ids.append(int(response.json()["@iot.id"]))
        streams = client.get(f"{STA}/Things({ids[0]})/Datastreams", headers=headers).json()
        yield Site(client, headers, f"{lon - 0.001},{lat - 0.001},{lon + 0.031},{lat + 0.001}",
                   ids[:3], ids[3], int(streams["value"][0]["@iot.id"]))


def test_listed_in_collections_with_its_own_document(site: Site) -> None:
    listed = site.client.get("/collections?f=json").json()["collections"]
    found = [c for c in listed if c["id"] == "sensors"]
    assert len(found) == 1
    document = site.client.get("/collections/sensors?f=json").json()
    assert document["itemType"] == "feature"
    assert any(link["rel"] == "items" for link in document["links"])
    x1, _, x2, _ = (float(v) for v in site.bbox.split(","))
    box = document["extent"]["spatial"]["bbox"][0]
    assert box[0] <= x1 + 0.001
    assert box[2] >= x2 - 0.0115  # station C, the easternmost open Thing


def test_items_have_the_latest_value_unit_and_time(site: Site) -> None:
    response = site.client.get(ITEMS, params={"bbox": site.bbox, "f": "json"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    page = response.json()
    assert [f["id"] for f in page["features"]] == site.open_ids
    first = page["features"][0]
    assert first["geometry"]["type"] == "Point"
    assert first["properties"]["NO2"] == 12.25
    assert first["properties"]["NO2_unit"] == "µg/m³"
    assert first["properties"]["NO2_time"] == "2026-11-20T02:00:00Z"
    assert first["properties"]["datastreams"][0]["result"] == 12.25
    assert page["numberMatched"] == 3


def test_paging_follows_next_links(site: Site) -> None:
    page = site.client.get(ITEMS, params={"bbox": site.bbox, "limit": "2"}).json()
    assert page["numberReturned"] == 2
    assert page["numberMatched"] == 3
    following = next(link["href"] for link in page["links"] if link["rel"] == "next")
    rest = site.client.get(following.replace("http://testserver", "")).json()
    assert [f["id"] for f in rest["features"]] == site.open_ids[2:]
    assert not [link for link in rest["links"] if link["rel"] == "next"]


def test_a_closed_thing_never_appears_to_outsiders(site: Site) -> None:
    anonymous = site.client.get(ITEMS, params={"bbox": site.bbox}).json()
    assert site.closed_id not in [f["id"] for f in anonymous["features"]]
    assert "secret" not in str(anonymous)
    assert site.client.get(f"{ITEMS}/{site.closed_id}").status_code == 404
    staff = site.client.get(ITEMS, params={"bbox": site.bbox}, headers=site.staff).json()
    assert [f["id"] for f in staff["features"]] == [*site.open_ids, site.closed_id]
    one = site.client.get(f"{ITEMS}/{site.closed_id}", headers=site.staff)
    assert one.status_code == 200
    assert one.json()["properties"]["NO2"] == 99.0


def test_a_new_observation_is_the_latest_at_once(site: Site) -> None:
    posted = site.client.post(f"{STA}/Datastreams({site.datastream})/Observations",
                              json={"phenomenonTime": "2026-11-21T08:00:00Z", "result": 42.5},
                              headers=site.staff)
    assert posted.status_code == 201, posted.text
    item = site.client.get(f"{ITEMS}/{site.open_ids[0]}").json()
    assert item["properties"]["NO2"] == 42.5
    assert item["properties"]["NO2_time"] == "2026-11-21T08:00:00Z"


def test_bad_requests_and_browsers(site: Site) -> None:
    assert site.client.get(ITEMS, params={"bbox": "1,2,3"}).status_code == 400
    assert site.client.get(ITEMS, params={"limit": "0"}).status_code == 400
    assert site.client.get(ITEMS, params={"colour": "red"}).status_code == 400
    assert site.client.get(f"{ITEMS}/not-a-number").status_code == 404
    html = site.client.get(ITEMS, params={"f": "html"}, follow_redirects=False)
    assert html.status_code == 303
    assert html.headers["location"] == "http://testserver/portal/sensors"


def test_cql2_filters_on_the_things_members(site: Site) -> None:
    page = site.client.get(ITEMS, params={"bbox": site.bbox,
                                          "filter": "name IN ('station A','station C')"}).json()
    assert [f["id"] for f in page["features"]] == [site.open_ids[0], site.open_ids[2]]
    x1, y1, _, _ = (float(v) for v in site.bbox.split(","))
    near = site.client.get(ITEMS, params={
        "filter": f"S_INTERSECTS(geometry, BBOX({x1},{y1},{x1 + 0.005},{y1 + 0.002}))"}).json()
    assert [f["id"] for f in near["features"]] == [site.open_ids[0]]
    queryables = site.client.get("/collections/sensors/queryables").json()
    assert set(queryables["properties"]) == {"geometry", "name", "description", "layer"}
    assert site.client.get(ITEMS, params={"filter": "colour = 'red'"}).status_code == 400
    by_name = site.client.get(ITEMS, params={"bbox": site.bbox, "name": "station B"}).json()
    assert [f["id"] for f in by_name["features"]] == [site.open_ids[1]]
