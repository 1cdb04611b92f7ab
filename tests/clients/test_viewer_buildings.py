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
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from sqlalchemy import Engine

from gis import registry
from gis.anonymise import refresh_published_view
from gis.city import sql
from gis.geodesy import transformer
from gis.raster.build import build_dem
from tiles.buildings.build import build_tileset
from tiles.buildings.source import building_set
from tiles.pointcloud.layer import build_layer_tileset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from buildings_support import DELFT_ROADS, delft_buildings, ingest_vector, spec
from cesium_support import app_server
from ogc_support import app_settings
from tileset_checks import require_tool

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


def _build_terrain(engine: Engine, dtm: str, root: Path) -> None:
    """The quantized-mesh terrain of the DTM, when the product has the terrain builder."""
    try:
        from tiles.terrain.build import build_terrain
        from tiles.terrain.inputs import dem_inputs
    except ImportError:
        return
    build_terrain(dem_inputs(engine, [dtm]), root / dtm)


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
    for product in ("dtm", "dsm"):  # the map tiles draped on the ground
        build_dem(engine, f"{prefix}_ahn3", product, 1.0, data_dir.resolve() / "rasters")
    _build_terrain(engine, f"{prefix}_ahn3_dtm", data_dir.resolve() / "terrain")
    target = _largest_building(engine, f"{prefix}_pand")
    settings = app_settings(database_url).model_copy(update={"data_dir": data_dir})
    with app_server(settings) as base:
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
            page.set_default_timeout(120_000)
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
                                     t.show = shown.includes(id);
                                 window.twin.redraw(); }""", tilesets)
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


def _scene_pixels(image: np.ndarray, panel: tuple[int, int]) -> np.ndarray:
    """The pixels of the scene outside the layer panel, as (n, 3) integers."""
    visible = np.ones(image.shape[:2], dtype=bool)
    visible[: panel[1], : panel[0]] = False
    return image[visible].astype(int)


def _changed(a: np.ndarray, b: np.ndarray, panel: tuple[int, int]) -> float:
    return float((np.abs(_scene_pixels(a, panel) - _scene_pixels(b, panel)).sum(axis=1)
                  > 40).mean())


def _wait_full_view(page: Any) -> bool:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    """Wait for every shown tileset and (for at most a minute more, as a loaded machine's
    software renderer may take longer) the ground's tiles; whether the ground finished."""
    page.wait_for_function(
        "Object.values(window.twin.tilesets).every(t => !t.show || t.tilesLoaded)",
        timeout=180_000)
    try:
        page.wait_for_function("window.twin.viewer.scene.globe.tilesLoaded", timeout=60_000)
    except PlaywrightTimeout:
        return False
    return True


def _open_viewer(context: Any, url: str, base: str, outside: list[str],
                 errors: list[str]) -> Any:
    page = context.new_page()
    page.set_default_timeout(120_000)  # a software renderer on a busy machine is slow
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def guard(route: Any) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(url)
    page.wait_for_function("window.twin && (window.twin.ready || window.twin.errors.length)",
                           timeout=180_000)
    return page


def test_town_on_its_ground_with_styled_points_and_a_shareable_view(
    delft_site: tuple[str, Target, str], tmp_path: Path
) -> None:
    """The whole town from the product only: terrain (when built), the hillshade draped on
    the ground, coloured points whose style and classes switch, and a URL that restores the
    view. Prints the time to the first full view and the frame rate (the issue's figures)."""
    from playwright.sync_api import sync_playwright

    base, target, layer = delft_site
    cloud = layer.replace("_pand", "_ahn3")
    errors: list[str] = []
    outside: list[str] = []
    requested: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport=VIEWPORT)
        try:
            context.on("request", lambda r: requested.append(r.url))
            page = _open_viewer(context, f"{base}/viewer", base, outside, errors)
            assert page.evaluate("window.twin.errors") == []
            ground_done = _wait_full_view(page)
            first_view = page.evaluate("performance.now()")
            fps = page.evaluate("window.twin.measureFrameRate(5)")
            print(f"\nfirst full view {first_view / 1000:.1f} s (ground tiles "
                  f"{'loaded' if ground_done else 'still loading'}), {fps:.1f} frames/s "
                  "(headless Chromium, SwiftShader)")
            terrains = page.evaluate("window.twin.terrain")
            panel = page.evaluate("""() => { const r = document.getElementById('panel')
                .getBoundingClientRect(); return [Math.ceil(r.right), Math.ceil(r.bottom)]; }""")
            # the bare ground: only the draped maps (and the terrain) remain
            page.evaluate("""() => { for (const t of Object.values(window.twin.tilesets))
                                        t.show = false;
                                    for (const s of Object.values(window.twin.sources))
                                        s.show = false;
                                    window.twin.redraw(); }""")
            _look_down_at(page, target)
            ground = _png(page.screenshot(path=tmp_path / "ground.png"))
            assert _scene_pixels(ground, panel).std(axis=0).mean() > 8  # shaded, not blank
            # points: classification, then height, then ground only
            _show(page, [cloud])
            views = {"classes": _png(page.screenshot(path=tmp_path / "classes.png"))}
            page.select_option(f"#point-style-{cloud}", "height")
            _settle(page)
            views["height"] = _png(page.screenshot(path=tmp_path / "height.png"))
            # returns (AHN3 records them): place in the pulse, then first returns only
            page.select_option(f"#point-style-{cloud}", "returns")
            _settle(page)
            views["returns"] = _png(page.screenshot(path=tmp_path / "returns.png"))
            page.select_option(f"#point-returns-{cloud}", "first")
            _settle(page)
            views["first"] = _png(page.screenshot(path=tmp_path / "first-returns.png"))
            page.select_option(f"#point-returns-{cloud}", "all")
            page.select_option(f"#point-style-{cloud}", "classification")
            for code in page.evaluate(f"window.twin.pointStyles['{cloud}'].layer.classes"):
                if code != 2:
                    page.uncheck(f"#class-{cloud}-{code}")
            _settle(page)
            views["ground"] = _png(page.screenshot(path=tmp_path / "ground-class.png"))
            assert _changed(views["classes"], views["height"], panel) > 0.05
            assert _changed(views["classes"], views["ground"], panel) > 0.02
            returns_changed = _changed(views["classes"], views["returns"], panel)
            first_changed = _changed(views["returns"], views["first"], panel)
            print(f"returns style changed {returns_changed:.3f} of the pixels, first returns "
                  f"only {first_changed:.3f}")
            assert returns_changed > 0.05
            assert first_changed > 0.01  # later returns of multi-return pulses gone
            page.uncheck(f"#layer-{layer}")  # the panel's switch: the URL follows it
            page.wait_for_timeout(300)
            shared = page.evaluate("window.location.href")
            camera = page.evaluate("""() => { const c = window.twin.viewer.camera
                .positionCartographic; return [c.longitude, c.latitude, c.height]; }""")
            page.close()
            # the shared URL restores camera, layers and point style
            again = _open_viewer(context, shared, base, outside, errors)
            restored = again.evaluate("""() => { const c = window.twin.viewer.camera
                .positionCartographic; return [c.longitude, c.latitude, c.height]; }""")
            hidden = again.evaluate(f"[...window.twin.pointStyles['{cloud}'].hidden]")
            shown = again.evaluate("""() => Object.fromEntries(Object.entries(
                window.twin.tilesets).map(([id, t]) => [id, t.show]))""")
            mode = again.evaluate(f"window.twin.pointStyles['{cloud}'].mode")
        finally:
            context.close()
    assert f"pts.{cloud}=classification" in shared
    assert f"hide.{cloud}=" in shared
    assert abs(restored[0] - camera[0]) < 1e-7
    assert abs(restored[1] - camera[1]) < 1e-7
    assert abs(restored[2] - camera[2]) < 0.5
    assert shown == {cloud: True, layer: False}
    assert mode == "classification"
    assert 2 not in hidden
    assert 6 in hidden
    map_tiles = [u for u in requested if "/map/tiles/WebMercatorQuad/" in u]
    assert any("style=hillshade" in u for u in map_tiles)
    assert any(f"/3dtiles/{cloud}/" in u for u in requested)
    assert any(f"/3dtiles/{layer}/" in u for u in requested)
    if terrains:
        assert any("/terrain/" in u and u.endswith(".terrain") for u in requested)
    assert errors == []
    assert outside == []
