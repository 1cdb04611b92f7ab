"""``/portal/feed.atom`` and one feed per dataset: what changed, from the catalogue's builder.

The entries (new datasets, new versions with their change summary) are the catalogue feed's
(`twin.api.feed.feed_document`, one builder for both); only the feed's identity and the
entries' links move to the portal's pages, which is where a citizen wants to land.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from fastapi import Request
from fastapi.responses import Response

from gis.refresh import recent_versions
from twin.api.feed import ATOM, MEDIA_TYPE, feed_document
from twin.portal.index import Entry
from twin.settings import Settings

FEED_ENTRIES = 50


def _portal_links(document: bytes, settings: Settings, self_url: str, title: str) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.fromstring(document)
    base = settings.base_url
    feed.find(f"{{{ATOM}}}id").text = self_url  # type: ignore[union-attr]
    feed.find(f"{{{ATOM}}}title").text = title  # type: ignore[union-attr]
    for link in feed.findall(f"{{{ATOM}}}link"):
        if link.get("rel") == "self":
            link.set("href", self_url)
        elif link.get("rel") == "related":
            link.set("href", f"{base}/portal/")
    for item in feed.findall(f"{{{ATOM}}}entry"):
        alternate = item.find(f"{{{ATOM}}}link")
        if alternate is not None:
            layer_id = alternate.get("href", "").rsplit("/", 1)[-1]
            page = f"{base}/portal/datasets/{layer_id}"
            alternate.set("href", page)
            entry_id = item.find(f"{{{ATOM}}}id")
            if entry_id is not None and entry_id.text:
                entry_id.text = page + "#" + entry_id.text.rsplit("#", 1)[-1]
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


def feed_response(request: Request, entries: list[Entry], one: Entry | None) -> Response:
    """The Atom document of the given (visible) datasets' versions, newest first."""
    settings: Settings = request.app.state.settings
    layers = {e.id: e.layer for e in entries if e.layer.spec.access_level != "closed"}
    with request.app.state.engine.connect() as conn:
        versions = recent_versions(conn, list(layers), FEED_ENTRIES)
    base = settings.base_url
    if one is None:
        self_url, title = f"{base}/portal/feed.atom", f"{settings.publisher_name}: open data"
    else:
        self_url = f"{base}/portal/datasets/{one.id}/feed.atom"
        title = f"{settings.publisher_name}: {one.layer.spec.label()}"
    body = _portal_links(feed_document(settings, layers, versions), settings, self_url, title)
    return Response(body, media_type=MEDIA_TYPE,
                    headers={"Cache-Control": "no-cache", "Vary": "Authorization, X-API-Key"})
