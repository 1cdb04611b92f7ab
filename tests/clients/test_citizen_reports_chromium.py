"""Reporting a pothole in a real headless Chromium (Debian's), as a French-speaking citizen.

The MapLibre map draws the commune's own vector tiles (served by the product: every request
is intercepted and nothing may leave it), a click on it fills the form's coordinates, the
form posts and lands on the follow page with the report's number. axe-core checks both pages
for serious or critical WCAG violations.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from ogc_support import OgcLayers, app_settings
from portal_support import require_browser, serious_violations, serving, visiting
from sqlalchemy import Engine

from gis import registry
from gis.reports import store

pytestmark = pytest.mark.clients
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(database_url: str, ogc_layers: OgcLayers, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[tuple[str, str]]:
    layer_id = f"reports_ui_{uuid.uuid4().hex[:8]}"
    declaration = yaml.safe_load((REPO / "config/reports.yml").read_text(encoding="utf-8"))
    declaration["layer"]["id"] = layer_id
    path = tmp_path_factory.mktemp("reports") / "reports.yml"
    path.write_text(yaml.safe_dump(declaration, allow_unicode=True), encoding="utf-8")
    with serving(lambda base: app_settings(database_url, base).model_copy(update={
            "reports_file": path, "portal_background_layers": (ogc_layers.open,)})) as base:
        yield base, layer_id


def test_a_citizen_reports_a_pothole_by_clicking_the_map(
        site: tuple[str, str], ogc_layers: OgcLayers, engine: Engine, tmp_path: Path) -> None:
    require_browser()
    base, layer_id = site
    with visiting(base, tmp_path / "profile", "fr-BE", (1100, 900)
                  ) as visit:
        page = visit.page
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
    assert visit.outside == [], visit.outside
    assert visit.errors == [], visit.errors
    assert any(f"/collections/{ogc_layers.open}/tiles/" in t for t in visit.tiles)
    with engine.connect() as conn:
        stored = store.staff_reports(conn, registry.get_layer(conn, layer_id))
    assert len(stored) == 1
    assert (stored[0].lon, stored[0].lat) == pytest.approx((lon, lat), abs=1e-6)
    assert stored[0].location_source == "map"
    assert stored[0].description == "Nid-de-poule profond devant le numéro 12"
