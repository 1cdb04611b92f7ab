"""Portal test pages in a real headless Chromium (Debian's): the app on a loopback port in a
thread of the test process, a browser whose every request is intercepted (nothing may leave
the product; vector tile requests are recorded), and axe-core's WCAG check of a page."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from ogc_support import free_port
from tileset_checks import require_tool

from twin.app import create_app
from twin.settings import Settings

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("TWIN_CHROMIUM", "/usr/bin/chromium"))
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]


def require_browser() -> None:
    """Chromium and axe-core, or skip (FAIL under CI: a client test never silently stops)."""
    require_tool(CHROMIUM.exists(), f"Chromium ({CHROMIUM})")
    require_tool(AXE.exists(), "axe-core (npm install)")


@contextmanager
def serving(settings_for: Callable[[str], Settings]) -> Iterator[str]:
    """The app on a free loopback port while the block runs; ``settings_for(base)`` gives
    its settings (the base URL is its public URL). Yields the base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(uvicorn.Config(create_app(settings_for(base)), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start in time"
        assert thread.is_alive(), "the server stopped"
        time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class Visit:
    """A browser page on the portal and what it did: requests refused because they left
    the product, vector tiles requested, script errors."""

    page: Any
    outside: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def visiting(base: str, profile: Path, locale: str, size: tuple[int, int]
             ) -> Iterator[Visit]:
    """A fresh Chromium profile speaking ``locale``, with one guarded page of ``size``
    (width, height) pixels."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=ARGS,
            viewport={"width": size[0], "height": size[1]}, locale=locale)
        try:
            visit = Visit(context.new_page())
            visit.page.on("pageerror", lambda e: visit.errors.append(str(e)))

            def guard(route: Any) -> None:
                url = route.request.url
                if url.startswith(base + "/"):
                    if "/tiles/WebMercatorQuad/" in url:
                        visit.tiles.append(url)
                    route.continue_()
                else:
                    visit.outside.append(url)
                    route.abort()

            visit.page.route("**/*", guard)
            yield visit
        finally:
            context.close()


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations of the page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => (await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
        .filter(v => ['serious', 'critical'].includes(v.impact))
        .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))""")
    return list(result)
