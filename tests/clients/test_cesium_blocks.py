"""CesiumJS streams a region built as blocks through their root (``twin build blocks``).

Two point-cloud blocks built apart (each its own local frame) and the root over them, served
as plain static files (what a static host or CDN does with a published region); CesiumJS in
headless Chromium opens the root and must load tiles of both blocks, with no failed tile,
console error or request leaving the machine. The CesiumGS 3d-tiles-validator checks the
root, the blocks it references and their content first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cesium_support import CHROMIUM, CHROMIUM_ARGS, page_and_app, require_chromium
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from lidar_support import sources, write_tile
from test_cesium_pointcloud import PAGE
from tileset_checks import tiles_validator_problems
from typer.testing import CliRunner

from tiles.pointcloud.build import build_pointcloud
from twin.cli import build_app

pytestmark = pytest.mark.clients


def static_host(folder: Path) -> FastAPI:
    """The folder as static files, readable cross-origin: a CDN in front of a bucket."""
    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET"])
    app.mount("/", StaticFiles(directory=folder))
    return app


def test_cesium_loads_both_blocks_through_the_root(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    tiles = tmp_path / "var" / "tiles"
    for column, name in enumerate(("block_a", "block_b")):
        laz = write_tile(tmp_path / f"{name}.laz", column, 0, points=20_000)
        build_pointcloud(sources([laz]), tiles / name, workers=1)
    monkeypatch.setenv("TWIN_DATA_DIR", str(tmp_path / "var"))
    rooted = CliRunner().invoke(build_app(), ["build", "blocks", "region", "block_a",
                                              "block_b"])
    assert rooted.exit_code == 0, rooted.output
    # the official validator follows the root into both blocks and all their content
    assert tiles_validator_problems(tiles / "region.tileset.json") == []

    errors: list[str] = []
    outside: list[str] = []
    contents: set[str] = set()
    with page_and_app(PAGE, lambda _origin: static_host(tiles)) as (page_base, host), \
            sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 900, "height": 700})
        try:
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("response", lambda r: contents.add(r.url.removeprefix(host + "/").split("?")[0])
                    if r.url.startswith(host) and r.status == 200 else None)

            def guard(route: Any) -> None:
                url = route.request.url
                if url.startswith((page_base, host, "data:")):
                    route.continue_()
                else:
                    outside.append(url)
                    route.abort()

            page.route("**/*", guard)
            page.goto(f"{page_base}/index.html?tileset={host}/region.tileset.json")
            page.wait_for_function("window.result.ready || window.result.errors.length",
                                   timeout=180_000)
            assert page.evaluate("window.result.errors") == []
            page.wait_for_function("window.tileset.tilesLoaded", timeout=180_000)
            failed = page.evaluate("window.result.failed")
        finally:
            context.close()
    assert failed == []
    assert errors == []
    assert outside == []
    for name in ("block_a", "block_b"):
        assert f"{name}/tileset.json" in contents
        assert any(url.startswith(f"{name}/") and url.endswith(".glb") for url in contents), \
            sorted(contents)
