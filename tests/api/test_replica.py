"""Serving scaled out on the database side: a second PostgreSQL started here as a streaming
replica of a first (``pg_basebackup -R``), ``TWIN_DATABASE_READ_URL`` pointing at it.

Read-only endpoints (single items, items pages, vector tiles, collection metadata, the DCAT
catalogue and OGC API Records) are answered from the replica, a Part 4 write goes to the
primary (the replica refuses writes), and the replica then serves what was written.
``application_name`` in the read URL shows in each server's ``pg_stat_activity`` which server
the app's read connections went to; with the replica's WAL replay paused, what the primary
has and the replica does not yet have tells which server answered a page.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from access_support import make_cadastral_layer, spec
from db_support import replicated_pair, wait_for_replay
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from gis import access, registry
from gis.db import make_engine
from gis.geodesy import transformer
from twin.app import create_app
from twin.settings import Settings

READ_APP = "twin_replica_read"
SQUARE_31370 = [[173100.0, 170200.0], [173110.0, 170200.0], [173110.0, 170210.0],
                [173100.0, 170210.0], [173100.0, 170200.0]]


@dataclass
class Pair:
    primary: Engine
    replica: Engine
    primary_url: str
    replica_url: str
    client: TestClient
    layer: str
    writer: dict[str, str]


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    root = tmp_path_factory.mktemp("replica")
    with replicated_pair(root, "twin_replica") as (primary_url, replica_url):
        primary, replica = make_engine(primary_url), make_engine(replica_url)
        layer = f"t_replica_{uuid.uuid4().hex[:8]}"
        make_cadastral_layer(primary, layer, "shared", ("notaries",), limit=10, folder=root)
        with primary.begin() as conn:
            _, token = access.create_key(conn, "partner", ["notaries"], can_write=True)
        wait_for_replay(primary_url, replica_url)
        settings = Settings(database_url=primary_url,
                            database_read_url=f"{replica_url}?application_name={READ_APP}",
                            public_url="http://testserver", ogc_registry_ttl=0.0,
                            data_dir=Path(tmp_path_factory.mktemp("var")))
        try:
            with TestClient(create_app(settings)) as client:
                yield Pair(primary, replica, primary_url, replica_url, client, layer,
                           {"X-API-Key": token})
        finally:
            primary.dispose()
            replica.dispose()


def _tile_of(lon: float, lat: float, zoom: int) -> str:
    """WebMercatorQuad row/column of a point (the OGC order: z/row/col)."""
    n = 2**zoom
    col = int((lon + 180.0) / 360.0 * n)
    row = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return f"{row}/{col}"


def _read_connections(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = :a"),
            {"a": READ_APP}).scalar_one())


def test_reads_come_from_the_replica(pair: Pair) -> None:
    with pair.replica.connect() as conn:
        assert conn.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is True
    item = pair.client.get(f"/collections/{pair.layer}/items/1", headers=pair.writer)
    assert item.status_code == 200, item.text
    assert item.json()["id"] == 1
    lon, lat = item.json()["geometry"]["coordinates"][0][0][0]
    tile = pair.client.get(f"/collections/{pair.layer}/tiles/WebMercatorQuad/14/"
                           f"{_tile_of(lon, lat, 14)}", headers=pair.writer)
    assert tile.status_code == 200, tile.text
    assert len(tile.content) > 50  # the parcel's geometry, encoded by the replica
    assert _read_connections(pair.replica) >= 1
    assert _read_connections(pair.primary) == 0


def test_writes_go_to_the_primary_and_reach_the_replica(pair: Pair) -> None:
    to_wgs84 = transformer(31370, 4326)
    ring = [list(to_wgs84.transform(x, y)) for x, y in SQUARE_31370]
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
               "properties": {"capakey": "24000A0001/00A000", "owner_name": "Replica Test",
                              "price": 4242.0}}
    created = pair.client.post(f"/collections/{pair.layer}/items", content=json.dumps(feature),
                               headers={"Content-Type": "application/geo+json", **pair.writer})
    assert created.status_code == 201, created.text
    fid = int(created.headers["location"].rsplit("/", 1)[-1])
    with pytest.raises(DBAPIError, match="read-only transaction"), pair.replica.begin() as conn:
        conn.execute(text(f'DELETE FROM data."{pair.layer}" WHERE fid = :f'),  # noqa: S608
                     {"f": fid})
    wait_for_replay(pair.primary_url, pair.replica_url)
    read = pair.client.get(f"/collections/{pair.layer}/items/{fid}", headers=pair.writer)
    assert read.status_code == 200, read.text
    assert read.json()["id"] == fid  # a feature the replica did not have before the write
    assert _read_connections(pair.primary) == 0


@contextmanager
def replay_paused(replica: Engine) -> Iterator[None]:
    """The replica keeps answering but applies nothing the primary writes meanwhile."""
    with replica.connect() as conn:
        conn.execute(text("SELECT pg_wal_replay_pause()"))
    try:
        yield
    finally:
        with replica.connect() as conn:
            conn.execute(text("SELECT pg_wal_replay_resume()"))


def _page_capakeys(pair: Pair) -> set[str]:
    page = pair.client.get(f"/collections/{pair.layer}/items", params={"limit": 1000},
                           headers=pair.writer)
    assert page.status_code == 200, page.text
    return {f["properties"]["capakey"] for f in page.json()["features"]}


def _listed(pair: Pair, layer_id: str) -> dict[str, bool]:
    """Whether each catalogue answer lists ``layer_id``: DCAT, its HTML index, Records."""
    dcat = pair.client.get("/catalog.ttl", params={"page": 1}, headers=pair.writer)
    html = pair.client.get("/catalog.html", headers=pair.writer)
    records = pair.client.get("/collections/catalog/items", params={"limit": 1000},
                              headers=pair.writer)
    for answer in (dcat, html, records):
        assert answer.status_code == 200, answer.text
    return {"dcat": layer_id in dcat.text, "html": layer_id in html.text,
            "records": layer_id in {r["id"] for r in records.json()["features"]}}


def test_pages_and_the_catalogue_come_from_the_replica(pair: Pair) -> None:
    to_wgs84 = transformer(31370, 4326)
    ring = [list(to_wgs84.transform(x + 20.0, y)) for x, y in SQUARE_31370]
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
               "properties": {"capakey": "24000A0001/00B000", "owner_name": "Replay Paused",
                              "price": 17.0}}
    newcomer = f"t_replica_new_{uuid.uuid4().hex[:8]}"
    before = _page_capakeys(pair)
    with replay_paused(pair.replica):
        created = pair.client.post(f"/collections/{pair.layer}/items",
                                   content=json.dumps(feature), headers={
                                       "Content-Type": "application/geo+json", **pair.writer})
        assert created.status_code == 201, created.text
        with pair.primary.begin() as conn:
            registry.register(conn, spec(newcomer), "EPSG:31370")
        # the primary has both; every answer below still shows the replica's state
        assert _page_capakeys(pair) == before
        html = pair.client.get(f"/collections/{pair.layer}/items", headers=pair.writer,
                               params={"f": "html", "limit": 1000})
        assert html.status_code == 200
        assert "24000A0001/00B000" not in html.text
        assert _listed(pair, newcomer) == {"dcat": False, "html": False, "records": False}
        assert pair.client.get(f"/catalog/datasets/{newcomer}.ttl").status_code == 404
    wait_for_replay(pair.primary_url, pair.replica_url)
    assert _page_capakeys(pair) == before | {"24000A0001/00B000"}
    html = pair.client.get(f"/collections/{pair.layer}/items", headers=pair.writer,
                           params={"f": "html", "limit": 1000})
    assert "24000A0001/00B000" in html.text  # the HTML page shows what the replica has
    assert _listed(pair, newcomer) == {"dcat": True, "html": True, "records": True}
    assert pair.client.get(f"/catalog/datasets/{newcomer}.ttl").status_code == 200
    assert _read_connections(pair.replica) >= 1
    assert _read_connections(pair.primary) == 0
