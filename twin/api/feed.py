"""``/catalog/feed.atom``: an Atom feed of the newest versions of the layers a caller may see.

Re-users of the open data want to know when a layer changed and how much, without polling
the catalogue and diffing downloads: each entry is one published version of a layer, dated
when it became current, its summary the change set a refresh stored (features added,
removed, changed) or, for a version loaded by hand, its size. Closed layers never appear
(the feed is meant to be shared and polled by readers, not staff tools); shared ones only
for a key of one of their groups, decided by `gis.access.decide` like every read.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gis.model import Layer
from gis.refresh import VersionEntry, recent_versions
from twin.access import Caller, can_see, get_caller
from twin.catalog import service
from twin.settings import Settings

router = APIRouter(tags=["catalogue"])
CallerDep = Annotated[Caller, Depends(get_caller)]
LimitQuery = Annotated[int, Query(ge=1, le=500, description="entries, newest first")]
ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"


def _summary(entry: VersionEntry) -> str:
    change = entry.change
    size = f"{entry.feature_count} features" if entry.feature_count is not None else ""
    if change is None:
        return f"version {entry.version}: {size}".rstrip(": ")
    against = f"against version {change.previous_version}" if change.previous_version \
        else "first version"
    return (f"version {entry.version} ({against}): {change.added} added, {change.removed} "
            f"removed, {change.changed} changed; {size}")


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def feed_document(settings: Settings, layers: dict[str, Layer],
                  entries: list[VersionEntry]) -> bytes:
    """The Atom 1.0 document (RFC 4287): one entry per version, newest first."""
    ET.register_namespace("", ATOM)
    base = settings.base_url
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"{base}/catalog/feed.atom"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"{settings.publisher_name}: layer versions"
    newest = entries[0].published if entries else datetime.now(UTC)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _when(newest)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{base}/catalog/feed.atom")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="related", href=f"{base}/catalog")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = settings.publisher_name
    ET.SubElement(author, f"{{{ATOM}}}email").text = settings.publisher_email
    for entry in entries:
        layer = layers[entry.layer_id]
        page = f"{base}/catalog/datasets/{entry.layer_id}"
        item = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(item, f"{{{ATOM}}}id").text = f"{page}#v{entry.version}"
        ET.SubElement(item, f"{{{ATOM}}}title").text = \
            f"{layer.spec.label()}: version {entry.version}"
        ET.SubElement(item, f"{{{ATOM}}}updated").text = _when(entry.published)
        ET.SubElement(item, f"{{{ATOM}}}link", rel="alternate", href=page)
        ET.SubElement(item, f"{{{ATOM}}}summary").text = _summary(entry)
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


def _feed(request: Request, caller: Caller, limit: int) -> Response:
    settings: Settings = request.app.state.settings
    engine = request.app.state.engine
    layers = {layer.id: layer for layer in service.visible_layers(engine, caller)
              if layer.spec.access_level != "closed" and can_see(caller, layer)}
    with engine.connect() as conn:
        entries = recent_versions(conn, list(layers), limit)
    return Response(feed_document(settings, layers, entries), media_type=MEDIA_TYPE,
                    headers={"Cache-Control": "no-cache", "Vary": "Authorization, X-API-Key"})


@router.get("/catalog/feed.atom", include_in_schema=False)
async def feed(request: Request, caller: CallerDep, limit: LimitQuery = 50) -> Response:
    return await run_in_threadpool(_feed, request, caller, limit)
