"""A statistics table joined to its sectors: unmatched rows in the quality report, a spatial
collection with tiles and a choropleth style, refreshed when either side gets a version."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from ingest_support import feature, geojson, load, spec, square
from sqlalchemy import Engine
from table_support import load_table, table_spec

from gis.tables.loader import TableLoadResult
from twin.app import create_app
from twin.settings import Settings

pytestmark = pytest.mark.api


@dataclass
class Joined:
    client: TestClient
    engine: Engine
    folder: Path
    sectors: str
    stats: str
    first: TableLoadResult


def _sectors(path: Path, x0: float) -> Path:
    codes = ["A11", "A12", "B21"]
    return geojson(path, [feature(square(x0 + 200 * i, 174000, 150), sector_code=code)
                          for i, code in enumerate(codes)], crs="urn:ogc:def:crs:EPSG::31370")


@pytest.fixture(scope="module")
def joined(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Joined]:
    suffix = uuid.uuid4().hex[:8]
    folder = tmp_path_factory.mktemp("join")
    sectors, stats = f"sectors_{suffix}", f"stats_{suffix}"
    load(engine, spec(sectors, access_level="open"), _sectors(folder / "s1.geojson", 173000))
    table = folder / "stats.csv"
    table.write_text("sector_code;population;chômage\nA11;1200;7,5\nA12;800;9,25\n"
                     "B21;450;12\nZZ9;10;1\n", encoding="utf-8")
    join = {"layer": sectors, "on": "sector_code", "style_column": "population"}
    first = load_table(engine, table_spec(stats, access_level="open", join=join), table)
    settings = Settings(database_url=database_url, public_url="http://testserver",
                        data_dir=Path(tmp_path_factory.mktemp("var")), ogc_registry_ttl=0.0)
    with TestClient(create_app(settings)) as client:
        yield Joined(client, engine, folder, sectors, stats, first)


def test_unmatched_rows_are_counted_and_listed(joined: Joined) -> None:
    assert joined.first.unmatched == 1
    listed = [i for i in joined.first.quality.issues if i.code == "join_unmatched"]
    assert len(listed) == 1
    assert "'ZZ9'" in listed[0].message
    assert listed[0].feature == "row #4"


def _features(joined: Joined) -> list[dict[str, object]]:
    page = joined.client.get(f"/collections/{joined.stats}/items?f=json&limit=50")
    assert page.status_code == 200, page.text
    return list(page.json()["features"])


def _tile_xy(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    n = 2 ** zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def test_joined_collection_has_geometries_tiles_and_a_choropleth(joined: Joined) -> None:
    features = _features(joined)
    assert sorted(f["properties"]["sector_code"] for f in features) == ["A11", "A12", "B21"]
    assert all(f["geometry"]["type"] == "Polygon" for f in features)
    client = joined.client
    assert client.get(f"/collections/{joined.stats}/tilejson.json").status_code == 200
    lon, lat = features[0]["geometry"]["coordinates"][0][0]  # type: ignore[index]
    x, y = _tile_xy(float(lon), float(lat), 14)
    tile = client.get(f"/collections/{joined.stats}/tiles/WebMercatorQuad/14/{y}/{x}")
    assert tile.status_code == 200
    assert len(tile.content) > 50
    style = client.get(f"/collections/{joined.stats}/style.json").json()
    fill = style["layers"][0]["paint"]["fill-color"]
    assert fill[:2] == ["interpolate", ["linear"]]
    assert fill[2] == ["to-number", ["get", "population"], 450.0]
    assert fill[3] == 450.0
    assert fill[-2] == 1200.0


def test_refreshed_when_the_spatial_layer_gets_a_new_version(joined: Joined) -> None:
    before = {f["properties"]["sector_code"]: f["geometry"] for f in _features(joined)}
    load(joined.engine, spec(joined.sectors, access_level="open"),
         _sectors(joined.folder / "s2.geojson", 175000))
    after = {f["properties"]["sector_code"]: f["geometry"] for f in _features(joined)}
    assert set(after) == {"A11", "A12", "B21"}
    assert after["A11"] != before["A11"]
