"""Terrain of the Delft AHN3 sample through the app: built from its DTM, decoded with an
independent decoder (quantized-mesh-tile), heights against the DTM + NLGEO2018, shared
edges, availability, headers, access levels, and an incremental rebuild."""

from __future__ import annotations

import gzip
import io
import shutil
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import rasterio
from fastapi.testclient import TestClient
from lidar_support import DELFT, lidar_spec
from quantized_mesh_tile.terrain import TerrainTile
from sqlalchemy import Engine

from gis import registry
from gis.access import create_key
from gis.geodesy import transformer
from gis.lidar.crs import parse_given_crs
from gis.lidar.ingest import ingest_lidar
from gis.raster.build import build_dem
from gis.raster.cog import write_surface
from gis.raster.dem import GridSpec
from tiles.terrain.build import DemInput, build_terrain
from tiles.terrain.inputs import dem_inputs
from twin.api.terrain import visible_terrains
from twin.app import create_app
from twin.settings import Settings

NAP = "EPSG:28992+5709"


@dataclass
class World:
    client: TestClient
    open_id: str
    closed_id: str
    dtm: Path
    max_zoom: int
    settings: Settings


@pytest.fixture(scope="module")
def world(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[World]:
    suffix = uuid.uuid4().hex[:8]
    open_lidar, closed_lidar = f"tr_open_{suffix}", f"tr_closed_{suffix}"
    settings = Settings(database_url=database_url, public_url="http://testserver",
                        data_dir=Path(tmp_path_factory.mktemp("var")), ogc_registry_ttl=0.0)
    rasters = settings.data_dir.resolve() / "rasters"
    ingest_lidar(engine, lidar_spec(open_lidar), DELFT, crs=parse_given_crs(NAP))
    ingest_lidar(engine, lidar_spec(closed_lidar, "closed"), DELFT[1:],
                 crs=parse_given_crs(NAP))
    dtm = build_dem(engine, open_lidar, "dtm", 0.5, rasters)
    closed = build_dem(engine, closed_lidar, "dtm", 2.0, rasters)
    terrain = settings.data_dir.resolve() / "terrain"
    built = build_terrain(dem_inputs(engine, [dtm.layer_id]), terrain / dtm.layer_id)
    build_terrain(dem_inputs(engine, [closed.layer_id]), terrain / closed.layer_id)
    with TestClient(create_app(settings)) as client:
        yield World(client, dtm.layer_id, closed.layer_id, dtm.path, built.max_zoom, settings)


def decode(body: bytes, z: int, x: int, y: int) -> TerrainTile:
    size = 180.0 / (1 << z)
    tile = TerrainTile(west=x * size - 180, south=y * size - 90, east=(x + 1) * size - 180,
                       north=(y + 1) * size - 90)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it skips the metadata extension, with a warning
        tile.fromBytesIO(io.BytesIO(body), hasLighting=True)
    return tile


def available(layer: dict, z: int) -> set[tuple[int, int]]:
    return {(x, y) for r in layer["available"][z]
            for x in range(r["startX"], r["endX"] + 1) for y in range(r["startY"], r["endY"] + 1)}


def dtm_ellipsoidal(dtm: Path, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """DTM cell value (nearest) + geoid undulation at lon/lat points (NaN: nodata)."""
    x, y, minus_n = transformer("EPSG:4979", NAP).transform(lon, lat, np.zeros_like(lon))
    with rasterio.open(dtm) as dataset:
        values = np.array([v[0] for v in dataset.sample(zip(x, y, strict=True))], dtype=float)
        values[values == dataset.nodata] = np.nan
    return values - np.asarray(minus_n)


def surface_at(tile: TerrainTile, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Heights of the decoded triangles at points (barycentric), NaN outside all."""
    vertices = np.array(tile.getVerticesCoordinates())
    triangles = np.array(tile.indices).reshape(-1, 3)
    a, b, c = (vertices[triangles[:, k]] for k in range(3))
    result = np.full(len(lon), np.nan)
    for i, (px, py) in enumerate(zip(lon, lat, strict=True)):
        det = (b[:, 1] - c[:, 1]) * (a[:, 0] - c[:, 0]) + (c[:, 0] - b[:, 0]) * (a[:, 1] - c[:, 1])
        w1 = ((b[:, 1] - c[:, 1]) * (px - c[:, 0]) + (c[:, 0] - b[:, 0]) * (py - c[:, 1])) / det
        w2 = ((c[:, 1] - a[:, 1]) * (px - c[:, 0]) + (a[:, 0] - c[:, 0]) * (py - c[:, 1])) / det
        w3 = 1 - w1 - w2
        inside = np.flatnonzero((w1 >= -1e-9) & (w2 >= -1e-9) & (w3 >= -1e-9))
        if len(inside):
            k = inside[0]
            result[i] = w1[k] * a[k, 2] + w2[k] * b[k, 2] + w3[k] * c[k, 2]
    return result


def test_layer_json_and_availability_match_the_dtm(world: World) -> None:
    response = world.client.get(f"/terrain/{world.open_id}/layer.json")
    assert response.status_code == 200
    layer = response.json()
    assert layer["format"] == "quantized-mesh-1.0"
    assert layer["scheme"] == "tms"
    assert set(layer["extensions"]) == {"octvertexnormals", "metadata"}
    assert available(layer, 0) == {(0, 0), (1, 0)}  # both roots, always
    with rasterio.open(world.dtm) as dataset:
        left, bottom, right, top = dataset.bounds
    x = np.linspace(left, right, 50)
    y = np.linspace(bottom, top, 50)
    ring_x = np.concatenate([x, np.full(50, right), x, np.full(50, left)])
    ring_y = np.concatenate([np.full(50, bottom), y, np.full(50, top), y])
    lon, lat, _ = transformer(NAP, "EPSG:4979").transform(ring_x, ring_y, np.zeros(200))
    for z in range(1, world.max_zoom + 1):
        size = 180.0 / (1 << z)
        columns = range(int((lon.min() + 180) // size), int((lon.max() + 180) // size) + 1)
        rows = range(int((lat.min() + 90) // size), int((lat.max() + 90) // size) + 1)
        expected = {(cx, cy) for cx in columns for cy in rows}
        assert available(layer, z) == expected, z
    z, (x0, y0) = world.max_zoom, min(available(layer, world.max_zoom))
    assert world.client.get(f"/terrain/{world.open_id}/{z}/{x0 - 1}/{y0}.terrain"
                            ).status_code == 404  # outside the data: the ellipsoid


def test_tiles_are_gzip_quantized_mesh_served_as_stored(world: World) -> None:
    accept = ("application/vnd.quantized-mesh;extensions=octvertexnormals-metadata,"
              "application/octet-stream;q=0.9,*/*;q=0.01")  # what CesiumJS sends
    stored = world.settings.data_dir.resolve() / "terrain" / world.open_id / "0" / "1" / "0.terrain"
    for encoding in ("gzip, deflate", "identity"):
        response = world.client.get(f"/terrain/{world.open_id}/0/1/0.terrain",
                                    headers={"Accept": accept, "Accept-Encoding": encoding})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/vnd.quantized-mesh")
        assert "octvertexnormals" in response.headers["content-type"]
        assert response.headers["content-encoding"] == "gzip"  # as stored, never twice
        assert int(response.headers["content-length"]) == stored.stat().st_size
        assert response.content == gzip.decompress(stored.read_bytes())
        assert response.headers["cache-control"] == "public, no-cache"
    again = world.client.get(f"/terrain/{world.open_id}/0/1/0.terrain",
                             headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    refused = world.client.get(f"/terrain/{world.open_id}/0/1/0.terrain",
                               headers={"Accept": "image/png"})
    assert refused.status_code == 406


def test_finest_tiles_follow_the_dtm_with_the_geoid(world: World) -> None:
    layer = world.client.get(f"/terrain/{world.open_id}/layer.json").json()
    z = world.max_zoom
    rng = np.random.default_rng(16)
    errors = []
    for x, y in sorted(available(layer, z)):
        tile = decode(world.client.get(f"/terrain/{world.open_id}/{z}/{x}/{y}.terrain").content,
                      z, x, y)
        assert len(tile.u) <= 65_535
        assert len(tile.vLight) == len(tile.u)  # one oct-encoded normal per vertex
        west, south, east, north = tile.bounds
        lon = rng.uniform(west, east, 150)
        lat = rng.uniform(south, north, 150)
        expected = dtm_ellipsoidal(world.dtm, lon, lat)
        got = surface_at(tile, lon, lat)
        keep = np.isfinite(expected) & np.isfinite(got)
        errors.extend(np.abs(got[keep] - expected[keep]))
    assert len(errors) > 200
    assert np.median(errors) <= 0.25
    assert 40 < np.median(dtm_ellipsoidal(world.dtm, lon, lat)[keep]) < 50  # NAP ~0 + N 43


def test_neighbouring_tiles_share_their_edge_heights(world: World) -> None:
    layer = world.client.get(f"/terrain/{world.open_id}/layer.json").json()
    z = world.max_zoom
    tiles = {}
    for x, y in available(layer, z):
        body = world.client.get(f"/terrain/{world.open_id}/{z}/{x}/{y}.terrain").content
        tiles[(x, y)] = decode(body, z, x, y)

    def edge(tile: TerrainTile, indices: list[int], axis: int) -> tuple[np.ndarray, np.ndarray]:
        vertices = np.array(tile.getVerticesCoordinates())[indices]
        order = np.argsort(vertices[:, axis])
        return vertices[order, axis], vertices[order, 2]

    pairs = 0
    for (x, y), tile in tiles.items():
        for (nx, ny), mine, theirs, axis in (((x + 1, y), "eastI", "westI", 1),
                                             ((x, y + 1), "northI", "southI", 0)):
            if (nx, ny) not in tiles:
                continue
            at, heights = edge(tile, getattr(tile, mine), axis)
            other_at, other_heights = edge(tiles[(nx, ny)], getattr(tiles[(nx, ny)], theirs), axis)
            assert np.max(np.abs(np.interp(at, other_at, other_heights) - heights)) < 0.01
            assert np.max(np.abs(np.interp(other_at, at, heights) - other_heights)) < 0.01
            pairs += 1
    assert pairs >= 1


def test_closed_source_terrain_is_hidden_like_3d_tiles(engine: Engine, world: World) -> None:
    anonymous = world.client.get(f"/terrain/{world.closed_id}/layer.json")
    assert anonymous.status_code == 404
    assert world.closed_id not in anonymous.text
    assert world.client.get(f"/terrain/{world.closed_id}/0/0/0.terrain").status_code == 404
    bad = world.client.get(f"/terrain/{world.closed_id}/layer.json",
                           headers={"X-API-Key": "not-a-key"})
    assert bad.status_code == 401
    with engine.begin() as conn:
        _, token = create_key(conn, "staff", label="terrain test")
    keyed = world.client.get(f"/terrain/{world.closed_id}/0/0/0.terrain",
                             headers={"X-API-Key": token})
    assert keyed.status_code == 200
    assert keyed.headers["cache-control"] == "private, no-cache"


def test_visible_terrains_follow_the_caller(world: World) -> None:
    class FakeRequest:  # the app and headers are all the function reads
        def __init__(self, headers: dict[str, str]) -> None:
            self.app = world.client.app
            self.headers = headers
            self.state = type("State", (), {})()

    visible = visible_terrains(FakeRequest({}))  # type: ignore[arg-type]
    assert world.open_id in visible
    assert world.closed_id not in visible


def test_rebuild_after_a_dtm_change_remakes_only_the_tiles_it_touches(
        world: World, tmp_path: Path) -> None:
    dtm = shutil.copy(world.dtm, tmp_path / "dtm.tif")
    out = tmp_path / "terrain"
    first = build_terrain([DemInput(world.open_id, Path(dtm), NAP)], out)
    assert first.kept == []
    unchanged = build_terrain([DemInput(world.open_id, Path(dtm), NAP)], out)
    assert unchanged.written == []
    assert len(unchanged.kept) == len(first.written)
    with rasterio.open(dtm) as dataset:
        values = dataset.read(1)
        transform, crs = dataset.transform, dataset.crs.to_wkt()
    rows, cols = values.shape
    r0, c0 = rows // 2, cols // 2
    block = values[r0:r0 + 40, c0:c0 + 40]
    assert (block > -9000).all()
    values[r0:r0 + 40, c0:c0 + 40] = block + 3.0
    grid = GridSpec(transform.c, transform.f, transform.a, cols, rows)
    write_surface(Path(dtm), np.where(values > -9000, values, np.nan).astype(np.float32),
                  grid, crs)
    again = build_terrain([DemInput(world.open_id, Path(dtm), NAP)], out)
    finest = [t for t in first.written if t.z == first.max_zoom]
    rewritten = [t for t in again.written if t.z == first.max_zoom]
    assert 0 < len(rewritten) < len(finest)  # the changed corner only
    corner_x = transform.c + np.array([c0, c0 + 40]) * transform.a
    corner_y = transform.f + np.array([r0, r0 + 40]) * transform.e
    lon, lat, _ = transformer(NAP, "EPSG:4979").transform(corner_x, corner_y, np.zeros(2))
    size = 180.0 / (1 << first.max_zoom)
    for tile in rewritten:  # each touches the changed block
        assert tile.x * size - 180 <= lon.max() + 1e-5
        assert (tile.x + 1) * size - 180 >= lon.min() - 1e-5
        assert tile.y * size - 90 <= lat.max() + 1e-5
        assert (tile.y + 1) * size - 90 >= lat.min() - 1e-5


def test_closing_a_source_layer_closes_its_terrain_and_map_tiles(world: World,
                                                                   engine: Engine) -> None:
    """Both routes check access against the OGC catalogue's cached registry (no registry
    read per tile): a layer closed in the registry is closed at the next poll (TTL 0 here)
    and stays closed, reopened likewise."""
    with engine.connect() as conn:
        layer = registry.get_layer(conn, world.open_id)
    crs = f"EPSG:{layer.storage_srid}"
    terrain = f"/terrain/{world.open_id}/0/0/0.terrain"
    tile = f"/collections/{world.open_id}/map/tiles/WebMercatorQuad/0/0/0"
    assert [world.client.get(u).status_code for u in (terrain, tile)] == [200, 200]
    try:
        with engine.begin() as conn:
            registry.register(conn, layer.spec.model_copy(update={"access_level": "closed"}),
                              crs)
        for _ in range(2):
            assert [world.client.get(u).status_code for u in (terrain, tile)] == [404, 404]
    finally:
        with engine.begin() as conn:
            registry.register(conn, layer.spec, crs)
    assert [world.client.get(u).status_code for u in (terrain, tile)] == [200, 200]
