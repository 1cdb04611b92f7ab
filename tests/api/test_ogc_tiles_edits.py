"""Vector tiles follow Part 4 edits: a new ETag and new content after every change, and a
revalidation with the old ETag is answered with the new tile, never a stale 304."""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mapbox_vector_tile
import pytest
from access_support import make_cadastral_layer
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gis import access
from gis.geodesy import transformer
from twin.app import create_app
from twin.settings import Settings

pytestmark = pytest.mark.api
#: a 10 m square in EPSG:31370, well inside one z16 tile of the Leuven test area
SQUARE = [[173100.0, 170200.0], [173110.0, 170200.0], [173110.0, 170210.0],
          [173100.0, 170210.0], [173100.0, 170200.0]]
ZOOM = 16


@dataclass
class TileWorld:
    client: TestClient
    layer_id: str
    writer: dict[str, str]
    tile_url: str


def _wgs84(ring: list[list[float]]) -> list[list[float]]:
    to_wgs84 = transformer(31370, 4326)
    return [list(to_wgs84.transform(x, y)) for x, y in ring]


def _tile_url(layer_id: str) -> str:
    lon, lat = transformer(31370, 4326).transform(173105.0, 170205.0)
    n = 2**ZOOM
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return f"/collections/{layer_id}/tiles/WebMercatorQuad/{ZOOM}/{y}/{x}"


@pytest.fixture(scope="module")
def world(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[TileWorld]:
    layer_id = f"tile_edit_{uuid.uuid4().hex[:8]}"
    make_cadastral_layer(engine, layer_id, "open", limit=10,
                         folder=tmp_path_factory.mktemp("cadastre"))
    with engine.begin() as conn:
        _, token = access.create_key(conn, "partner", ["planning"], can_write=True)
    settings = Settings(database_url=database_url, public_url="http://testserver",
                        data_dir=Path(tmp_path_factory.mktemp("var")), ogc_registry_ttl=60.0)
    with TestClient(create_app(settings)) as client:
        yield TileWorld(client, layer_id, {"X-API-Key": token}, _tile_url(layer_id))


def _features(response: Any, layer_id: str) -> dict[int, dict[str, Any]]:
    assert response.status_code == 200, response.text
    decoded = mapbox_vector_tile.decode(response.content)
    return {f["id"]: f for f in decoded.get(layer_id, {"features": []})["features"]}


def _send(world: TileWorld, method: str, url: str, body: dict[str, Any]) -> Any:
    return world.client.request(method, url, content=json.dumps(body), headers={
        "Content-Type": "application/geo+json", **world.writer})


def test_every_edit_changes_the_tile_etag_and_content(world: TileWorld) -> None:
    """The catalogue is cached for a minute here: the edit itself must make the ETag move (it
    expires this process's catalogue after its commit), and the cached tile must not be
    served again."""
    before = world.client.get(world.tile_url)
    first_etag = before.headers["etag"]
    assert world.client.get(world.tile_url, headers={"If-None-Match": first_etag}
                            ).status_code == 304
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [
        _wgs84(SQUARE)]}, "properties": {"capakey": "24000A0001/00A000"}}
    created = _send(world, "POST", f"/collections/{world.layer_id}/items", feature)
    assert created.status_code == 201, created.text
    fid = int(created.headers["location"].rsplit("/", 1)[-1])
    assert fid not in _features(before, world.layer_id)

    after_create = world.client.get(world.tile_url, headers={"If-None-Match": first_etag})
    assert after_create.headers["etag"] != first_etag
    assert _features(after_create, world.layer_id)[fid]["properties"]["capakey"] == \
        "24000A0001/00A000"

    patched = _send(world, "PATCH", f"/collections/{world.layer_id}/items/{fid}",
                    {"properties": {"capakey": "24000B0002/00B000"}})
    assert patched.status_code == 204, patched.text
    after_patch = world.client.get(world.tile_url,
                                   headers={"If-None-Match": after_create.headers["etag"]})
    assert after_patch.headers["etag"] not in (first_etag, after_create.headers["etag"])
    assert _features(after_patch, world.layer_id)[fid]["properties"]["capakey"] == \
        "24000B0002/00B000"

    deleted = world.client.delete(f"/collections/{world.layer_id}/items/{fid}",
                                  headers=world.writer)
    assert deleted.status_code == 204
    after_delete = world.client.get(world.tile_url,
                                    headers={"If-None-Match": after_patch.headers["etag"]})
    assert after_delete.headers["etag"] != after_patch.headers["etag"]
    assert fid not in _features(after_delete, world.layer_id)
    unchanged = world.client.get(world.tile_url,
                                 headers={"If-None-Match": after_delete.headers["etag"]})
    assert unchanged.status_code == 304
