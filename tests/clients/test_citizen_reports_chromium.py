"""Reporting a pothole in a real headless Chromium (Debian's), as a French-speaking citizen.

The MapLibre map draws the commune's own vector tiles (served by the product: every request
is intercepted and nothing may leave it), a click on it fills the form's coordinates, the
form posts and lands on the follow page with the report's number. axe-core checks both pages
for serious or critical WCAG violations.
"""

from __future__ import annotations

import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml
from sqlalchemy import Engine

from gis import registry
from gis.reports import store
from twin.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from buildings_checks import require_tool
from ogc_support import OgcLayers, app_settings, free_port
from test_portal_chromium import AXE, CHROMIUM, serious_violations

pytestmark = pytest.mark.clients
REPO = Path(__file__).resolve().parents[2]
ARGS = ["--headless", "--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]


@pytest.fixture(scope="module")
def site(database_url: str, ogc_layers: OgcLayers, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[tuple[str, str]]:
    layer_id = f"reports_ui_{uuid.uuid4().hex[:8]}"
    declaration = yaml.safe_load((REPO / "config/reports.yml").read_text(encoding="utf-8"))
    declaration["layer"]["id"] = layer_id
    path = tmp_path_factory.mktemp("reports") / "reports.yml"
    path.write_text(yaml.safe_dump(declaration, allow_unicode=True), encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = app_settings(database_url, base).model_copy(update={
        "reports_file": path, "portal_background_layers": (ogc_layers.open,)})
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start in time"
        assert thread.is_alive(), "the server stopped"
        time.sleep(0.05)
    yield base, layer_id
    server.should_exit = True
    thread.join(timeout=10)


def test_a_citizen_reports_a_pothole_by_clicking_the_map(
        site: tuple[str, str], ogc_layers: OgcLayers, engine: Engine, tmp_path: Path) -> None:
    require_tool(CHROMIUM.exists(), f"Chromium ({CHROMIUM})")
    require_tool(AXE.exists(), "axe-core (npm install)")
    from playwright.sync_api import sync_playwright

    base, layer_id = site
    outside: list[str] = []
    tiles: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True,
            args=ARGS, viewport={"width": 1100, "height": 900}, locale="fr-BE")
        try:
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))

            def guard(route: Any) -> None:
                url = route.request.url
                if url.startswith(base + "/"):
                    if "/tiles/WebMercatorQuad/" in url:
                        tiles.append(url)
                    route.continue_()
                else:
                    outside.append(url)
                    route.abort()

            page.route("**/*", guard)
            page.goto(f"{base}/portal/reports")
            assert page.get_attribute("html", "lang") == "fr"
            page.wait_for_selector("#report-map[data-loaded='true'] canvas", timeout=60_000)
            assert page.get_attribute("#report-map", "data-error") is None
            assert serious_violations(page) == [], "report page"
            page.click("#report-map canvas", position={"x": 200, "y": 150})
            lon = float(page.input_value("#rp-lon"))
            lat = float(page.input_value("#rp-lat"))
            assert page.input_value("#rp-source") == "map"
            page.select_option("#rp-category", "pothole")
            page.fill("#rp-description", "Nid-de-poule profond devant le numéro 12")
            page.click("#report-form button[type='submit']")
            page.wait_for_selector(".notice[role='status']")
            assert "Merci" in page.inner_text(".notice")
            assert "nouveau" in page.inner_text("#report-status")
            assert serious_violations(page) == [], "follow page"
        finally:
            context.close()
    assert outside == [], outside
    assert errors == [], errors
    assert any(f"/collections/{ogc_layers.open}/tiles/" in t for t in tiles)
    with engine.connect() as conn:
        stored = store.staff_reports(conn, registry.get_layer(conn, layer_id))
    assert len(stored) == 1
    assert (stored[0].lon, stored[0].lat) == pytest.approx((lon, lat), abs=1e-6)
    assert stored[0].location_source == "map"
    assert stored[0].description == "Nid-de-poule profond devant le numéro 12"
