"""The portal in a real headless Chromium (Debian's), as a Dutch-speaking citizen uses it.

Find the parcels by typing "perceel", narrow with a facet, open the dataset, see the
MapLibre map draw the layer's own vector tiles, page the table, ask a question (the
producer's mailbox, a real local SMTP server, receives it), visit the reuses. Every request
is intercepted: nothing may leave the product. axe-core (npm) checks home, search, dataset
and reuses for serious or critical WCAG violations.
"""

from __future__ import annotations

import email
import os
import sys
import threading
import time
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from aiosmtpd.controller import Controller

from twin.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from buildings_checks import require_tool
from ogc_support import OgcLayers, app_settings, free_port

pytestmark = pytest.mark.clients
REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("TWIN_CHROMIUM", "/usr/bin/chromium"))
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture(scope="module")
def site(database_url: str, ogc_layers: OgcLayers) -> Iterator[tuple[str, Mailbox]]:
    box = Mailbox()
    smtp_port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = app_settings(database_url, base).model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": smtp_port,
        "portal_background_layers": (ogc_layers.shared, ogc_layers.open)})
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start in time"
        assert thread.is_alive(), "the server stopped"
        time.sleep(0.05)
    yield base, box
    server.should_exit = True
    thread.join(timeout=10)
    controller.stop()


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations of the page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => (await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
        .filter(v => ['serious', 'critical'].includes(v.impact))
        .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))""")
    return list(result)


def test_a_dutch_citizen_finds_previews_and_asks_about_the_parcels(
        site: tuple[str, Mailbox], ogc_layers: OgcLayers, tmp_path: Path) -> None:
    require_tool(CHROMIUM.exists(), f"Chromium ({CHROMIUM})")
    require_tool(AXE.exists(), "axe-core (npm install)")
    from playwright.sync_api import sync_playwright

    base, mailbox = site
    outside: list[str] = []
    tiles: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True,
            args=ARGS, viewport={"width": 1100, "height": 800}, locale="nl-BE")
        try:
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))

            def guard(route: Any) -> None:
                url = route.request.url
                if url.startswith(base + "/"):
                    if "/tiles/WebMercatorQuad/" in url:
                        tiles.append(url)
                    route.continue_()
                else:
                    outside.append(url)
                    route.abort()

            page.route("**/*", guard)
            page.goto(f"{base}/")  # a browser asking for / lands on the portal, in Dutch
            assert page.url.startswith(f"{base}/portal/")
            assert page.get_attribute("html", "lang") == "nl"
            assert serious_violations(page) == [], "home"

            page.fill("#q", "perceel")
            page.press("#q", "Enter")
            page.wait_for_url("**/portal/search?**")
            dataset_link = f"a[href^='{base}/portal/datasets/{ogc_layers.open}?']"
            assert page.locator(dataset_link).count() >= 1
            assert page.locator(f"a[href*='{ogc_layers.closed}']").count() == 0
            assert serious_violations(page) == [], "search"

            page.check("input[name='kind'][value='vector']")
            page.click("aside.facets button[type='submit']")
            page.wait_for_url("**kind=vector**")
            assert page.locator(dataset_link).count() >= 1

            page.locator(dataset_link).first.click()
            page.wait_for_selector("#map[data-loaded='true'] canvas", timeout=60_000)
            page.wait_for_function("() => document.querySelector('#map').dataset.error === "
                                   "undefined")
            page.wait_for_selector("#table table tbody tr")
            assert page.locator("#table tbody tr").count() == 10
            page.click("#table .pager button:nth-child(2)")
            page.wait_for_selector("#table[data-offset='10']")
            assert serious_violations(page) == [], "dataset"

            page.fill("#fb-message", "Is perceel 24001A0001/00B00 nog actueel?")
            page.fill("#fb-email", "burger@example.org")
            page.check("#fb-consent")
            page.click("#feedback-form button[type='submit']")
            page.wait_for_selector(".notice[role='status']")
            assert "Bedankt" in page.inner_text(".notice")

            page.goto(f"{base}/portal/reuses?lang=nl")
            assert serious_violations(page) == [], "reuses"
        finally:
            context.close()
    assert outside == [], outside
    assert errors == [], errors
    assert tiles
    assert all(t.startswith(base) for t in tiles)
    own = [t for t in tiles if f"/collections/{ogc_layers.open}/tiles/" in t]
    background = [t for t in tiles if f"/collections/{ogc_layers.shared}/" in t]
    assert own, "the layer's own tiles were not requested"
    assert not background, "a shared layer drawn for an anonymous visitor"
    deadline = time.monotonic() + 10
    while not mailbox.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    assert mailbox.messages
    assert "perceel" in mailbox.messages[-1].get_payload()
    assert mailbox.messages[-1]["Reply-To"] == "burger@example.org"
