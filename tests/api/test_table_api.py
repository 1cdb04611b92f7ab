"""Tables over HTTP: geometry-less OGC API Features collections (queryables, CQL2, sortby,
paging), no tiles, downloads in CSV/XLSX/JSON/Parquet, the catalogue, access levels."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine
from table_support import budget_csv, load_table, table_spec

from gis import access
from twin.app import create_app
from twin.settings import Settings

pytestmark = pytest.mark.api
BASE = "http://testserver"


@dataclass
class Tables:
    client: TestClient
    budget: str
    closed: str
    staff: dict[str, str]


@pytest.fixture(scope="module")
def tables(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Tables]:
    suffix = uuid.uuid4().hex[:8]
    folder = tmp_path_factory.mktemp("tables")
    budget, closed = f"budget_{suffix}", f"register_{suffix}"
    load_table(engine, table_spec(budget, access_level="open"),
               budget_csv(folder / "budget.csv", rows=30))
    register = folder / "register.csv"
    register.write_text("id,name\n1,Dupont\n", encoding="utf-8")
    load_table(engine, table_spec(closed, access_level="closed"), register)
    with engine.begin() as conn:
        _, token = access.create_key(conn, "staff", label="tables")
    settings = Settings(database_url=database_url, public_url=BASE,
                        data_dir=Path(tmp_path_factory.mktemp("var")), ogc_registry_ttl=0.0)
    with TestClient(create_app(settings)) as client:
        yield Tables(client, budget, closed, {"X-API-Key": token})


def test_collection_without_geometry(tables: Tables) -> None:
    client = tables.client
    collection = client.get(f"/collections/{tables.budget}?f=json").json()
    assert "spatial" not in collection["extent"]
    assert not [link for link in collection["links"] if "tiles" in link["href"]]
    queryables = client.get(f"/collections/{tables.budget}/queryables?f=json").json()
    assert "geometry" not in queryables["properties"]
    assert queryables["properties"]["montant"]["type"] == "number"
    page = client.get(f"/collections/{tables.budget}/items?f=json&limit=5&offset=5").json()
    assert page["numberMatched"] == 30
    assert page["numberReturned"] == 5
    assert [f["properties"]["article"] for f in page["features"]] == [6, 7, 8, 9, 10]
    assert all(f["geometry"] is None for f in page["features"])
    assert client.get(f"/collections/{tables.budget}/tiles").status_code == 404
    assert client.get(f"/collections/{tables.budget}/items?bbox=4,50,5,51").status_code == 400


def test_cql2_and_sortby_on_a_table(tables: Tables) -> None:
    response = tables.client.get(
        f"/collections/{tables.budget}/items",
        params={"f": "json", "filter": "montant > 20000 AND \"approuvé\" = true",
                "sortby": "-montant", "limit": "100"})
    assert response.status_code == 200, response.text
    amounts = [f["properties"]["montant"] for f in response.json()["features"]]
    assert amounts == sorted(amounts, reverse=True)
    assert amounts
    assert all(a > 20000 for a in amounts)
    spatial = tables.client.get(f"/collections/{tables.budget}/items", params={
        "filter": "S_INTERSECTS(geometry, POINT(4 50))"})
    assert spatial.status_code == 400


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "parquet"])
def test_downloads(tables: Tables, fmt: str, tmp_path: Path) -> None:
    response = tables.client.get(f"/downloads/{tables.budget}.{fmt}")
    assert response.status_code == 200, response.text
    target = tmp_path / f"t.{fmt}"
    target.write_bytes(response.content)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(response.text)))
        first = rows[0]["montant"]
    elif fmt == "json":
        rows = json.loads(response.content)
        first = rows[0]["montant"]
    elif fmt == "parquet":
        rows = pq.read_table(target).to_pylist()
        first = rows[0]["montant"]
    else:
        sheet = load_workbook(target, read_only=True).worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
        rows, first = values[1:], values[1][list(values[0]).index("montant")]
    assert len(rows) == 30
    assert float(first) == pytest.approx(1234.01)
    assert tables.client.get(f"/downloads/{tables.budget}.gpkg").status_code == 404


def test_catalogue_lists_the_table_with_its_formats(tables: Tables) -> None:
    graph = tables.client.get(f"/catalog/datasets/{tables.budget}.jsonld").json()
    text = json.dumps(graph)
    for media in ("text/csv", "application/vnd.apache.parquet", "spreadsheetml.sheet"):
        assert media in text
    assert f"/downloads/{tables.budget}.xlsx" in text


def test_access_levels_on_tables(tables: Tables) -> None:
    client = tables.client
    assert client.get(f"/collections/{tables.closed}?f=json").status_code == 404
    assert client.get(f"/downloads/{tables.closed}.csv").status_code == 404
    assert client.get(f"/catalog/datasets/{tables.closed}.jsonld").status_code == 404
    seen = client.get(f"/collections/{tables.closed}/items?f=json", headers=tables.staff)
    assert seen.status_code == 200
    assert seen.json()["features"][0]["properties"]["name"] == "Dupont"
