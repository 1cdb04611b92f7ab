"""CesiumJS (npm ``cesium``) in headless Debian Chromium streams the Delft point cloud.

The app serves the tileset on one loopback port; a tiny static server on another serves the
page and CesiumJS, so the tileset is loaded cross-origin (CORS exercised). The test fails on
any failed tile, console error or request leaving the machine, and checks that the cloud sits
where the geoid puts it and really draws pixels.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from cesium_support import CHROMIUM, CHROMIUM_ARGS, page_and_app, require_chromium
from fastapi import FastAPI
from lidar_support import DELFT, lidar_spec
from sqlalchemy import Engine

from gis.geodesy import transformer
from gis.lidar.crs import parse_given_crs
from gis.lidar.ingest import ingest_lidar
from tiles.pointcloud.layer import build_layer_tileset
from twin.app import create_app
from twin.settings import Settings

pytestmark = pytest.mark.clients

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<script>window.CESIUM_BASE_URL = '/cesium/';</script>
<script src="/cesium/Cesium.js"></script>
<link rel="stylesheet" href="/cesium/Widgets/widgets.css">
<style>html,body,#map{margin:0;width:100%;height:100%;overflow:hidden}</style></head>
<body><div id="map"></div><script>
window.result = {errors: [], failed: [], loaded: 0, ready: false};
(async () => {
  try {
    const viewer = new Cesium.Viewer('map', {baseLayer: false, baseLayerPicker: false,
      geocoder: false, timeline: false, animation: false, homeButton: false,
      sceneModePicker: false, navigationHelpButton: false, fullscreenButton: false,
      infoBox: false, selectionIndicator: false, requestRenderMode: false});
    const url = new URLSearchParams(location.search).get('tileset');
    const tileset = await Cesium.Cesium3DTileset.fromUrl(url, {maximumScreenSpaceError: 4});
    tileset.tileFailed.addEventListener(e => window.result.failed.push(e.url + ': ' + e.message));
    tileset.tileLoad.addEventListener(() => { window.result.loaded += 1; });
    viewer.scene.primitives.add(tileset);
    window.viewer = viewer; window.tileset = tileset;
    await viewer.zoomTo(tileset, new Cesium.HeadingPitchRange(0, -Math.PI / 2, 250));
    window.result.ready = true;
  } catch (e) { window.result.errors.push(String(e && e.stack || e)); }
})();
</script></body></html>"""


@pytest.fixture(scope="module")
def served(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[str, str, str]]:
    require_chromium()
    layer_id = f"pc_cesium_{uuid.uuid4().hex[:8]}"
    data_dir = tmp_path_factory.mktemp("var")
    ingest_lidar(engine, lidar_spec(layer_id), DELFT, crs=parse_given_crs("EPSG:28992+5709"))
    build_layer_tileset(engine, layer_id, data_dir.resolve() / "tiles", workers=2)
    def make_app(origin: str) -> FastAPI:
        return create_app(Settings(database_url=database_url, data_dir=data_dir,
                                   ogc_registry_ttl=0.0, public_url=origin))

    with page_and_app(PAGE, make_app) as (page, app):
        yield page, app, layer_id


def _pixels(data: bytes) -> np.ndarray:
    from rasterio.io import MemoryFile

    with MemoryFile(data) as memory, memory.open() as image:
        return np.moveaxis(image.read()[:3], 0, -1).astype(int)


def test_cesium_streams_the_point_cloud_without_failures(
    served: tuple[str, str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    page_base, app_base, layer_id = served
    console_errors: list[str] = []
    outside: list[str] = []
    statuses: list[tuple[int, str]] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 900, "height": 700})
        try:
            page = context.new_page()
            page.on("console", lambda m: console_errors.append(m.text)
                    if m.type == "error" else None)
            page.on("pageerror", lambda e: console_errors.append(str(e)))
            page.on("response", lambda r: statuses.append((r.status, r.url))
                    if "/3dtiles/" in r.url else None)

            def guard(route: Any) -> None:
                url = route.request.url
                if url.startswith((page_base, app_base)) or url.startswith("data:"):
                    route.continue_()
                else:
                    outside.append(url)
                    route.abort()

            page.route("**/*", guard)
            tileset_url = f"{app_base}/3dtiles/{layer_id}/tileset.json"
            page.goto(f"{page_base}/index.html?tileset={tileset_url}")
            page.wait_for_function("window.result.ready || window.result.errors.length",
                                   timeout=180_000)
            assert page.evaluate("window.result.errors") == []
            page.wait_for_function("window.tileset.tilesLoaded", timeout=180_000)
            with_cloud = _pixels(page.screenshot(path=str(tmp_path / "cloud.png")))
            centre = page.evaluate("""() => {
                const c = Cesium.Cartographic.fromCartesian(
                    window.tileset.root.boundingSphere.center);
                return [Cesium.Math.toDegrees(c.longitude), Cesium.Math.toDegrees(c.latitude),
                        c.height, window.tileset.root.boundingSphere.radius];
            }""")
            loaded = page.evaluate("window.result.loaded")
            failed = page.evaluate("window.result.failed")
            page.evaluate("window.tileset.show = false")
            page.wait_for_timeout(500)
            without = _pixels(page.screenshot(path=str(tmp_path / "empty.png")))
        finally:
            context.close()
    assert failed == []
    assert console_errors == []
    assert outside == []
    assert loaded >= 3
    assert statuses
    assert all(status == 200 for status, _ in statuses), statuses[:5]
    lon, lat, _ = transformer("EPSG:28992+5709", "EPSG:4979").transform(84940.0, 447527.0, 0.0)
    assert centre[0] == pytest.approx(lon, abs=0.003)
    assert centre[1] == pytest.approx(lat, abs=0.003)
    assert 35.0 < centre[2] < 60.0  # NAP ~0 m + 43 m geoid: not floating at ~0 m
    drawn = (np.abs(with_cloud - without).sum(axis=2) > 30).mean()
    assert drawn > 0.02
