"""``/portal/sensors``: visible Things with their latest values and a server-drawn time-series
chart per datastream, in French, Dutch and English; a closed Thing only for its readers."""

from __future__ import annotations

import re
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
class Site:
    client: TestClient
    staff: dict[str, str]
    open_name: str
    closed_name: str
    stream: int


def _thing(name: str, values: list[Any], layer: str | None = None) -> dict[str, Any]:
    return {
        "name": name, "description": "water level of the Dyle",
        "properties": {"layer": layer} if layer else {},
        "Locations": [{"name": name, "description": "bridge", "encodingType":
                       "application/geo+json",
                       "location": {"type": "Point", "coordinates": [4.70123, 50.87654]}}],
        "Datastreams": [{
            "name": f"{name} level", "description": "every 10 minutes",
            "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/"
                               "OM_Measurement",
            "unitOfMeasurement": {"name": "centimetre", "symbol": "cm",
                                  "definition": "http://unitsofmeasure.org/ucum.html#cm"},
            "Sensor": {"name": "radar", "description": "radar gauge",
                       "encodingType": "application/pdf", "metadata": "https://x/radar.pdf"},
            "ObservedProperty": {"name": "water level", "description": "height",
                                 "definition": "http://vocab.nerc.ac.uk/level/"},
            "Observations": [{"phenomenonTime": f"2026-11-25T{h:02d}:00:00Z", "result": v}
                             for h, v in enumerate(values)],
        }],
    }


@pytest.fixture(scope="module")
def site(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Site]:
    suffix = uuid.uuid4().hex[:8]
    closed = f"portal_sensors_closed_{suffix}"
    with engine.begin() as conn:
        registry.register(conn, spec(closed, access_level="closed"), "EPSG:31370")
        _, staff = access.create_key(conn, "staff", can_write=True, label="portal sensors")
    settings = Settings(database_url=database_url, public_url="http://testserver",
                        data_dir=Path(tmp_path_factory.mktemp("var")))
    headers = {"X-API-Key": staff}
    open_name, closed_name = f"Dyle bridge {suffix}", f"Private gauge {suffix}"
    with TestClient(create_app(settings)) as client:
        created = client.post(f"{STA}/Things", headers=headers,
                              json=_thing(open_name, [120.5, 118.0, 131.25, 1234.5]))
        assert created.status_code == 201, created.text
        thing_id = created.json()["@iot.id"]
        assert client.post(f"{STA}/Things", headers=headers,
                           json=_thing(closed_name, [7.0], layer=closed)).status_code == 201
        stream = client.get(f"{STA}/Things({thing_id})/Datastreams").json()["value"][0]
        yield Site(client, headers, open_name, closed_name, int(stream["@iot.id"]))


def _page(site: Site, lang: str, headers: dict[str, str] | None = None) -> str:
    response = site.client.get("/portal/sensors", params={"lang": lang},
                               headers={"Accept": "text/html", **(headers or {})})
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"].startswith("private")
    return response.text


def _spaces(text: str) -> str:
    return re.sub(r"[\u00a0\u202f]", " ", text)


def _series(html: str, stream: int) -> str:
    found = re.search(rf'(?s)<svg [^>]*aria-labelledby="series-{stream}-t series-{stream}-d"'
                      r".*?</svg>", html)
    assert found is not None, "no chart for the datastream"
    return found.group(0)


@pytest.mark.parametrize(("lang", "heading", "value", "title"), [
    ("fr", "Capteurs en direct", "1\u202f234,5 cm", "4 dernières mesures"),
    ("nl", "Live sensoren", "1.234,5 cm", "laatste 4 metingen"),
    ("en", "Live sensors", "1,234.5 cm", "last 4 readings"),
])
def test_latest_values_and_a_chart_per_datastream(site: Site, lang: str, heading: str,
                                                  value: str, title: str) -> None:
    html = _page(site, lang)
    assert f"<h1>{heading}</h1>" in html
    assert site.open_name in html
    cell = re.search(rf'data-stream-value="{site.stream}">([^<]*)<', html)
    assert cell is not None
    assert _spaces(cell.group(1)) == _spaces(value)  # Babel's own thousands separator
    svg = _series(html, site.stream)
    assert title in svg
    assert "<desc id=" in svg
    assert "cm" in svg
    assert svg.count("<circle ") == 4
    assert len(re.search(r'points="([^"]+)"', svg).group(1).split()) == 4  # type: ignore[union-attr]
    assert "portal/static/sensors.js" in html


def test_a_closed_thing_is_only_on_its_readers_page(site: Site) -> None:
    assert site.closed_name not in _page(site, "en")
    assert site.closed_name in _page(site, "en", site.staff)


def test_the_enhancing_script_is_served(site: Site) -> None:
    script = site.client.get("/portal/static/sensors.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert "data-stream-value" in script.text
