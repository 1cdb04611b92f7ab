"""The viewer hides the city's LOD1 block of a building while its BIM model is shown (issue
17, item 4), in a real headless Chromium: the block's 3D Tiles feature is hidden by the
style while the BIM layer is on and shown again when it is switched off; restyling the
buildings then colours the others and keeps it hidden."""

from __future__ import annotations

import contextlib
import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import shapely
from sqlalchemy import Engine

from gis.bim.georef import user_placement
from gis.bim.synthetic import write_model
from tiles.bim.build import build_layer_bim
from tiles.buildings.build import build_tileset
from tiles.buildings.source import building_set

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bim_city_support import small_city
from bim_support import load_ifc
from cesium_support import CHROMIUM, CHROMIUM_ARGS, app_server, require_chromium
from ogc_support import app_settings

pytestmark = pytest.mark.clients

#: the state of the city feature ``id`` as drawn: the real feature's ``show`` after the style
#: applied, found among the loaded tiles
FEATURE_SHOWN = """([city, id]) => {
    const found = [];
    const walk = (tile) => {
        const content = tile.content;
        for (let i = 0; content && i < (content.featuresLength || 0); i++) {
            const feature = content.getFeature(i);
            if (feature.getProperty("id") === id) found.push(feature.show);
        }
        tile.children.forEach(walk);
    };
    walk(window.twin.tilesets[city].root);
    return found;
}"""


@dataclass(frozen=True)
class Site:
    base: str
    city: str
    bim: str
    replaced: str  # the city feature id the BIM replaces
    neighbour: str


@pytest.fixture(scope="module")
def site(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Site]:
    require_chromium()
    folder = tmp_path_factory.mktemp("bimview")
    suffix = uuid.uuid4().hex[:8]
    settings = app_settings(database_url).model_copy(update={"data_dir": folder / "var"})
    city = small_city(engine, f"bimview_pand_{suffix}", folder)
    with engine.connect() as conn:
        buildings = building_set(conn, city.layer)
    build_tileset(buildings, settings.tiles_dir / city.layer, executor=ThreadPoolExecutor(1))
    fid = max(city.footprints, key=lambda f: city.footprints[f].area)
    point = shapely.maximum_inscribed_circle(city.footprints[fid]).centroid
    bim = f"bimview_model_{suffix}"
    load_ifc(engine, bim, write_model(folder / "m.ifc", walls=2, spaces=0), folder,
             placement=user_placement(f"{point.x - 3.0},{point.y},0", "EPSG:28992+5709", 0.0))
    build_layer_bim(engine, bim, settings.tiles_dir, threads=1)
    neighbour = next(f for f in sorted(city.footprints) if f != fid)
    with app_server(settings) as base:
        yield Site(base, city.layer, bim, f"{city.layer}/{fid}", f"{city.layer}/{neighbour}")


def _frames(page: Any) -> None:
    page.evaluate("() => { window.twin.redraw(); return new Promise(r => "
                  "requestAnimationFrame(() => requestAnimationFrame(r))); }")
    page.wait_for_timeout(300)


def _drawn(page: Any, city: str, feature_id: str, shown: bool) -> list[bool]:
    """The feature's ``show`` states once every loaded copy of it is drawn as ``shown``.

    A style reaches the loaded features in the tileset's next update, and a frame of software
    GL on a busy machine can take seconds: wait for it (redrawing) rather than for a fixed
    time; on time-out the states seen are returned, and the caller's assertion fails."""
    waiting = f"""() => {{
        window.twin.redraw();
        const states = ({FEATURE_SHOWN})([{city!r}, {feature_id!r}]);
        return states.length > 0 && states.every((s) => s === {str(shown).lower()});
    }}"""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):  # the caller's assertion says what was seen
        page.wait_for_function(waiting, timeout=60_000, polling=250)
    states: list[bool] = page.evaluate(FEATURE_SHOWN, [city, feature_id])
    return states


#: whether each loaded copy of the city feature ``id`` is drawn shown and red
FEATURE_RED = FEATURE_SHOWN.replace(
    "found.push(feature.show)",
    "found.push(feature.show && feature.color.red === 1 && feature.color.green === 0)")


def _red(page: Any, city: str, feature_id: str) -> list[bool]:
    """Each loaded copy of the feature: shown in red, once the style reached it (waited
    for, redrawing, as `_drawn`)."""
    waiting = f"""() => {{
        window.twin.redraw();
        const states = ({FEATURE_RED})([{city!r}, {feature_id!r}]);
        return states.length > 0 && states.every(Boolean);
    }}"""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(waiting, timeout=60_000, polling=250)
    states: list[bool] = page.evaluate(FEATURE_RED, [city, feature_id])
    return states


def test_the_city_block_is_hidden_while_its_bim_is_shown(site: Site, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 900, "height": 600})
        try:
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{site.base}/viewer")
            page.wait_for_function(
                "window.twin && (window.twin.ready || window.twin.errors.length)",
                timeout=180_000)
            assert page.evaluate("window.twin.errors") == []
            page.wait_for_function(
                f"window.twin.tilesets[{site.city!r}].tilesLoaded", timeout=120_000)
            _frames(page)
            assert page.evaluate("(c) => window.twin.bim.hidden(c)", site.city) == [
                site.replaced]
            shown_with_bim = _drawn(page, site.city, site.replaced, shown=False)
            neighbour = page.evaluate(FEATURE_SHOWN, [site.city, site.neighbour])
            style_says = page.evaluate("([c, i]) => window.twin.bim.shows(c, i)",
                                       [site.city, site.replaced])
            page.click(f"#layer-{site.bim}")  # the BIM switched off in the layer panel
            _frames(page)
            assert page.evaluate("(c) => window.twin.bim.hidden(c)", site.city) == []
            shown_without_bim = _drawn(page, site.city, site.replaced, shown=True)
            page.click(f"#layer-{site.bim}")  # and on again
            _frames(page)
            shown_again = _drawn(page, site.city, site.replaced, shown=False)
            # the buildings restyled while the BIM is on: the colour is taken, the hidden
            # building stays hidden
            page.evaluate("(c) => window.twin.bim.setStyle(c, {color: \"color('red')\"})",
                          site.city)
            neighbour_red = _red(page, site.city, site.neighbour)
            restyled_hidden = _drawn(page, site.city, site.replaced, shown=False)
        finally:
            context.close()
    assert shown_with_bim
    assert not any(shown_with_bim)
    assert style_says is False
    assert neighbour
    assert all(neighbour)
    assert shown_without_bim
    assert all(shown_without_bim)
    assert shown_again
    assert not any(shown_again)
    assert neighbour_red
    assert all(neighbour_red)
    assert restyled_hidden
    assert not any(restyled_hidden)
    assert errors == []
