"""The CesiumJS viewer in a real headless Chromium (Debian package, WebGL via SwiftShader).

The Delft block goes through the whole chain -- footprints and AHN3 into PostGIS, heights,
building tiles -- and the app serves it on a loopback port. The test checks that /viewer loads
every tileset without console errors or outside requests, that the buildings really render
(pixels against the same view without them), and that clicking a building shows its stored
attributes from the glb metadata.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
import uvicorn
from sqlalchemy import Engine

from gis import registry
from gis.anonymise import refresh_published_view
from gis.city import sql
from gis.geodesy import transformer
from tiles.buildings.build import build_tileset
from tiles.buildings.source import building_set
from tiles.pointcloud.layer import build_layer_tileset
from twin.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from buildings_checks import require_tool
from buildings_support import DELFT_ROADS, delft_buildings, ingest_vector, spec
from ogc_support import app_settings, free_port

pytestmark = pytest.mark.clients
CHROMIUM = Path(os.environ.get("TWIN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--enable-unsafe-swiftshader",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1000, "height": 700}


@dataclass(frozen=True)
class Target:
    """A building to click: its fid and the WGS 84 position of a point on its roof."""

    fid: int
    lon: float
    lat: float
    height: float


@contextmanager
def _server(settings: Any) -> Iterator[str]:
    port = free_port()
    app = create_app(settings.model_copy(update={"public_url": f"http://127.0.0.1:{port}"}))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        assert thread.is_alive(), "server died"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _largest_building(engine: Engine, layer: str) -> Target:
    with engine.connect() as conn:
        heights = {h["fid"]: h for h in sql.heights_of(conn, layer) if h["height"] is not None}
        footprints = [(r.fid, shapely.from_wkb(bytes(r.wkb)))
                      for r in sql.footprints(conn, layer) if r.fid in heights]
    fid, footprint = max(footprints, key=lambda item: item[1].area)
    point = shapely.maximum_inscribed_circle(footprint).centroid
    lon, lat, h = transformer("EPSG:28992+5709", "EPSG:4979").transform(
        point.x, point.y, heights[fid]["roof_height"])
    return Target(fid, float(lon), float(lat), float(h))


@pytest.fixture(scope="module")
def delft_site(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[tuple[str, Target, str]]:
    require_tool(CHROMIUM.is_file(), f"chromium ({CHROMIUM})")
    prefix = f"view{int(time.time() * 1000) % 10**8}"
    data_dir = tmp_path_factory.mktemp("site")
    delft_buildings(engine, prefix)
    ingest_vector(engine, spec(f"{prefix}_roads"), DELFT_ROADS, default_storage_crs="EPSG:28992")
    with engine.begin() as conn:
        refresh_published_view(conn, registry.get_layer(conn, f"{prefix}_roads"))
        buildings = building_set(conn, f"{prefix}_pand")
    build_tileset(buildings, data_dir / "tiles" / f"{prefix}_pand", executor=ThreadPoolExecutor(2),
                  max_features=60)
    build_layer_tileset(engine, f"{prefix}_ahn3", data_dir / "tiles",
                        executor=ThreadPoolExecutor(2))
    target = _largest_building(engine, f"{prefix}_pand")
    settings = app_settings(database_url).model_copy(update={"data_dir": data_dir})
    with _server(settings) as base:
        yield base, target, f"{prefix}_pand"


def _foreground(image: np.ndarray, empty: np.ndarray, panel: tuple[int, int]) -> float:
    """Share of the scene's pixels (the layer panel left out) that differ clearly."""
    changed = np.abs(image.astype(int) - empty.astype(int)).sum(axis=2) > 40
    visible = np.ones(changed.shape, dtype=bool)
    visible[: panel[1], : panel[0]] = False
    return float(changed[visible].mean())


def _png(data: bytes) -> np.ndarray:
    """RGB pixels of a screenshot (GDAL's PNG driver through rasterio; no Pillow needed)."""
    from rasterio.io import MemoryFile

    with MemoryFile(data) as memory, memory.open() as image:
        return np.moveaxis(image.read()[:3], 0, -1)


def test_viewer_shows_delft_and_the_attributes_of_a_clicked_building(
    delft_site: tuple[str, Target, str], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    base, target, layer = delft_site
    console_errors: list[str] = []
    outside: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport=VIEWPORT)
        try:
            page = context.new_page()
            page.on("console", lambda m: console_errors.append(m.text) if m.type == "error"
                    else None)
            page.on("pageerror", lambda e: console_errors.append(str(e)))

            def guard(route: Any) -> None:
                if route.request.url.startswith(base):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            page.goto(f"{base}/viewer")
            page.wait_for_function(
                "window.twin && (window.twin.ready || window.twin.errors.length)",
                timeout=180_000)
            assert page.evaluate("window.twin.errors") == []
            ids = page.evaluate("Object.keys(window.twin.tilesets)")
            assert set(ids) == {layer, layer.replace("_pand", "_ahn3")}
            assert page.evaluate("Object.keys(window.twin.sources).length") >= 1
            _look_down_at(page, target)
            cloud = layer.replace("_pand", "_ahn3")
            # one layer at a time against the empty scene (same camera, same 2D layers)
            views = {}
            for name, shown in (("buildings", [layer]), ("pointcloud", [cloud]), ("empty", [])):
                _show(page, shown)
                views[name] = _png(page.screenshot(path=tmp_path / f"{name}.png"))
            panel = page.evaluate("""() => { const r = document.getElementById('panel')
                .getBoundingClientRect(); return [Math.ceil(r.right), Math.ceil(r.bottom)]; }""")
            assert _foreground(views["buildings"], views["empty"], panel) > 0.04
            assert _foreground(views["pointcloud"], views["empty"], panel) > 0.05
            # the point cloud lies on the roofs: it stays hidden (as a user would) for the click
            _show(page, [layer])
            x, y = page.evaluate(
                """([lon, lat, h]) => {
                    const scene = window.twin.viewer.scene;
                    const p = Cesium.SceneTransforms.worldToWindowCoordinates(
                        scene, Cesium.Cartesian3.fromDegrees(lon, lat, h));
                    return [p.x, p.y];
                }""", [target.lon, target.lat, target.height])
            page.mouse.click(x, y)
            page.wait_for_timeout(300)
            page.screenshot(path=tmp_path / "picked.png")
            page.wait_for_function("window.twin.lastPick !== null", timeout=30_000)
            picked = page.evaluate("window.twin.lastPick")
            panel = page.inner_text("#attribute-table")
        finally:
            context.close()
    assert int(picked["fid"]) == target.fid
    assert picked["id"] == f"{layer}/{target.fid}"
    assert picked["source"] == "lidar"
    assert f"{layer}/{target.fid}" in panel
    assert "height" in panel
    assert console_errors == []
    assert outside == []


def _show(page: Any, tilesets: list[str]) -> None:
    page.evaluate("""(shown) => { for (const [id, t] of Object.entries(window.twin.tilesets))
                                     t.show = shown.includes(id); }""", tilesets)
    _settle(page)


def _settle(page: Any) -> None:
    page.wait_for_function(
        "Object.values(window.twin.tilesets).every(t => !t.show || t.tilesLoaded)",
        timeout=120_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.wait_for_timeout(500)


def _look_down_at(page: Any, target: Target) -> None:
    page.evaluate(
        """([lon, lat, h]) => window.twin.viewer.camera.setView({
            destination: Cesium.Cartesian3.fromDegrees(lon, lat, h + 180),
            orientation: {heading: 0, pitch: -Cesium.Math.PI_OVER_TWO, roll: 0}})""",
        [target.lon, target.lat, target.height])
    _settle(page)
