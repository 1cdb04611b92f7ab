"""OGC API Features Part 3 and CQL2: every declared class answers like the equivalent SQL."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from ogc_support import OgcLayers, layer_sql
from sqlalchemy import Engine

pytestmark = pytest.mark.api

POLYGON = "POLYGON((4.676 50.855, 4.685 50.855, 4.685 50.862, 4.676 50.862, 4.676 50.855))"
CASES = [
    ("\"BGNINV\" = 13", '"BGNINV" = 13'),
    ("BGNINV <> 13 AND UIDN > 5000000", '"BGNINV" <> 13 AND "UIDN" > 5000000'),
    ("CAPAKEY LIKE '24432H%'", "\"CAPAKEY\" LIKE '24432H%'"),
    ("NOT (CAPAKEY LIKE '24432H%')", "NOT (\"CAPAKEY\" LIKE '24432H%')"),
    ("UIDN BETWEEN 5000000 AND 9000000", '"UIDN" BETWEEN 5000000 AND 9000000'),
    ("BGNINV IN (13, -8)", '"BGNINV" IN (13, -8)'),
    ("LBLBHRDR IS NULL OR VERSIE >= 3", '"LBLBHRDR" IS NULL OR "VERSIE" >= 3'),
    ("CASEI(CAPAKEY) = casei('24432h0037/00m016')",
     "lower(\"CAPAKEY\") = '24432h0037/00m016'"),
    ("CAPAKEY LIKE '24432H0037%' AND LBLBHRDR = 'AAPD'",
     "\"CAPAKEY\" LIKE '24432H0037%' AND \"LBLBHRDR\" = 'AAPD'"),
    (f"S_INTERSECTS(geometry, {POLYGON})",
     f"ST_Intersects(geom_4326, ST_GeomFromText('{POLYGON}', 4326))"),
    ("S_INTERSECTS(geometry, BBOX(4.676, 50.855, 4.685, 50.862))",
     "ST_Intersects(geom_4326, ST_MakeEnvelope(4.676, 50.855, 4.685, 50.862, 4326))"),
    (f"S_WITHIN(geometry, {POLYGON})",
     f"ST_Within(geom_4326, ST_GeomFromText('{POLYGON}', 4326))"),
    (f"S_DISJOINT(geometry, {POLYGON}) AND BGNINV = 13",
     f"ST_Disjoint(geom_4326, ST_GeomFromText('{POLYGON}', 4326)) AND \"BGNINV\" = 13"),
]


def _expected(engine: Engine, layer: str, where: str) -> list[int]:
    with engine.connect() as conn:
        rows = conn.execute(layer_sql("SELECT fid FROM {table} WHERE {where} ORDER BY fid",
                                      layer, where))
        return [row[0] for row in rows]


def _ids(client: TestClient, layer: str, **params: str) -> list[int]:
    response = client.get(f"/collections/{layer}/items", params={"limit": "1000", **params})
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["numberMatched"] == page["numberReturned"]
    return [f["id"] for f in page["features"]]


@pytest.mark.parametrize(("cql", "where"), CASES)
def test_cql2_text_matches_sql(ogc_client: TestClient, ogc_layers: OgcLayers, engine: Engine,
                               cql: str, where: str) -> None:
    expected = _expected(engine, ogc_layers.open, where)
    assert 0 < len(expected) < 321, "the case must select some but not all features"
    assert _ids(ogc_client, ogc_layers.open, filter=cql) == expected
    assert _ids(ogc_client, ogc_layers.open, filter=cql, **{"filter-lang": "cql2-text"}) \
        == expected


def test_cql2_json_matches_sql(ogc_client: TestClient, ogc_layers: OgcLayers,
                               engine: Engine) -> None:
    cql = {"op": "and", "args": [
        {"op": "s_intersects", "args": [{"property": "geometry"},
                                        {"bbox": [4.675, 50.855, 4.69, 50.865]}]},
        {"op": "like", "args": [{"property": "CAPAKEY"}, "24432%"]},
        {"op": "in", "args": [{"property": "BGNINV"}, [13, -8]]},
    ]}
    expected = _expected(engine, ogc_layers.open, (
        "ST_Intersects(geom_4326, ST_MakeEnvelope(4.675, 50.855, 4.69, 50.865, 4326)) "
        "AND \"CAPAKEY\" LIKE '24432%' AND \"BGNINV\" IN (13, -8)"))
    assert expected
    assert _ids(ogc_client, ogc_layers.open, filter=json.dumps(cql),
                **{"filter-lang": "cql2-json"}) == expected


def test_filter_crs_in_lambert_72(ogc_client: TestClient, ogc_layers: OgcLayers,
                                  engine: Engine) -> None:
    box = "171700 171700 171700 171900 171900 171900 171900 171700 171700 171700"
    ring = ", ".join(" ".join(p) for p in zip(box.split()[::2], box.split()[1::2], strict=True))
    polygon = f"POLYGON(({ring}))"
    expected = _expected(engine, ogc_layers.open,
                         f"ST_Intersects(geom, ST_GeomFromText('{polygon}', 31370))")
    assert expected
    assert _ids(ogc_client, ogc_layers.open, filter=f"S_INTERSECTS(geometry, {polygon})",
                **{"filter-crs": "http://www.opengis.net/def/crs/EPSG/0/31370"}) == expected


def test_queryables_as_query_parameters(ogc_client: TestClient, ogc_layers: OgcLayers,
                                        engine: Engine) -> None:
    expected = _expected(engine, ogc_layers.open, "\"BGNINV\" = -8 AND \"LBLBHRDR\" = 'AAPD'")
    assert expected
    assert _ids(ogc_client, ogc_layers.open, BGNINV="-8", LBLBHRDR="AAPD") == expected


def test_queryables_list_every_attribute(ogc_client: TestClient, ogc_layers: OgcLayers) -> None:
    response = ogc_client.get(f"/collections/{ogc_layers.open}/queryables")
    assert response.headers["content-type"].startswith("application/schema+json")
    properties = response.json()["properties"]
    assert properties["UIDN"]["type"] == "integer"
    assert properties["CAPAKEY"]["type"] == "string"
    assert properties["geometry"]["x-ogc-role"] == "primary-geometry"


def test_filtered_paging_counts_are_consistent(ogc_client: TestClient,
                                               ogc_layers: OgcLayers) -> None:
    url = f"/collections/{ogc_layers.open}/items"
    first = ogc_client.get(url, params={"filter": "BGNINV = 13", "limit": 20}).json()
    total, seen = first["numberMatched"], len(first["features"])
    page = first
    while nxt := [link for link in page["links"] if link["rel"] == "next"]:
        page = ogc_client.get(nxt[0]["href"]).json()
        assert page["numberMatched"] == total
        seen += page["numberReturned"]
    assert seen == total > 20
