"""The viewer scene's ``sensors`` entry follows the SensorThings access rule: a caller who
sees no located Thing gets no entry (no empty "Sensors" switch, nothing learnt about closed
sensors); one who sees a Thing gets the collection URL and the refresh period.

A database of its own: Things tied to no layer are open to everyone, so in the shared test
database another test's open Thing would be visible to any caller."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from db_support import migrated_database, running_cluster
from fastapi.testclient import TestClient
from ingest_support import spec

from gis import access, registry
from gis.db import make_engine
from twin.app import create_app
from twin.settings import Settings

pytestmark = pytest.mark.api
REPO = Path(__file__).resolve().parents[2]
SCENE = "/viewer/scene.json"


@pytest.fixture(scope="module")
def own_database_url() -> Iterator[str]:
    with migrated_database(running_cluster(REPO / "var" / "test-postgres"),
                           "twin_viewer_sensors") as url:
        yield url


def _closed_thing(layer: str) -> dict[str, object]:
    return {
        "name": "closed mast", "description": "noise", "properties": {"layer": layer},
        "Locations": [{"name": "mast", "description": "roof",
                       "encodingType": "application/geo+json",
                       "location": {"type": "Point", "coordinates": [4.70, 50.88]}}],
        "Datastreams": [{
            "name": "noise level", "description": "LAeq 1 min",
            "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/"
                               "OM_Measurement",
            "unitOfMeasurement": {"name": "decibel", "symbol": "dB(A)", "definition": "dB"},
            "Sensor": {"name": "mic", "description": "class 2", "encodingType":
                       "application/pdf", "metadata": "https://x/mic.pdf"},
            "ObservedProperty": {"name": "LAeq", "description": "noise",
                                 "definition": "https://x/laeq"},
            "Observations": [{"phenomenonTime": "2026-12-01T10:00:00Z", "result": 54.5}],
        }],
    }


def test_scene_has_sensors_only_for_callers_who_see_a_thing(
        own_database_url: str, tmp_path: Path) -> None:
    closed = f"viewer_sensors_{uuid.uuid4().hex[:8]}"
    engine = make_engine(own_database_url)
    try:
        with engine.begin() as conn:
            registry.register(conn, spec(closed, access_level="closed"), "EPSG:31370")
            _, staff = access.create_key(conn, "staff", can_write=True, label="viewer sensors")
    finally:
        engine.dispose()
    settings = Settings(database_url=own_database_url, public_url="http://testserver",
                        data_dir=tmp_path, viewer_sensors_refresh_s=45)
    with TestClient(create_app(settings)) as client:
        assert client.get(SCENE).json()["sensors"] is None  # no Thing at all yet
        created = client.post("/sta/v1.1/Things", json=_closed_thing(closed),
                              headers={"X-API-Key": staff})
        assert created.status_code == 201, created.text
        anonymous = client.get(SCENE).json()
        signed_in = client.get(SCENE, headers={"X-API-Key": staff}).json()
        page = client.get("/viewer").text
    assert anonymous["sensors"] is None
    assert "collections/sensors" not in page
    entry = signed_in["sensors"]
    assert entry["url"] == "http://testserver/collections/sensors/items?f=json&limit=500"
    assert entry["refreshSeconds"] == 45
    assert entry["extent"] == pytest.approx([4.70, 50.88, 4.70, 50.88])
