"""CQL2 temporal functions, Part 1 ``datetime`` and ACCENTI/CASEI on real data, through the app.

Every answer is checked against the truth computed here from the features themselves: the
4,241 Épinay-sur-Orge parcels (``created`` and ``updated`` dates, the temporal property is
``created``) and the roads of Monaco from OpenStreetMap (French street names with accents).
"""

from __future__ import annotations

import json
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ogc_support import REPO, all_features, app_settings, open_spec
from sqlalchemy import Engine

from gis.ingest.loader import ingest_vector
from twin.app import create_app

pytestmark = pytest.mark.api

EPINAY = REPO / "data" / "epinay_fr" / "epinay-sur-orge_cadastre-91216-parcelles.json"
MONACO = REPO / "data" / "monaco_mc" / "monaco.osm.gz"


@dataclass(frozen=True)
class World:
    client: TestClient
    parcels: str
    roads: str
    created: dict[str, date]
    names: dict[str, str | None]


@pytest.fixture(scope="module")
def world(engine: Engine, database_url: str) -> Iterator[World]:
    suffix = uuid.uuid4().hex[:8]
    parcels, roads = f"epinay_{suffix}", f"monaco_{suffix}"
    ingest_vector(engine, open_spec(parcels, temporal_property="created"), EPINAY,
                  default_storage_crs="EPSG:2154")
    ingest_vector(engine, open_spec(roads, osm_mapping="roads"), MONACO,
                  default_storage_crs="EPSG:32632")
    with TestClient(create_app(app_settings(database_url))) as client:
        created = {str(f["id"]): date.fromisoformat(f["properties"]["created"])
                   for f in all_features(client, parcels)}
        names = {str(f["id"]): f["properties"].get("name") for f in all_features(client, roads)}
        yield World(client, parcels, roads, created, names)


def _ids(world: World, layer_id: str, cql: str, lang: str = "cql2-text") -> set[str]:
    return {str(f["id"]) for f in all_features(world.client, layer_id, filter=cql,
                                       **{"filter-lang": lang})}


def _truth(world: World, keep: Callable[[date], bool]) -> set[str]:
    return {fid for fid, day in world.created.items() if keep(day)}


D1, D2 = date(2006, 1, 1), date(2010, 12, 31)
TEMPORAL_CASES: list[tuple[str, dict[str, Any], Callable[[date], bool]]] = [
    ("T_AFTER(created, DATE('2006-01-01'))",
     {"op": "t_after", "args": [{"property": "created"}, {"date": "2006-01-01"}]},
     lambda d: d > D1),
    ("T_BEFORE(created, DATE('2006-01-01'))",
     {"op": "t_before", "args": [{"property": "created"}, {"date": "2006-01-01"}]},
     lambda d: d < D1),
    ("T_DURING(created, INTERVAL('2006-01-01', '2010-12-31'))",
     {"op": "t_during", "args": [{"property": "created"},
                                 {"interval": ["2006-01-01", "2010-12-31"]}]},
     lambda d: D1 < d < D2),
    ("T_INTERSECTS(created, INTERVAL('2006-01-01', '2010-12-31'))",
     {"op": "t_intersects", "args": [{"property": "created"},
                                     {"interval": ["2006-01-01", "2010-12-31"]}]},
     lambda d: D1 <= d <= D2),
    ("T_DISJOINT(created, INTERVAL('2006-01-01', '..'))",
     {"op": "t_disjoint", "args": [{"property": "created"}, {"interval": ["2006-01-01", ".."]}]},
     lambda d: d < D1),
    ("T_INTERSECTS(created, INTERVAL('..', '2006-01-01'))",
     {"op": "t_intersects", "args": [{"property": "created"},
                                     {"interval": ["..", "2006-01-01"]}]},
     lambda d: d <= D1),
    ("T_EQUALS(created, DATE('2007-10-10'))",
     {"op": "t_equals", "args": [{"property": "created"}, {"date": "2007-10-10"}]},
     lambda d: d == date(2007, 10, 10)),
    ("NOT T_AFTER(created, DATE('2006-01-01')) AND contenance > 1000",
     {"op": "and", "args": [
         {"op": "not", "args": [{"op": "t_after", "args": [{"property": "created"},
                                                           {"date": "2006-01-01"}]}]},
         {"op": ">", "args": [{"property": "contenance"}, 1000]}]},
     lambda d: d <= D1),
]


@pytest.mark.parametrize(("text", "document", "keep"), TEMPORAL_CASES,
                         ids=[case[0][:40] for case in TEMPORAL_CASES])
def test_temporal_functions_match_the_data(world: World, text: str, document: dict[str, Any],
                                           keep: Callable[[date], bool]) -> None:
    expected = _truth(world, keep)
    if "contenance" in text:
        expected &= {str(f["id"]) for f in all_features(world.client, world.parcels,
                                                filter="contenance > 1000")}
    assert expected, "the case must select something"
    assert expected != set(world.created), "and leave something out"
    assert _ids(world, world.parcels, text) == expected
    assert _ids(world, world.parcels, json.dumps(document), "cql2-json") == expected


@pytest.mark.parametrize(("value", "keep"), [
    ("2007-10-10", lambda d: d == date(2007, 10, 10)),
    ("2006-01-01/2010-12-31", lambda d: D1 <= d <= D2),
    ("../2006-01-01", lambda d: d <= D1),
    ("2010-12-31/..", lambda d: d >= D2),
    ("2006-01-01T00:00:00Z/2010-12-31T00:00:00Z", lambda d: D1 <= d <= D2),
])
def test_datetime_selects_on_the_temporal_property(world: World, value: str,
                                                   keep: Callable[[date], bool]) -> None:
    expected = _truth(world, keep)
    assert expected
    found = all_features(world.client, world.parcels, datetime=value)
    assert {str(f["id"]) for f in found} == expected


def test_a_layer_without_temporal_property_ignores_datetime(world: World) -> None:
    everything = all_features(world.client, world.roads)
    assert len(all_features(world.client, world.roads, datetime="2000-01-01/..")) == len(everything)
    bad = world.client.get(f"/collections/{world.roads}/items", params={"datetime": "soon"})
    assert bad.status_code == 400


def test_temporal_extent_and_queryable_are_declared(world: World) -> None:
    collection = world.client.get(f"/collections/{world.parcels}").json()
    interval = collection["extent"]["temporal"]["interval"][0]
    first, last = (datetime.fromisoformat(v.replace("Z", "+00:00")) for v in interval)
    assert (first.date(), last.date()) == (min(world.created.values()),
                                           max(world.created.values()))
    assert first.utcoffset() == timedelta(0)
    queryables = world.client.get(f"/collections/{world.parcels}/queryables").json()
    assert queryables["properties"]["created"]["format"] == "date"
    assert queryables["properties"]["created"]["x-ogc-role"] == "primary-instant"
    assert "x-ogc-role" not in queryables["properties"]["updated"]
    assert "temporal" not in world.client.get(f"/collections/{world.roads}").json().get(
        "extent", {})


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@pytest.mark.parametrize(("cql", "keep"), [
    ("ACCENTI(name) = ACCENTI('Rue Emile de Loth')", lambda n: _folded(n) == "rue emile de loth"
     and n == "Rue Émile de Loth"),
    ("CASEI(ACCENTI(name)) = CASEI(ACCENTI('AVENUE DES SPELUGUES'))",
     lambda n: _folded(n) == "avenue des spelugues"),
    ("CASEI(ACCENTI(name)) LIKE CASEI(ACCENTI('%REVOIRES%'))",
     lambda n: "revoires" in _folded(n)),
    ("ACCENTI(name) IN (ACCENTI('Rue des Genets'), ACCENTI('Pont Sainte-Devote'))",
     lambda n: _folded(n) in ("rue des genets", "pont sainte-devote")),
    ("CASEI(name) = CASEI('rue grimaldi')", lambda n: n.lower() == "rue grimaldi"),
])
def test_accent_and_case_insensitive_comparisons(world: World, cql: str,
                                                 keep: Callable[[str], bool]) -> None:
    expected = {fid for fid, name in world.names.items() if name and keep(name)}
    assert expected
    assert _ids(world, world.roads, cql) == expected


def test_accents_still_count_without_accenti(world: World) -> None:
    assert _ids(world, world.roads, "name = 'Rue Emile de Loth'") == set()


@pytest.mark.parametrize("cql", [
    "T_AFTER(name, DATE('2006-01-01'))",
    "T_AFTER(created, DATE('not a date'))",
    "CASEI(contenance) = 'x'",
    "T_SOMETIME(created, DATE('2006-01-01'))",
])
def test_what_cannot_be_answered_is_a_400_that_says_why(world: World, cql: str) -> None:
    response = world.client.get(f"/collections/{world.parcels}/items", params={"filter": cql})
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "InvalidParameterValue"


def test_conformance_declares_what_now_works(world: World) -> None:
    conforms = world.client.get("/conformance").json()["conformsTo"]
    for name in ("temporal-functions", "accent-insensitive-comparison",
                 "case-insensitive-comparison"):
        assert f"http://www.opengis.net/spec/cql2/1.0/conf/{name}" in conforms
