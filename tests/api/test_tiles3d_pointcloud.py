"""``/3dtiles/{tileset}/...`` through the app: a LiDAR layer's tileset with CORS, gzip, ETag."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lidar_support import DELFT, lidar_spec
from sqlalchemy import Engine

from gis.access import create_key
from gis.lidar.crs import parse_given_crs
from gis.lidar.ingest import ingest_lidar
from tiles.pointcloud.layer import build_layer_tileset
from twin.app import create_app
from twin.settings import Settings


@dataclass
class World:
    client: TestClient
    open_id: str
    closed_id: str
    settings: Settings


@pytest.fixture(scope="module")
def world(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[World]:
    suffix = uuid.uuid4().hex[:8]
    open_id, closed_id = f"pc_open_{suffix}", f"pc_closed_{suffix}"
    settings = Settings(database_url=database_url, public_url="http://testserver",
                        data_dir=Path(tmp_path_factory.mktemp("var")), ogc_registry_ttl=0.0)
    nap = parse_given_crs("EPSG:28992+5709")
    for layer_id, level in ((open_id, "open"), (closed_id, "closed")):
        ingest_lidar(engine, lidar_spec(layer_id, level), DELFT[1:], crs=nap)
        build_layer_tileset(engine, layer_id, settings.tiles_dir, workers=1)
    with TestClient(create_app(settings)) as client:
        yield World(client, open_id, closed_id, settings)


def test_tileset_json_is_served_with_cors_and_cache_headers(world: World) -> None:
    response = world.client.get(f"/3dtiles/{world.open_id}/tileset.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"] == "public, no-cache"
    assert response.headers["etag"].startswith('"')  # strong: it names these bytes
    document = response.json()
    assert document["asset"]["version"] == "1.1"
    assert document["asset"]["tilesetVersion"].startswith("v1-")


def test_if_none_match_gives_304(world: World) -> None:
    first = world.client.get(f"/3dtiles/{world.open_id}/tileset.json")
    again = world.client.get(f"/3dtiles/{world.open_id}/tileset.json",
                             headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


def test_contents_are_glb_gzip_and_cacheable(world: World) -> None:
    document = world.client.get(f"/3dtiles/{world.open_id}/tileset.json").json()
    uri = document["root"]["content"]["uri"]  # under the build's ?v=: immutable
    assert "?v=" in uri
    response = world.client.get(f"/3dtiles/{world.open_id}/{uri}",
                                headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "model/gltf-binary"
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.content[:4] == b"glTF"  # httpx decodes gzip transparently
    raw = world.client.get(f"/3dtiles/{world.open_id}/{uri}",
                           headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert raw.headers["etag"] != response.headers["etag"]  # each coding its own tag
    path = world.settings.tiles_dir / world.open_id / uri.partition("?")[0]
    assert raw.content == path.read_bytes()
    assert len(gzip.compress(path.read_bytes())) < len(path.read_bytes())
    stale = world.client.get(f"/3dtiles/{world.open_id}/{uri.partition('?')[0]}?v=1")
    assert stale.headers["cache-control"] == "public, no-cache"


def test_a_closed_layers_tiles_are_private_to_the_caller(engine: Engine, world: World) -> None:
    """A shared cache must not hand a closed layer's tiles, fetched with a key, to anyone."""
    with engine.begin() as conn:
        _, token = create_key(conn, "staff", label="tiles3d cache test")
    key = {"X-API-Key": token}
    document = world.client.get(f"/3dtiles/{world.closed_id}/tileset.json", headers=key)
    assert document.status_code == 200
    assert document.headers["cache-control"] == "private, no-cache"
    assert "x-api-key" in document.headers["vary"].lower()
    uri = document.json()["root"]["content"]["uri"]
    content = world.client.get(f"/3dtiles/{world.closed_id}/{uri}", headers=key)
    assert content.headers["cache-control"] == "private, max-age=31536000, immutable"


def test_closed_layer_tileset_does_not_exist_for_anonymous(world: World) -> None:
    response = world.client.get(f"/3dtiles/{world.closed_id}/tileset.json")
    assert response.status_code == 404
    assert world.closed_id not in response.text  # not even the name asked
    unknown = world.client.get("/3dtiles/no_such_layer/tileset.json")
    assert unknown.status_code == 404
    body, unknown_body = response.json(), unknown.json()
    assert body.pop("requestId") != unknown_body.pop("requestId")  # each request its own id
    assert unknown_body == body


@pytest.mark.parametrize("path", [
    "..%2F..%2Fetc%2Fpasswd", "%2E%2E/%2E%2E/etc/passwd", "content/..%2F..%2Fbuild.json",
    "build.json", "content/.hidden.glb", "content/r.glb%00.json",
])
def test_paths_outside_the_tileset_are_refused(world: World, path: str) -> None:
    response = world.client.get(f"/3dtiles/{world.open_id}/{path}")
    assert response.status_code == 404


def test_build_manifest_records_the_sources(world: World) -> None:
    manifest = json.loads((world.settings.tiles_dir / world.open_id / "build.json").read_text())
    assert manifest["points"] == 208432
    assert list(manifest["files"]) == [str(DELFT[1].resolve())]
