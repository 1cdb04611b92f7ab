"""SensorThings API 1.1 over HTTP: deep insert, reads with $filter/$expand/$select/$orderby/
$top/$skip/$count, navigation, PATCH, DELETE, the dataArray batch, and access levels on
Things (a closed layer's sensor does not exist for outsiders)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ingest_support import spec
from sqlalchemy import Engine

from gis import access, registry
from twin.app import create_app
from twin.settings import Settings

pytestmark = pytest.mark.api
STA = "/sta/v1.1"


@dataclass
class Sta:
    client: TestClient
    staff: dict[str, str]
    reader: dict[str, str]
    closed_layer: str


@pytest.fixture(scope="module")
def sta(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[Sta]:
    closed = f"sensors_closed_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        registry.register(conn, spec(closed, access_level="closed"), "EPSG:31370")
        _, staff = access.create_key(conn, "staff", can_write=True, label="sta")
        _, reader = access.create_key(conn, "staff", label="sta reader")
    settings = Settings(database_url=database_url, public_url="http://testserver",
                        data_dir=Path(tmp_path_factory.mktemp("var")))
    with TestClient(create_app(settings)) as client:
        yield Sta(client, {"X-API-Key": staff}, {"X-API-Key": reader}, closed)


def thing_body(name: str, layer: str | None = None, values: tuple[float, ...] = (12.5, 14.0)
               ) -> dict[str, Any]:
    properties: dict[str, Any] = {"owner": "commune"}
    if layer:
        properties["layer"] = layer
    return {
        "name": name, "description": "air quality station", "properties": properties,
        "Locations": [{"name": f"{name} site", "description": "roof",
                       "encodingType": "application/geo+json",
                       "location": {"type": "Point", "coordinates": [4.7, 50.88]}}],
        "Datastreams": [{
            "name": f"{name} PM10", "description": "PM10 hourly",
            "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/"
                               "OM_Measurement",
            "unitOfMeasurement": {"name": "microgram per cubic metre", "symbol": "µg/m³",
                                  "definition": "http://unitsofmeasure.org/ucum.html#para-30"},
            "Sensor": {"name": "SDS011", "description": "laser dust sensor",
                       "encodingType": "application/pdf", "metadata": "https://x/sds011.pdf"},
            "ObservedProperty": {"name": "PM10", "description": "particulate matter",
                                 "definition": "http://vocab.nerc.ac.uk/collection/P01/current/"
                                               "PM10/"},
            "Observations": [{"phenomenonTime": f"2026-11-0{i + 1}T10:00:00Z", "result": v}
                             for i, v in enumerate(values)],
        }],
    }


def _create(sta: Sta, body: dict[str, Any]) -> dict[str, Any]:
    response = sta.client.post(f"{STA}/Things", json=body, headers=sta.staff)
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == response.json()["@iot.selfLink"]
    return dict(response.json())


def test_deep_insert_navigation_and_expand(sta: Sta) -> None:
    name = f"station-{uuid.uuid4().hex[:6]}"
    thing = _create(sta, thing_body(name))
    link = thing["@iot.selfLink"]
    assert link.startswith(f"http://testserver{STA}/Things(")
    assert thing["Datastreams@iot.navigationLink"] == f"{link}/Datastreams"
    path = link.removeprefix("http://testserver")
    expanded = sta.client.get(
        path, params={"$expand": "Datastreams($select=name;$expand=Observations("
                                 "$orderby=phenomenonTime desc;$top=1)),Locations"}).json()
    stream = expanded["Datastreams"][0]
    assert set(stream) == {"name", "Observations", "Observations@iot.nextLink"}
    assert [o["result"] for o in stream["Observations"]] == [14.0]
    assert expanded["Locations"][0]["location"]["coordinates"] == [4.7, 50.88]
    history = sta.client.get(f"{path}/HistoricalLocations").json()["value"]
    assert len(history) == 1
    moved = sta.client.post(f"{path}/Locations", headers=sta.staff, json={
        "name": "new site", "description": "moved", "encodingType": "application/geo+json",
        "location": {"type": "Point", "coordinates": [4.71, 50.87]}})
    assert moved.status_code == 201, moved.text
    assert len(sta.client.get(f"{path}/HistoricalLocations").json()["value"]) == 2
    near = sta.client.get(f"{path}/Locations", params={"$filter": "name eq 'new site'"})
    assert [loc["description"] for loc in near.json()["value"]] == ["moved"]
    observations = sta.client.get(f"{path}/Datastreams").json()["value"][0][
        "Observations@iot.navigationLink"].removeprefix("http://testserver")
    found = sta.client.get(observations).json()["value"]
    assert [o["phenomenonTime"] for o in found] == ["2026-11-01T10:00:00Z",
                                                    "2026-11-02T10:00:00Z"]
    foi = sta.client.get(f"{observations.rsplit('/', 1)[0]}/Observations",
                         params={"$expand": "FeatureOfInterest"}).json()["value"][0]
    assert foi["FeatureOfInterest"]["feature"]["type"] == "Point"
    name_only = sta.client.get(f"{path}/name").json()
    assert name_only == {"name": name}
    assert sta.client.get(f"{path}/name/$value").text == name


def test_filter_orderby_paging_and_count(sta: Sta) -> None:
    tag = uuid.uuid4().hex[:6]
    for i in range(3):
        _create(sta, thing_body(f"f-{tag}-{i}", values=(float(i * 10), float(i * 10 + 5))))
    things = sta.client.get(f"{STA}/Things", params={
        "$filter": f"startswith(name, 'f-{tag}') and properties/owner eq 'commune'",
        "$orderby": "name desc", "$top": "2", "$count": "true", "$select": "id,name"}).json()
    assert things["@iot.count"] == 3
    assert [t["name"] for t in things["value"]] == [f"f-{tag}-2", f"f-{tag}-1"]
    assert set(things["value"][0]) == {"@iot.id", "name"}
    following = sta.client.get(things["@iot.nextLink"].removeprefix("http://testserver")).json()
    assert [t["name"] for t in following["value"]] == [f"f-{tag}-0"]
    high = sta.client.get(f"{STA}/Observations", params={
        "$filter": f"result ge 20 and Datastream/Thing/name eq 'f-{tag}-2' and "
                   "phenomenonTime gt 2026-11-01T12:00:00Z", "$count": "true"}).json()
    assert "value" in high, high
    assert [o["result"] for o in high["value"]] == [25.0]
    bad = sta.client.get(f"{STA}/Things", params={"$filter": "name eq"})
    assert bad.status_code == 400
    assert "$filter" in bad.text
    assert sta.client.get(f"{STA}/Things", params={"$filter": "nope eq 1"}).status_code == 400


def test_patch_delete_and_data_array(sta: Sta) -> None:
    thing = _create(sta, thing_body(f"p-{uuid.uuid4().hex[:6]}"))
    path = thing["@iot.selfLink"].removeprefix("http://testserver")
    patched = sta.client.patch(path, json={"description": "moved"}, headers=sta.staff)
    assert patched.status_code == 200, patched.text
    assert patched.json()["description"] == "moved"
    stream = sta.client.get(f"{path}/Datastreams").json()["value"][0]
    batch = [{"Datastream": {"@iot.id": stream["@iot.id"]},
              "components": ["phenomenonTime", "result"], "dataArray@iot.count": 3,
              "dataArray": [["2026-12-01T00:00:00Z", 1], ["2026-12-01T01:00:00Z", 2],
                            ["2027-01-01T00:00:00Z", 3]]}]
    created = sta.client.post(f"{STA}/CreateObservations", json=batch, headers=sta.staff)
    assert created.status_code == 201, created.text
    assert len(created.json()) == 3
    assert all("/Observations(" in link for link in created.json())
    stream_path = stream["@iot.selfLink"].removeprefix("http://testserver")
    counted = sta.client.get(f"{stream_path}/Observations", params={"$count": "true"}).json()
    assert counted["@iot.count"] == 5
    assert sta.client.post(f"{STA}/CreateObservations", json=batch).status_code == 401
    assert sta.client.post(f"{STA}/CreateObservations", json=batch,
                           headers=sta.reader).status_code == 403
    assert sta.client.delete(path, headers=sta.staff).status_code == 200
    assert sta.client.get(path).status_code == 404
    assert sta.client.get(f"{stream_path}/Observations").status_code == 404


def test_things_follow_their_layer_access_level(sta: Sta) -> None:
    name = f"private-{uuid.uuid4().hex[:6]}"
    thing = _create(sta, thing_body(name, layer=sta.closed_layer))
    path = thing["@iot.selfLink"].removeprefix("http://testserver")
    assert sta.client.get(path).status_code == 404
    assert sta.client.get(path, headers=sta.reader).status_code == 200
    anonymous = sta.client.get(f"{STA}/Datastreams",
                               params={"$filter": f"Thing/name eq '{name}'"}).json()
    assert anonymous["value"] == []
    staff = sta.client.get(f"{STA}/Datastreams", params={"$filter": f"Thing/name eq '{name}'"},
                           headers=sta.reader).json()
    assert len(staff["value"]) == 1
    stream_id = staff["value"][0]["@iot.id"]
    assert sta.client.get(f"{STA}/Observations", params={
        "$filter": f"Datastream/id eq {stream_id}"}).json()["value"] == []
