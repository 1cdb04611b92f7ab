"""HTTP caching through the app: strong ETags and 304s with the 200's ETag, Cache-Control and
Vary on items pages, items, vector tiles, 3D Tiles and downloads; Part 4 edits and reloads
move the tags (and the tile cache) at once; private for keyed views, immutable for versioned
open products."""

from __future__ import annotations

import json
import math
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import mapbox_vector_tile
import pytest
from access_support import make_cadastral_layer
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gis import access
from gis.geodesy import transformer
from twin.app import create_app
from twin.ogc import features
from twin.ogc import tiles as ogc_tiles
from twin.settings import Settings

pytestmark = pytest.mark.api
SQUARE = [[173100.0, 170200.0], [173110.0, 170200.0], [173110.0, 170210.0],
          [173100.0, 170210.0], [173100.0, 170200.0]]
SHARED_HEADERS = ("etag", "cache-control", "vary")


@dataclass
class World:
    #: the catalogue is cached for a minute: only this process's edits can move stamps fast
    client: TestClient
    #: the catalogue re-polls at every request, as after ``ogc_registry_ttl``
    fresh: TestClient
    open_id: str
    shared_id: str
    writer: dict[str, str]
    staff: dict[str, str]
    settings: Settings
    folder: Path


def _tile_path(layer_id: str, zoom: int = 16) -> str:
    lon, lat = transformer(31370, 4326).transform(173105.0, 170205.0)
    n = 2**zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return f"/collections/{layer_id}/tiles/WebMercatorQuad/{zoom}/{y}/{x}"


def _fake_tileset(folder: Path, version: str) -> None:
    """A tileset folder as the builders leave it (the route does not parse the glb)."""
    (folder / "content").mkdir(parents=True, exist_ok=True)
    (folder / "content" / "r.glb").write_bytes(b"glTF" + bytes(range(256)) * 8)
    (folder / "content" / "r0.glb").write_bytes(b"glTF" + b"\x01" * 64)
    root = {"boundingVolume": {"region": [0.07, 0.9, 0.08, 0.91, 0.0, 10.0]},
            "geometricError": 4.0, "refine": "ADD", "content": {"uri": "content/r.glb"},
            "children": [{"boundingVolume": {"region": [0.07, 0.9, 0.075, 0.905, 0.0, 5.0]},
                          "geometricError": 0.0, "content": {"uri": "content/r0.glb"}}]}
    document = {"asset": {"version": "1.1", "tilesetVersion": version}, "geometricError": 8.0,
                "root": root}
    (folder / "tileset.json").write_text(json.dumps(document, indent=1))


@pytest.fixture(scope="module")
def world(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[World]:
    suffix = uuid.uuid4().hex[:8]
    folder = tmp_path_factory.mktemp("cadastre")
    open_id, shared_id = f"hc_open_{suffix}", f"hc_shared_{suffix}"
    make_cadastral_layer(engine, open_id, "open", limit=10, folder=folder)
    make_cadastral_layer(engine, shared_id, "shared", ("notaries",), limit=10, folder=folder)
    with engine.begin() as conn:
        _, writer = access.create_key(conn, "partner", ["notaries"], can_write=True)
        _, staff = access.create_key(conn, "staff", label="http caching test")
    data_dir = Path(tmp_path_factory.mktemp("var"))
    settings = Settings(database_url=database_url, public_url="http://testserver",
                        data_dir=data_dir, ogc_registry_ttl=60.0)
    for layer_id in (open_id, shared_id):
        _fake_tileset(settings.tiles_dir / layer_id, "v1-abc")
    fresh_settings = settings.model_copy(update={"ogc_registry_ttl": 0.0})
    with TestClient(create_app(settings)) as client, \
            TestClient(create_app(fresh_settings)) as fresh:
        yield World(client, fresh, open_id, shared_id, {"X-API-Key": writer},
                    {"X-API-Key": staff}, settings, folder)


def _revalidate(client: TestClient, url: str, headers: dict[str, str] | None = None
                ) -> tuple[httpx.Response, httpx.Response]:
    """A 200, then the same request with its ETag: the 304 must repeat the caching headers."""
    first = client.get(url, headers=headers)
    assert first.status_code == 200, first.text
    assert not first.headers["etag"].startswith("W/")
    again = client.get(url, headers={**(headers or {}),
                                     "If-None-Match": f'"x", {first.headers["etag"]}'})
    assert again.status_code == 304
    assert again.content == b""
    for name in SHARED_HEADERS:
        assert again.headers[name] == first.headers[name], name
    return first, again


def _fail(*_: Any, **__: Any) -> Any:
    raise AssertionError("the database was read")


def _send(world: World, method: str, url: str, body: dict[str, Any],
          headers: dict[str, str] | None = None) -> httpx.Response:
    response: httpx.Response = world.client.request(
        method, url, content=json.dumps(body),
        headers={"Content-Type": "application/geo+json", **world.writer, **(headers or {})})
    return response


def _square_feature(capakey: str) -> dict[str, Any]:
    to_wgs84 = transformer(31370, 4326)
    ring = [list(to_wgs84.transform(x, y)) for x, y in SQUARE]
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": {"capakey": capakey}}


def _tile_features(response: httpx.Response, layer_id: str) -> dict[int, Any]:
    assert response.status_code == 200, response.text
    decoded = mapbox_vector_tile.decode(response.content)
    return {f["id"]: f for f in decoded.get(layer_id, {"features": []})["features"]}


# items -------------------------------------------------------------------------------------

def test_items_pages_answer_304_before_their_query_runs(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"/collections/{world.open_id}/items?limit=5"
    first, _ = _revalidate(world.client, url)
    assert first.headers["cache-control"] == "public, no-cache"
    assert "accept" in first.headers["vary"].lower()
    assert "x-api-key" in first.headers["vary"].lower()
    etag = first.headers["etag"]
    assert world.client.get(f"{url}&f=json").headers["etag"] == etag  # same bytes
    other = world.client.get(f"/collections/{world.open_id}/items?limit=6",
                             headers={"If-None-Match": etag})
    assert other.status_code == 200
    assert other.headers["etag"] != etag
    monkeypatch.setattr(features, "items_page", _fail)
    for header in (etag, f"W/{etag}", "*"):
        assert world.client.get(url, headers={"If-None-Match": header}).status_code == 304


def test_an_item_answers_304_and_its_tag_depends_on_the_view(world: World) -> None:
    url = f"/collections/{world.open_id}/items/3"
    anonymous, _ = _revalidate(world.client, url)
    assert anonymous.headers["cache-control"] == "public, no-cache"
    staff, _ = _revalidate(world.client, url, world.staff)  # the raw table
    assert staff.headers["cache-control"] == "private, no-cache"
    assert staff.headers["etag"] != anonymous.headers["etag"]
    assert world.client.get(url, headers={**world.staff,
                                          "If-None-Match": anonymous.headers["etag"]}
                            ).status_code == 200
    crs = world.client.get(f"{url}?crs=http://www.opengis.net/def/crs/EPSG/0/31370")
    assert crs.headers["etag"] != anonymous.headers["etag"]  # another representation


def test_a_shared_layer_is_private_and_its_views_do_not_share_tags(world: World) -> None:
    url = f"/collections/{world.shared_id}/items/2"
    partner, _ = _revalidate(world.client, url, world.writer)  # the pseudonymised view
    staff, _ = _revalidate(world.client, url, world.staff)
    assert partner.headers["cache-control"] == "private, no-cache"
    assert partner.headers["etag"] != staff.headers["etag"]
    page, _ = _revalidate(world.client, f"/collections/{world.shared_id}/items",
                          world.writer)
    assert page.headers["cache-control"] == "private, no-cache"
    tile, _ = _revalidate(world.client, _tile_path(world.shared_id, 15), world.writer)
    assert tile.headers["cache-control"].startswith("private, max-age=")


# vector tiles ------------------------------------------------------------------------------

def test_tiles_revalidate_and_hit_the_cache_without_the_database(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    url = _tile_path(world.open_id, 15)
    first, _ = _revalidate(world.client, url)
    assert first.headers["cache-control"].startswith("public, max-age=")
    staff = world.client.get(url, headers=world.staff)
    assert staff.headers["etag"] != first.headers["etag"]  # the raw table: another view
    monkeypatch.setattr(ogc_tiles, "fetch_one", _fail)
    assert world.client.get(url, headers={"If-None-Match": first.headers["etag"]}
                            ).status_code == 304
    hit = world.client.get(url)
    assert hit.status_code == 200
    assert hit.content == first.content
    assert {n: hit.headers[n] for n in SHARED_HEADERS} == \
        {n: first.headers[n] for n in SHARED_HEADERS}


def test_a_part4_edit_moves_items_and_tiles_at_once(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalogue is cached for a minute: the edit itself must make this process see it,
    and the cached tile must not be served again."""
    tile_url = _tile_path(world.open_id)
    page_url = f"/collections/{world.open_id}/items?limit=50"
    before_tile, _ = _revalidate(world.client, tile_url)
    before_page, _ = _revalidate(world.client, page_url)
    created = _send(world, "POST", f"/collections/{world.open_id}/items",
                    _square_feature("24000A0001/00A000"))
    assert created.status_code == 201, created.text
    item_url = created.headers["location"].removeprefix("http://testserver")
    fid = int(item_url.rsplit("/", 1)[-1])
    assert fid not in _tile_features(before_tile, world.open_id)

    after_tile = world.client.get(tile_url, headers={"If-None-Match": before_tile.headers["etag"]})
    assert after_tile.headers["etag"] != before_tile.headers["etag"]
    assert fid in _tile_features(after_tile, world.open_id)  # new content, not the cached tile
    after_page = world.client.get(page_url,
                                  headers={"If-None-Match": before_page.headers["etag"]})
    assert after_page.status_code == 200
    assert after_page.headers["etag"] != before_page.headers["etag"]

    item = world.client.get(item_url, headers=world.writer)
    assert item.headers["etag"] == created.headers["etag"]
    patched = _send(world, "PATCH", item_url, {"properties": {"capakey": "24000B0002/00B000"}},
                    {"If-Match": item.headers["etag"]})
    assert patched.status_code == 204, patched.text
    again = world.client.get(item_url, headers={**world.writer,
                                                "If-None-Match": item.headers["etag"]})
    assert again.status_code == 200
    assert again.headers["etag"] == patched.headers["etag"] != item.headers["etag"]
    stale = _send(world, "PATCH", item_url, {"properties": {"capakey": "x"}},
                  {"If-Match": item.headers["etag"]})
    assert stale.status_code == 412
    patched_tile = world.client.get(tile_url)
    assert patched_tile.headers["etag"] != after_tile.headers["etag"]
    assert _tile_features(patched_tile, world.open_id)[fid]["properties"]["capakey"] == \
        "24000B0002/00B000"
    monkeypatch.setattr(ogc_tiles, "fetch_one", _fail)  # from now on: the cache
    assert world.client.get(tile_url).content == patched_tile.content
    deleted = world.client.delete(item_url, headers={**world.writer,
                                                     "If-Match": again.headers["etag"]})
    assert deleted.status_code == 204
    monkeypatch.undo()
    gone = world.client.get(tile_url, headers={"If-None-Match": patched_tile.headers["etag"]})
    assert fid not in _tile_features(gone, world.open_id)


def test_a_reload_moves_every_tag(world: World, engine: Engine) -> None:
    layer_id = f"hc_reload_{uuid.uuid4().hex[:8]}"
    make_cadastral_layer(engine, layer_id, "open", limit=10, folder=world.folder)
    urls = [_tile_path(layer_id, 15), f"/collections/{layer_id}/items/3",
            f"/collections/{layer_id}/items?limit=20"]
    before = [_revalidate(world.fresh, url)[0] for url in urls]
    make_cadastral_layer(engine, layer_id, "open", limit=12, folder=world.folder)
    after = [world.fresh.get(url, headers={"If-None-Match": old.headers["etag"]})
             for url, old in zip(urls, before, strict=True)]
    assert [a.status_code for a in after] == [200, 200, 200]
    for old, new in zip(before, after, strict=True):
        assert new.headers["etag"] != old.headers["etag"]
    assert after[2].json()["numberReturned"] == 12


# 3D Tiles ----------------------------------------------------------------------------------

def test_3d_tiles_are_immutable_under_their_build(world: World) -> None:
    base = f"/3dtiles/{world.open_id}"
    entry, _ = _revalidate(world.client, f"{base}/tileset.json")
    assert entry.headers["cache-control"] == "public, no-cache"
    uri = entry.json()["root"]["content"]["uri"]
    child = entry.json()["root"]["children"][0]["content"]["uri"]
    assert uri.startswith("content/r.glb?v=v1-abc.")
    assert child.startswith("content/r0.glb?v=")
    identity = {"Accept-Encoding": "identity"}
    content, _ = _revalidate(world.client, f"{base}/{uri}", identity)
    assert content.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert content.headers["access-control-allow-origin"] == "*"
    assert content.content == (world.settings.tiles_dir / world.open_id / "content" /
                                "r.glb").read_bytes()
    gzipped, _ = _revalidate(world.client, f"{base}/{uri}", {"Accept-Encoding": "gzip"})
    assert gzipped.headers["etag"] != content.headers["etag"]  # another content coding
    plain = world.client.get(f"{base}/content/r.glb", headers=identity)
    assert plain.headers["cache-control"] == "public, no-cache"
    assert plain.headers["etag"] == content.headers["etag"]  # the same bytes

    folder = world.settings.tiles_dir / world.open_id  # a rebuild of the same sources
    stamp = folder.joinpath("tileset.json").stat()
    _fake_tileset(folder, "v1-abc")
    os.utime(folder / "tileset.json", ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 10**9))
    rebuilt = world.client.get(f"{base}/tileset.json",
                               headers={"If-None-Match": entry.headers["etag"]})
    assert rebuilt.status_code == 200
    assert rebuilt.json()["root"]["content"]["uri"] != uri
    old = world.client.get(f"{base}/{uri}")
    assert old.headers["cache-control"] == "public, no-cache"  # a stale v is not immutable


def test_closed_and_shared_3d_tiles_are_private(world: World) -> None:
    base = f"/3dtiles/{world.shared_id}"
    assert world.client.get(f"{base}/tileset.json").status_code == 404
    entry, _ = _revalidate(world.client, f"{base}/tileset.json", world.writer)
    assert entry.headers["cache-control"] == "private, no-cache"
    uri = entry.json()["root"]["content"]["uri"]
    content, _ = _revalidate(world.client, f"{base}/{uri}", world.writer)
    assert content.headers["cache-control"] == "private, max-age=31536000, immutable"


# downloads ---------------------------------------------------------------------------------

def test_downloads_revalidate_and_are_immutable_under_their_state(world: World) -> None:
    layer_id = f"hc_dl_{uuid.uuid4().hex[:8]}"
    engine = world.client.app.state.engine  # type: ignore[attr-defined]
    make_cadastral_layer(engine, layer_id, "open", limit=10, folder=world.folder)
    url = f"/downloads/{layer_id}.geojson"
    stable, _ = _revalidate(world.fresh, url)
    assert stable.headers["cache-control"] == "public, max-age=300"
    versioned_url = stable.headers["content-location"]
    assert versioned_url.startswith(f"{url}?v=v1-e0-")
    versioned, _ = _revalidate(world.fresh, versioned_url)
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert versioned.content == stable.content
    assert versioned.headers["etag"] == stable.headers["etag"]
    storage = world.fresh.get(f"{url}?crs=storage")
    assert storage.headers["etag"] != stable.headers["etag"]
    assert storage.headers["content-location"].endswith("&crs=storage")

    make_cadastral_layer(engine, layer_id, "open", limit=12, folder=world.folder)  # reload
    reloaded = world.fresh.get(url, headers={"If-None-Match": stable.headers["etag"]})
    assert reloaded.status_code == 200
    assert reloaded.headers["etag"] != stable.headers["etag"]
    assert reloaded.headers["content-location"].startswith(f"{url}?v=v2-e0-")
    old = world.fresh.get(versioned_url)
    assert old.headers["cache-control"] == "public, max-age=300"  # no longer that state


def test_shared_downloads_are_private(world: World) -> None:
    url = f"/downloads/{world.shared_id}.csv"
    assert world.client.get(url).status_code == 404
    first, _ = _revalidate(world.client, url, world.writer)
    assert first.headers["cache-control"] == "private, max-age=300"
    versioned = world.client.get(first.headers["content-location"], headers=world.writer)
    assert versioned.headers["cache-control"] == "private, max-age=31536000, immutable"

