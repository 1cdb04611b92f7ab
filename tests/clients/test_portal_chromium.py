"""The portal in a real headless Chromium (Debian's), as a Dutch-speaking citizen uses it.

Find the parcels by typing "perceel", narrow with a facet, open the dataset, see the
MapLibre map draw the layer's own vector tiles, page the table, ask a question (the
producer's mailbox, a real local SMTP server, receives it), visit the reuses. Every request
is intercepted: nothing may leave the product. axe-core (npm) checks home, search, dataset
and reuses for serious or critical WCAG violations.
"""

from __future__ import annotations

import email
import time
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from ogc_support import OgcLayers, app_settings, free_port
from portal_support import require_browser, serious_violations, serving, visiting

pytestmark = pytest.mark.clients


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
    try:
        with serving(lambda base: app_settings(database_url, base).model_copy(update={
                "smtp_host": "127.0.0.1", "smtp_port": smtp_port,
                "portal_background_layers": (ogc_layers.shared, ogc_layers.open)})) as base:
            yield base, box
    finally:
        controller.stop()


def test_a_dutch_citizen_finds_previews_and_asks_about_the_parcels(
        site: tuple[str, Mailbox], ogc_layers: OgcLayers, tmp_path: Path) -> None:
    require_browser()
    base, mailbox = site
    with visiting(base, tmp_path / "profile", "nl-BE", (1100, 800)
                  ) as visit:
        page = visit.page
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
    outside, errors, tiles = visit.outside, visit.errors, visit.tiles
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
