"""CesiumJS (npm ``cesium``) in headless Chromium loads the Delft terrain from the product.

``CesiumTerrainProvider.fromUrl`` reads ``/terrain/<id>/`` cross-origin (CORS exercised) from
the app on one loopback port, the page and CesiumJS come from a static server on another. The
test fails on a console error, a failed terrain response or any request leaving the machine,
and checks ``sampleTerrainMostDetailed`` at smooth DTM points against the DTM + NLGEO2018, and
that the globe CesiumJS renders (picked under the camera) stands on those heights too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasterio
from cesium_support import CHROMIUM, CHROMIUM_ARGS, page_and_app, require_chromium
from fastapi import FastAPI
from lidar_support import DELFT, lidar_spec
from scipy import ndimage
from sqlalchemy import Engine

from gis.geodesy import transformer
from gis.lidar.crs import parse_given_crs
from gis.lidar.ingest import ingest_lidar
from gis.raster.build import build_dem
from tiles.terrain.build import build_terrain
from tiles.terrain.inputs import dem_inputs
from twin.app import create_app
from twin.settings import Settings

pytestmark = pytest.mark.clients
NAP = "EPSG:28992+5709"

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<script>window.CESIUM_BASE_URL = '/cesium/';</script>
<script src="/cesium/Cesium.js"></script>
<style>html,body,#map{margin:0;width:100%;height:100%;overflow:hidden}</style></head>
<body><div id="map"></div><script>
window.result = {errors: [], heights: null, picked: null, rendered: false};
(async () => {
  try {
    const query = new URLSearchParams(location.search);
    const terrain = await Cesium.CesiumTerrainProvider.fromUrl(query.get('terrain'),
                                                               {requestVertexNormals: true});
    const viewer = new Cesium.Viewer('map', {baseLayer: false, baseLayerPicker: false,
      geocoder: false, timeline: false, animation: false, homeButton: false,
      sceneModePicker: false, navigationHelpButton: false, fullscreenButton: false,
      infoBox: false, selectionIndicator: false, terrainProvider: terrain});
    terrain.errorEvent.addEventListener(e => window.result.errors.push(String(e.message)));
    const points = JSON.parse(query.get('points'));
    viewer.camera.setView({destination: Cesium.Cartesian3.fromDegrees(
      points[0][0], points[0][1], 200)});
    const positions = points.map(p => Cesium.Cartographic.fromDegrees(p[0], p[1]));
    const sampled = await Cesium.sampleTerrainMostDetailed(terrain, positions);
    window.result.heights = sampled.map(c => c.height);
    window.viewer = viewer;
    // the rendered globe, not only the sampler: the roots must not be horizon-culled
    const start = performance.now();
    while (!viewer.scene.globe.tilesLoaded && performance.now() - start < 60000) {
      await new Promise(r => setTimeout(r, 100));
    }
    const canvas = viewer.scene.canvas;
    const ray = viewer.camera.getPickRay(
      new Cesium.Cartesian2(canvas.clientWidth / 2, canvas.clientHeight / 2));
    const picked = viewer.scene.globe.pick(ray, viewer.scene);
    window.result.picked = picked ? Cesium.Cartographic.fromCartesian(picked).height : null;
    window.result.rendered = true;
  } catch (e) { window.result.errors.push(String(e && e.stack || e)); }
})();
</script></body></html>"""


@dataclass
class Served:
    page: str
    app: str
    terrain: str
    dtm: Path


@pytest.fixture(scope="module")
def served(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Served]:
    require_chromium()
    lidar_id = f"tr_cesium_{uuid.uuid4().hex[:8]}"
    data_dir = tmp_path_factory.mktemp("var")
    ingest_lidar(engine, lidar_spec(lidar_id), DELFT[1:], crs=parse_given_crs(NAP))
    dtm = build_dem(engine, lidar_id, "dtm", 0.5, data_dir.resolve() / "rasters")
    build_terrain(dem_inputs(engine, [dtm.layer_id]),
                  data_dir.resolve() / "terrain" / dtm.layer_id)
    def make_app(origin: str) -> FastAPI:
        return create_app(Settings(database_url=database_url, data_dir=data_dir,
                                   ogc_registry_ttl=0.0, public_url=origin))

    with page_and_app(PAGE, make_app) as (page, app):
        yield Served(page, app, dtm.layer_id, dtm.path)


def smooth_points(dtm: Path, count: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lon, lat and ellipsoidal height (DTM + geoid) of cells where the ground is flat."""
    with rasterio.open(dtm) as dataset:
        values = dataset.read(1, masked=True).astype(float).filled(np.nan)
        transform = dataset.transform
    spread = ndimage.maximum_filter(values, 7) - ndimage.minimum_filter(values, 7)
    rows, cols = np.nonzero(np.isfinite(spread) & (spread < 0.1))
    pick = np.random.default_rng(16).choice(len(rows), count, replace=False)
    rows, cols = rows[pick], cols[pick]
    x = transform.c + (cols + 0.5) * transform.a
    y = transform.f + (rows + 0.5) * transform.e
    lon, lat, h = transformer(NAP, "EPSG:4979").transform(x, y, values[rows, cols])
    return np.asarray(lon), np.asarray(lat), np.asarray(h)


def test_cesium_samples_the_terrain_at_the_dtm_heights(served: Served, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    lon, lat, expected = smooth_points(served.dtm)
    points = "[" + ",".join(f"[{a:.9f},{b:.9f}]" for a, b in zip(lon, lat, strict=True)) + "]"
    console_errors: list[str] = []
    outside: list[str] = []
    terrain_statuses: list[tuple[int, str]] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 640, "height": 480})
        try:
            page = context.new_page()
            page.on("console", lambda m: console_errors.append(m.text)
                    if m.type == "error" else None)
            page.on("pageerror", lambda e: console_errors.append(str(e)))
            page.on("response", lambda r: terrain_statuses.append((r.status, r.url))
                    if "/terrain/" in r.url else None)

            def guard(route: Any) -> None:
                url = route.request.url
                if url.startswith((served.page, served.app, "data:", "blob:")):
                    route.continue_()
                else:
                    outside.append(url)
                    route.abort()

            page.route("**/*", guard)
            from urllib.parse import urlencode

            query = urlencode({"terrain": f"{served.app}/terrain/{served.terrain}/",
                               "points": points})
            page.goto(f"{served.page}/index.html?{query}")
            page.wait_for_function("window.result.rendered || window.result.errors.length",
                                   timeout=150_000)
            errors = page.evaluate("window.result.errors")
            heights = page.evaluate("window.result.heights")
            picked = page.evaluate("window.result.picked")
        finally:
            context.close()
    assert errors == []
    assert console_errors == []
    assert outside == []
    assert terrain_statuses
    assert all(status in (200, 304) for status, _ in terrain_statuses), terrain_statuses
    assert any(url.endswith(".terrain") for _, url in terrain_statuses)
    assert np.max(np.abs(np.array(heights) - expected)) <= 0.25, (heights, expected.tolist())
    assert picked is not None  # the ground under the camera is drawn from our tiles
    assert abs(picked - expected[0]) <= 0.25, (picked, expected[0])
