"""Tables in the portal: no map for a plain table (the joined view's map for a joined one), the
table preview on the OGC API items, a server-drawn chart of a numeric column, the four
downloads, the "table" facet in three languages, snippets that claim no geometries."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from ingest_support import feature, geojson, load, spec, square
from sqlalchemy import Engine
from table_support import budget_csv, load_table, table_spec

from twin.app import create_app
from twin.settings import Settings

pytestmark = pytest.mark.api
BASE = "http://testserver"


@dataclass(frozen=True)
class Site:
    client: TestClient
    budget: str
    stats: str
    closed: str


@pytest.fixture(scope="module")
def site(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Site]:
    suffix = uuid.uuid4().hex[:8]
    folder = tmp_path_factory.mktemp("portal_tables")
    budget, stats = f"ptab_budget_{suffix}", f"ptab_stats_{suffix}"
    sectors, closed = f"ptab_sectors_{suffix}", f"ptab_closed_{suffix}"
    load_table(engine, table_spec(budget, access_level="open"),
               budget_csv(folder / "budget.csv", rows=25))
    load(engine, spec(sectors, access_level="open"), geojson(
        folder / "sectors.geojson",
        [feature(square(173000 + 200 * i, 174000, 150), sector_code=code)
         for i, code in enumerate(["A11", "A12"])], crs="urn:ogc:def:crs:EPSG::31370"))
    table = folder / "stats.csv"
    table.write_text("sector_code;population\nA11;1200\nA12;800\n", encoding="utf-8")
    load_table(engine, table_spec(stats, access_level="open", join={
        "layer": sectors, "on": "sector_code", "style_column": "population"}), table)
    secret = folder / "secret.csv"
    secret.write_text("nom;montant\nDupont;77777\n", encoding="utf-8")
    load_table(engine, table_spec(closed, access_level="closed"), secret)
    settings = Settings(database_url=database_url, public_url=BASE,
                        data_dir=Path(tmp_path_factory.mktemp("var")), ogc_registry_ttl=0.0)
    with TestClient(create_app(settings)) as client:
        yield Site(client, budget, stats, closed)


def _page(site: Site, path: str, **params: str) -> str:
    response = site.client.get(path, params=params, headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    return response.text


def _svg(html: str) -> str:
    found = re.search(r"(?s)<svg role=\"img\".*?</svg>", html)
    assert found is not None, "no chart"
    return found.group(0)


def test_a_table_page_has_a_table_and_chart_preview_but_no_map(site: Site) -> None:
    html = _page(site, f"/portal/datasets/{site.budget}", lang="en")
    assert 'id="map"' not in html
    assert "map.js" not in html
    assert "maplibre" not in html
    assert f'data-items="{BASE}/collections/{site.budget}/items"' in html
    assert "portal/static/table.js" in html
    svg = _svg(html)
    assert "<title id=" in svg
    assert "<desc id=" in svg
    assert "montant of the first 20 rows" in svg
    assert svg.count("<rect ") == 20
    assert "1,234.01" in svg  # first row's montant, with the page's number format
    for fmt in ("csv", "xlsx", "json", "parquet"):
        assert f"{BASE}/downloads/{site.budget}.{fmt}" in html
    assert "QGIS" not in html
    assert "GeoDataFrame" not in html
    assert ".geojson" not in html
    assert '"geometry": null' in unescape(html)
    assert "pd.DataFrame" in html


def test_the_chart_reads_in_each_language(site: Site) -> None:
    expected = {"fr": "montant des 20 premières lignes", "nl": "montant van de eerste 20 rijen",
                "en": "montant of the first 20 rows"}
    for lang, title in expected.items():
        assert title in _svg(_page(site, f"/portal/datasets/{site.budget}", lang=lang))


def test_downloads_show_their_size_once_built(site: Site) -> None:
    response = site.client.get(f"/downloads/{site.budget}.xlsx")
    assert response.status_code == 200
    html = _page(site, f"/portal/datasets/{site.budget}", lang="en")
    row = re.search(r"(?s)<tr><td><a href=\"[^\"]+\.xlsx\".*?</tr>", html)
    assert row is not None
    assert re.search(r"\d+(\.\d)? (B|kB)<", row.group(0)), row.group(0)


def test_a_joined_table_shows_the_map_of_its_joined_view(site: Site) -> None:
    html = _page(site, f"/portal/datasets/{site.stats}", lang="fr")
    assert f'data-style="{BASE}/collections/{site.stats}/style.json"' in html
    assert "portal/static/map.js" in html
    assert "population" in _svg(html)
    assert "A11" in _svg(html)
    style = site.client.get(f"/collections/{site.stats}/style.json")
    assert style.status_code == 200


def test_the_table_facet_is_labelled_and_closed_tables_stay_hidden(site: Site) -> None:
    labels = {"fr": "Tableau", "nl": "Tabel", "en": "Table"}
    for lang, label in labels.items():
        html = _page(site, "/portal/search", kind="table", lang=lang)
        assert site.budget in html
        assert label in html
        assert site.closed not in html
    html = _page(site, "/portal/search", kind="table", format="Parquet", lang="en")
    assert site.budget in html
    response = site.client.get(f"/portal/datasets/{site.closed}",
                               headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "77777" not in response.text
