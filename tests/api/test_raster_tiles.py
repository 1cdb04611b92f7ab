"""Map tiles of the DTM/DSM (hillshade, colour relief, height above ground) and the COG
downloads QGIS opens by URL: built from the real Delft AHN3 block, served by the app."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pytest
import shapely
import uvicorn
from fastapi.testclient import TestClient
from lidar_support import DELFT, lidar_spec
from ogc_support import free_port
from rasterio.io import MemoryFile
from sqlalchemy import Engine, event

from gis import access
from gis.geodesy import transformer
from gis.lidar.crs import parse_given_crs
from gis.lidar.ingest import ingest_lidar
from gis.raster.build import build_dem
from tiles.raster.render import TileIndex, read_height_above_ground
from twin.api.raster_tiles import RasterRows
from twin.app import create_app
from twin.settings import Settings

pytestmark = pytest.mark.api
BASE = "http://testserver"
PAND = Path(__file__).resolve().parent.parent.parent / "data" / "delft" / "bgt" / "bgt_pand.sqlite"
ZOOM = 19


@dataclass
class Site:
    client: TestClient
    settings: Settings
    lidar: str
    closed: str
    shared: str
    key: str
    dtm: Path
    dsm: Path
    tile: TileIndex
    roof: tuple[int, int]


def _tile_and_pixel(lon: float, lat: float, z: int) -> tuple[TileIndex, tuple[int, int]]:
    n = 2**z
    fx = (lon + 180) / 360 * n
    fy = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return TileIndex(z, int(fx), int(fy)), (int((fy % 1) * 256), int((fx % 1) * 256))


def _largest_roof(dtm: Path) -> tuple[float, float]:
    """WGS 84 position inside the largest BGT building over the DTM."""
    import rasterio

    with rasterio.open(dtm) as dataset:
        box = shapely.box(*dataset.bounds)
    frame = pyogrio.read_dataframe(PAND)
    inside = [g for g in frame.geometry.values if g is not None and box.contains(g)]
    largest = max(inside, key=lambda g: g.area)
    point = shapely.maximum_inscribed_circle(largest).centroid
    lon, lat = transformer("EPSG:28992", "EPSG:4326").transform(point.x, point.y)
    return float(lon), float(lat)


@pytest.fixture(scope="module")
def site(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Site]:
    suffix = uuid.uuid4().hex[:8]
    settings = Settings(database_url=database_url, public_url=BASE, ogc_registry_ttl=0.0,
                        data_dir=tmp_path_factory.mktemp("var"))
    rasters = settings.data_dir.resolve() / "rasters"
    nap = parse_given_crs("EPSG:28992+5709")
    ids = {level: f"maps_{level}_{suffix}" for level in ("open", "closed", "shared")}
    for level, layer_id in ids.items():
        spec = lidar_spec(layer_id, level)
        if level == "shared":
            spec = spec.model_copy(update={"shared_with": ["planning"]})
        ingest_lidar(engine, spec, DELFT[1:], crs=nap)
        build_dem(engine, layer_id, "dtm", 1.0, rasters)
    dsm = build_dem(engine, ids["open"], "dsm", 1.0, rasters)
    dtm = rasters / f"{ids['open']}_dtm.tif"
    tile, roof = _tile_and_pixel(*_largest_roof(dtm), ZOOM)
    with engine.begin() as conn:
        _, key = access.create_key(conn, "partner", ["planning"], label="map tiles test")
    with TestClient(create_app(settings)) as client:
        yield Site(client, settings, ids["open"], ids["closed"], ids["shared"], key, dtm,
                   dsm.path, tile, roof)


def _url(layer: str, tile: TileIndex, style: str) -> str:
    return (f"/collections/{layer}/map/tiles/WebMercatorQuad/{tile.z}/{tile.y}/{tile.x}"
            f"?style={style}")


def _rgba(body: bytes) -> np.ndarray:
    with MemoryFile(body) as memory, memory.open() as image:
        assert image.count == 4
        return np.moveaxis(image.read(), 0, -1)


def test_styles_decode_and_differ(site: Site) -> None:
    images = {}
    for style in ("hillshade", "colour-relief"):
        response = site.client.get(_url(f"{site.lidar}_dtm", site.tile, style))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "image/png"
        images[style] = _rgba(response.content)
        assert images[style][..., 3].mean() > 200  # the block covers the tile
        assert images[style][..., :3].std() > 5  # not a flat colour
    hill, relief = images["hillshade"], images["colour-relief"]
    assert (hill[..., 0] == hill[..., 1]).all()  # grey shading
    assert not (relief[..., 0] == relief[..., 1]).all()  # colours
    outside = site.client.get(_url(f"{site.lidar}_dtm", TileIndex(ZOOM, 0, 0), "hillshade"))
    assert outside.status_code == 200
    assert _rgba(outside.content)[..., 3].max() == 0
    bad = site.client.get(_url(f"{site.lidar}_dtm", site.tile, "sepia"))
    assert bad.status_code == 400
    assert "hillshade" in bad.json()["description"]


def test_height_above_ground_stands_on_the_buildings(site: Site) -> None:
    response = site.client.get(_url(f"{site.lidar}_dsm", site.tile, "height"))
    assert response.status_code == 200
    image = _rgba(response.content)
    row, col = site.roof
    assert image[row, col, 3] == 255  # something stands on the largest building
    heights = read_height_above_ground(site.dsm, site.dtm, site.tile)
    assert heights is not None
    assert np.nanmin(heights) >= 0
    assert heights[row, col] > 3  # a roof, metres above the street
    assert (image[..., 3] == 0).any()  # streets and yards: nothing stands there
    # the DTM offers the same style (its DSM sibling is visible)
    assert site.client.get(_url(f"{site.lidar}_dtm", site.tile, "height")).status_code == 200


def test_access_levels_on_map_tiles(site: Site) -> None:
    for layer in (site.closed, site.shared):
        for path in (_url(f"{layer}_dtm", site.tile, "hillshade"),
                     f"/collections/{layer}_dtm/map/tiles/WebMercatorQuad"):
            assert site.client.get(path).status_code == 404
    keyed = site.client.get(_url(f"{site.shared}_dtm", site.tile, "hillshade"),
                            headers={"X-API-Key": site.key})
    assert keyed.status_code == 200
    assert keyed.headers["cache-control"].startswith("private")
    # no DSM for the shared layer: the height style is not offered
    meta = site.client.get(f"/collections/{site.shared}_dtm/map/tiles/WebMercatorQuad",
                           headers={"X-API-Key": site.key}).json()
    assert meta["styles"] == ["hillshade", "colour-relief"]
    closed = site.client.get(_url(f"{site.closed}_dtm", site.tile, "hillshade"),
                             headers={"X-API-Key": site.key})
    assert closed.status_code == 404


def test_etag_and_304(site: Site) -> None:
    url = _url(f"{site.lidar}_dtm", site.tile, "hillshade")
    first = site.client.get(url)
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public")
    again = site.client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["etag"] == etag
    other = site.client.get(_url(f"{site.lidar}_dtm", site.tile, "colour-relief"))
    assert other.headers["etag"] != etag
    meta = site.client.get(f"/collections/{site.lidar}_dtm/map/tiles").json()
    assert meta["tilesets"][0]["dataType"] == "map"


def test_gdal_opens_the_cog_by_url(site: Site, tmp_path: Path) -> None:
    """What QGIS does with a COG URL: GDAL's /vsicurl/, Range requests against a real server."""
    gdalinfo = shutil.which("gdalinfo")
    assert gdalinfo, "gdalinfo (gdal-bin) is needed"
    port = free_port()
    app = create_app(site.settings.model_copy(
        update={"public_url": f"http://127.0.0.1:{port}"}))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline
        assert thread.is_alive()
        time.sleep(0.05)
    try:
        url = f"http://127.0.0.1:{port}/downloads/rasters/{site.lidar}_dtm.tif"
        answer = subprocess.run(
            [gdalinfo, "-json", "-stats", f"/vsicurl/{url}"], capture_output=True, text=True,
            timeout=60, env={"GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
                             "CPL_VSIL_CURL_USE_HEAD": "NO", "PATH": "/usr/bin:/bin"})
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert answer.returncode == 0, answer.stderr
    assert '"LAYOUT":"COG"' in answer.stdout.replace(" ", "")
    assert "STATISTICS_MEAN" in answer.stdout


def test_one_raster_row_read_per_layer_version(site: Site, engine: Engine) -> None:
    """Map tiles read a layer's ``twin.raster`` row once per registry stamp: many tiles,
    one read each for the DTM and its DSM sibling; a rebuild (a new version) is read again."""
    app: Any = site.client.app
    app.state.raster_rows = RasterRows()  # other tests of the module filled it
    reads: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if re.search(r"FROM twin\.raster\b", statement):
            reads.append(statement)

    layer = f"{site.lidar}_dtm"
    tiles = [TileIndex(site.tile.z, site.tile.x + dx, site.tile.y + dy)
             for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
    checkouts: list[object] = []
    event.listen(app.state.engine, "before_cursor_execute", count)
    def checkout(*args: Any) -> None:
        checkouts.append(args)

    event.listen(app.state.engine.pool, "checkout", checkout)
    try:
        first = [site.client.get(_url(layer, tile, "hillshade")) for tile in tiles]
        assert [r.status_code for r in first] == [200] * len(tiles)
        assert len(reads) == 2  # the DTM's row and its DSM sibling's (height style)
        # within the catalogue's poll interval (2 s by default, 0 in these tests), a tile
        # whose layer and rows are kept takes no pooled connection
        catalog = app.state.ogc.catalog
        catalog.ttl, ttl = 60.0, catalog.ttl
        try:
            taken = len(checkouts)
            kept = [site.client.get(_url(layer, tile, "colour-relief")) for tile in tiles]
            assert [r.status_code for r in kept] == [200] * len(tiles)
            assert len(checkouts) == taken
        finally:
            catalog.ttl = ttl
        assert len(reads) == 2
        build_dem(engine, site.lidar, "dtm", 2.0, site.settings.data_dir.resolve() / "rasters")
        again = [site.client.get(_url(layer, tile, "hillshade")) for tile in tiles[:3]]
        assert [r.status_code for r in again] == [200] * 3
        assert len(reads) == 3  # the rebuilt DTM's row, read once; the DSM's is unchanged
    finally:
        event.remove(app.state.engine, "before_cursor_execute", count)
        event.remove(app.state.engine.pool, "checkout", checkout)
    assert again[0].headers["etag"] != first[0].headers["etag"]
