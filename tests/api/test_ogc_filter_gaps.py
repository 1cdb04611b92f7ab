"""CQL2-JSON forms pygeofilter misread, and ``datetime`` on features without a date, through
the app on real data, each answer checked against the truth computed from the features.

Data: the roads of Monaco from OpenStreetMap (French names with accents) and the
Épinay-sur-Orge parcels with the ``created`` date of every seventh parcel removed (a copy
written at test time), so that some features have no temporal value.
"""

from __future__ import annotations

import json
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
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
    #: parcel id -> its ``created`` date (None: removed) and ``contenance``
    created: dict[str, date | None]
    area: dict[str, int | None]
    names: dict[str, str | None]


def _parcels_with_gaps(directory: Path) -> Path:
    document = json.loads(EPINAY.read_text(encoding="utf-8"))
    for index, feature in enumerate(document["features"]):
        if index % 7 == 3:
            feature["properties"]["created"] = None
    path = directory / "epinay_gaps.geojson"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def world(engine: Engine, database_url: str,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    suffix = uuid.uuid4().hex[:8]
    parcels, roads = f"epinay_gaps_{suffix}", f"monaco_json_{suffix}"
    ingest_vector(engine, open_spec(parcels, temporal_property="created"),
                  _parcels_with_gaps(tmp_path_factory.mktemp("gaps")),
                  default_storage_crs="EPSG:2154")
    ingest_vector(engine, open_spec(roads, osm_mapping="roads"), MONACO,
                  default_storage_crs="EPSG:32632")
    with TestClient(create_app(app_settings(database_url))) as client:
        rows = all_features(client, parcels)
        created = {str(f["id"]): date.fromisoformat(f["properties"]["created"])
                   if f["properties"].get("created") else None for f in rows}
        area = {str(f["id"]): f["properties"].get("contenance") for f in rows}
        names = {str(f["id"]): f["properties"].get("name") for f in all_features(client, roads)}
        yield World(client, parcels, roads, created, area, names)


def _ids(world: World, layer_id: str, **params: str) -> set[str]:
    return {str(f["id"]) for f in all_features(world.client, layer_id, **params)}


def _json_ids(world: World, layer_id: str, document: Any) -> set[str]:
    return _ids(world, layer_id, filter=json.dumps(document), **{"filter-lang": "cql2-json"})


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _accenti(argument: Any) -> dict[str, Any]:
    return {"op": "accenti", "args": [argument]}


def _casei(argument: Any) -> dict[str, Any]:
    return {"op": "casei", "args": [argument]}


NAME = {"property": "name"}


@pytest.mark.parametrize(("document", "text", "keep"), [
    ({"op": "=", "args": [_accenti(NAME), _accenti("Rue Emile de Loth")]},
     "ACCENTI(name) = ACCENTI('Rue Emile de Loth')", lambda n: n == "Rue Émile de Loth"),
    ({"op": "like", "args": [_casei(_accenti(NAME)), _casei(_accenti("%REVOIRES%"))]},
     "CASEI(ACCENTI(name)) LIKE CASEI(ACCENTI('%REVOIRES%'))",
     lambda n: "revoires" in _folded(n)),
    ({"op": "in", "args": [_accenti(NAME), [_accenti("Rue des Genets"),
                                            _accenti("Pont Sainte-Devote")]]},
     "ACCENTI(name) IN (ACCENTI('Rue des Genets'), ACCENTI('Pont Sainte-Devote'))",
     lambda n: _folded(n) in ("rue des genets", "pont sainte-devote")),
])
def test_json_accenti_matches_text_and_truth(world: World, document: Any, text: str,
                                             keep: Any) -> None:
    expected = {fid for fid, name in world.names.items() if name and keep(name)}
    assert expected
    assert any(_folded(world.names[fid] or "") != (world.names[fid] or "").lower()
               for fid in expected), "the case must involve an accent"
    assert _json_ids(world, world.roads, document) == expected
    assert _ids(world, world.roads, filter=text) == expected


def test_json_between_matches_the_data(world: World) -> None:
    expected = {fid for fid, area in world.area.items()
                if area is not None and 500 <= area <= 1000}
    assert expected
    assert expected != set(world.area)
    document = {"op": "between", "args": [{"property": "contenance"}, 500, 1000]}
    assert _json_ids(world, world.parcels, document) == expected
    negated = {"op": "not", "args": [document]}
    assert _json_ids(world, world.parcels, negated) == {
        fid for fid, area in world.area.items() if area is not None} - expected


@pytest.mark.parametrize(("value", "keep"), [
    ("2007-10-10", lambda d: d == date(2007, 10, 10)),
    ("../2006-01-01", lambda d: d <= date(2006, 1, 1)),
    ("2010-12-31/..", lambda d: d >= date(2010, 12, 31)),
])
def test_datetime_keeps_parcels_without_a_date(world: World, value: str, keep: Any) -> None:
    """/req/core/fc-time-response C: datetime matches every feature without a time, too."""
    undated = {fid for fid, day in world.created.items() if day is None}
    dated = {fid for fid, day in world.created.items() if day is not None and keep(day)}
    assert undated
    assert dated
    assert _ids(world, world.parcels, datetime=value) == dated | undated


def test_temporal_functions_leave_parcels_without_a_date_out(world: World) -> None:
    expected = {fid for fid, day in world.created.items()
                if day is not None and day > date(2006, 1, 1)}
    assert _ids(world, world.parcels, filter="T_AFTER(created, DATE('2006-01-01'))") == expected


@pytest.mark.parametrize(("lang", "cql", "named"), [
    ("cql2-json", {"op": "=", "args": [{"op": "upper", "args": [NAME]}, "X"]}, "upper"),
    ("cql2-json", {"op": "s_dwithin", "args": [{"property": "geometry"},
                                               {"type": "Point", "coordinates": [7.4, 43.7]},
                                               10]}, "s_dwithin"),
    ("cql2-text", "UPPER(name) = 'X'", "upper"),
])
def test_unsupported_functions_are_a_400_naming_them(world: World, lang: str, cql: Any,
                                                     named: str) -> None:
    response = world.client.get(f"/collections/{world.roads}/items", params={
        "filter": cql if isinstance(cql, str) else json.dumps(cql), "filter-lang": lang})
    assert response.status_code == 400, response.text
    assert named in response.json()["description"]
