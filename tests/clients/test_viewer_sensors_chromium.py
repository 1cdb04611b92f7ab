"""Live sensor labels in the CesiumJS viewer, in a real headless Chromium.

A Thing, its Datastream and an Observation are made through the SensorThings API; the
viewer shows a label with the Thing's name and value; a new Observation posted over HTTP
appears after a forced refresh (`TwinSensors.refresh()`, what the page's timer calls), and
clicking the label lists the Thing's datastreams in the attributes panel. One page load,
in a database of its own so that the scene holds only this Thing (cheap and deterministic).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from cesium_support import CHROMIUM, CHROMIUM_ARGS, page_and_app, require_chromium
from db_support import migrated_database, running_cluster
from fastapi import FastAPI
from sensor_support import TEMPERATURE, thing

from gis import access
from gis.db import make_engine
from twin.app import create_app
from twin.settings import Settings

pytestmark = pytest.mark.clients
REPO = Path(__file__).resolve().parents[2]
STA = "/sta/v1.1"
LON, LAT = 4.3572, 52.0116


@pytest.fixture(scope="module")
def sensors_database() -> Iterator[tuple[str, str]]:
    """(database URL, a staff key that may write) in a fresh database."""
    with migrated_database(running_cluster(REPO / "var" / "test-postgres"),
                           "twin_viewer_live") as url:
        engine = make_engine(url)
        with engine.begin() as conn:
            _, staff = access.create_key(conn, "staff", can_write=True, label="live labels")
        engine.dispose()
        yield url, staff


def _thing(name: str) -> dict[str, Any]:
    return thing(name, "weather mast on the market square", LON, LAT, TEMPERATURE,
                 [(_now(), 7.25)])


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _labels(page: Any) -> dict[str, str]:
    return dict(page.evaluate("window.TwinSensors.labels()"))


def test_sensor_label_shows_the_latest_value_and_follows_a_new_observation(
        sensors_database: tuple[str, str], tmp_path: Path) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    url, staff = sensors_database
    name = f"Mast {uuid.uuid4().hex[:6]}"

    def make_app(origin: str) -> FastAPI:
        return create_app(Settings(database_url=url, public_url=origin, data_dir=tmp_path,
                                   viewer_sensors_refresh_s=3600))

    errors: list[str] = []
    with page_and_app("", make_app) as (_, base), httpx.Client(
            base_url=base, headers={"X-API-Key": staff}, timeout=30) as api:
        created = api.post(f"{STA}/Things", json=_thing(name))
        assert created.status_code == 201, created.text
        thing = created.json()["@iot.id"]
        datastream = api.get(f"{STA}/Things({thing})/Datastreams").json()["value"][0]["@iot.id"]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                 args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1000, "height": 700})
                page.set_default_timeout(120_000)
                page.on("console", lambda m: errors.append(f"{m.text} {m.location['url']}")
                        if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
                        if r.status >= 400 else None)
                page.goto(f"{base}/viewer#cam={LON},{LAT},600,0,-90,0")
                page.wait_for_function(
                    "window.twin && (window.twin.ready || window.twin.errors.length)")
                assert page.evaluate("window.twin.errors") == []
                first = _labels(page)[str(thing)]
                assert page.is_checked("#layer-sensors")
                posted = api.post(f"{STA}/Observations", json={
                    "phenomenonTime": _now(), "result": 8.5,
                    "Datastream": {"@iot.id": datastream}})
                assert posted.status_code == 201, posted.text
                before = page.evaluate(f"window.TwinSensors.info.things[{thing}].entity.id")
                refreshed = page.evaluate("window.TwinSensors.refresh()")
                second = _labels(page)[str(thing)]
                after = page.evaluate(f"window.TwinSensors.info.things[{thing}].entity.id")
                unchanged = page.evaluate("window.TwinSensors.refresh()")
                x, y = page.evaluate(
                    """([lon, lat]) => { const p = Cesium.SceneTransforms
                        .worldToWindowCoordinates(window.twin.viewer.scene,
                                                  Cesium.Cartesian3.fromDegrees(lon, lat, 0));
                        return [p.x, p.y]; }""", [LON, LAT])
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => "
                              "requestAnimationFrame(r)))")
                page.mouse.click(x, y)
                page.wait_for_function("window.twin.lastPick !== null", timeout=30_000)
                panel = page.inner_text("#attributes")
            finally:
                browser.close()
    assert first.startswith(name)
    assert "air temperature: 7.25 °C (just now)" in first
    assert "air temperature: 8.5 °C (just now)" in second
    assert refreshed["changed"] >= 1
    assert before == after == f"sensor-{thing}"  # the same entity, its label updated
    assert unchanged["changed"] == 0
    assert "8.5 °C" in panel
    assert f"{name} air temperature" in panel
    assert errors == []
