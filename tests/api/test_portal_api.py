"""The public portal over HTTP: pages in three languages, search and facets, dataset pages,
feedback and reuses with the producer's answer and the e-mail to the contact point, feeds.

The layers are the OGC tests' real Leuven parcels (open, closed and shared copies) plus a
few declarations registered here; mail goes to a real local SMTP server (aiosmtpd).
"""

from __future__ import annotations

import email
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from ogc_support import OgcLayers, app_settings, free_port
from sqlalchemy import Engine

from gis import registry
from gis.access import create_key
from gis.model import LayerSpec
from gis.portal.feedback import forget_emails, list_items
from twin.app import create_app

pytestmark = pytest.mark.api
ATOM = "{http://www.w3.org/2005/Atom}"


class Mailbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@dataclass(frozen=True)
class Portal:
    client: TestClient
    layers: OgcLayers
    buildings: str
    closed_title: str
    mailbox: Mailbox
    producer_key: str


def declare(engine: Engine, layer_id: str, **extra: Any) -> None:
    spec = LayerSpec.model_validate({
        "id": layer_id, "producer": "Service urbanisme",
        "contact_point": {"name": "Urbanisme", "email": "urbanisme@commune.example.be"},
        "licence": "CC_BY_4_0", "update_frequency": "MONTHLY", **extra})
    with engine.begin() as conn:
        registry.register(conn, spec, "EPSG:31370")


@pytest.fixture(scope="module")
def portal(engine: Engine, database_url: str, ogc_layers: OgcLayers) -> Iterator[Portal]:
    suffix = uuid.uuid4().hex[:8]
    buildings = f"portal_bati_{suffix}"
    declare(engine, buildings, title={"fr": "Bâtiments de la commune", "nl": "Gebouwen"},
            description={"fr": "Emprises des bâtiments"}, theme=["REGI"])
    closed_title = f"Secret {suffix}"
    declare(engine, f"portal_closed_{suffix}", title={"en": closed_title},
            access_level="closed")
    with engine.begin() as conn:
        _, token = create_key(conn, "staff", can_write=True, label="producer")
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings = app_settings(database_url).model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": port, "portal_rate_limit": 50,
        "portal_background_layers": (ogc_layers.open,)})
    with TestClient(create_app(settings)) as client:
        yield Portal(client, ogc_layers, buildings, closed_title, box, token)
    controller.stop()


def visible_text(html: str) -> str:
    """What a reader sees: the page without its tags, attributes, scripts and code samples."""
    body = re.sub(r"(?s)<(script|pre)\b.*?</\1>", " ", html)
    return re.sub(r"<[^>]+>", " ", body)


def page(portal: Portal, path: str, **params: str) -> str:
    response = portal.client.get(path, params=params, headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_browsers_are_sent_to_the_portal_json_clients_keep_the_landing_page(
        portal: Portal) -> None:
    browser = portal.client.get("/", headers={"Accept": "text/html,*/*"},
                                follow_redirects=False)
    assert browser.status_code == 303
    assert browser.headers["location"] == "http://testserver/portal/"
    landing = portal.client.get("/", headers={"Accept": "application/json"})
    assert landing.status_code == 200
    assert "links" in landing.json()


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr", "Jeux de données"), ("nl", "Datasets"), ("en", "Datasets")])
def test_home_in_each_language(portal: Portal, lang: str, expected: str) -> None:
    html = page(portal, "/portal/", lang=lang)
    assert f'<html lang="{lang}">' in html
    assert expected in html
    assert portal.closed_title not in html
    assert portal.layers.closed not in html


def test_language_from_accept_language_and_the_switch_keeps_the_page(portal: Portal) -> None:
    response = portal.client.get("/portal/search", params={"q": "parcel"},
                                 headers={"Accept-Language": "nl-BE,nl;q=0.9,en;q=0.5"})
    assert '<html lang="nl">' in response.text
    assert 'href="http://testserver/portal/search?q=parcel&amp;lang=fr"' in response.text


def test_search_without_accents_finds_accented_titles(portal: Portal) -> None:
    html = page(portal, "/portal/search", q="batiments", lang="fr")
    assert "Bâtiments de la commune" in html


def test_dutch_words_find_the_parcels_and_never_closed_or_shared_ones(portal: Portal) -> None:
    html = page(portal, "/portal/search", q="perceel", lang="nl")
    assert f"/portal/datasets/{portal.layers.open}?" in html
    assert portal.layers.closed not in html
    assert portal.layers.shared not in html
    assert "Percelen van Leuven" in html


def test_facets_filter_and_show_labels_not_codes(portal: Portal) -> None:
    html = page(portal, "/portal/search", theme="REGI", lang="fr")
    assert "Régions et villes" in html
    assert portal.buildings in html
    assert portal.layers.open not in html  # the parcels have no theme
    by_licence = page(portal, "/portal/search", licence="CC_BY_4_0", kind="vector",
                      lang="en")
    assert "Creative Commons Attribution 4.0" in by_licence
    assert "CC_BY_4_0 (" not in by_licence
    assert "Monthly" not in by_licence


def test_a_shared_layer_appears_with_a_key_of_its_group(portal: Portal, engine: Engine) -> None:
    with engine.begin() as conn:
        _, token = create_key(conn, "partner", groups=["planning"])
    html = portal.client.get("/portal/search", params={"q": "percelen"},
                             headers={"X-API-Key": token}).text
    assert portal.layers.shared in html
    assert portal.client.get(f"/portal/datasets/{portal.layers.shared}",
                             headers={"X-API-Key": token}).status_code == 200


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_dataset_page_with_labels_freshness_quality_downloads_and_snippets(
        portal: Portal, lang: str) -> None:
    html = page(portal, f"/portal/datasets/{portal.layers.open}", lang=lang)
    assert f'<html lang="{lang}">' in html
    labels = {"fr": ("Creative Commons Attribution 4.0", "annuelle", "à jour"),
              "nl": ("Creative Commons Naamsvermelding 4.0", "jaarlijks", "actueel"),
              "en": ("Creative Commons Attribution 4.0", "annual", "up to date")}[lang]
    for label in labels:
        assert label in html
    text = visible_text(html)
    for raw in ("CC_BY_4_0", "ANNUAL", "CC BY 4 0", "T00:", "+00:00"):
        assert raw not in text
    assert "/portal/vendor/maplibre/maplibre-gl.mjs" not in html  # loaded by the module
    assert 'src="http://testserver/portal/static/map.js"' in html
    assert 'data-style="http://testserver/collections/' in html
    assert f"/downloads/{portal.layers.open}.geojson" in html
    assert "owslib" in html
    assert "curl" in html
    assert "QGIS" in html
    assert "MQA" in html
    assert "/ 405" in html
    head = html.split("<body>")[0]
    assert "http" not in head.replace("http://testserver/", ""), "an outside host"
    assert not re.findall(r'(?:href|src|action)="/(?!/)', html), "root-relative links"


def test_closed_layers_are_absent_everywhere(portal: Portal) -> None:
    missing = portal.client.get(f"/portal/datasets/{portal.layers.closed}")
    unknown = portal.client.get("/portal/datasets/no_such_layer")
    assert missing.status_code == unknown.status_code == 404
    # the same page as for an unknown id (only the visitor's own URL is echoed back)
    assert (missing.text.replace(portal.layers.closed, "ID")
            == unknown.text.replace("no_such_layer", "ID"))
    for path in ("/portal/", "/portal/search", "/portal/reuses", "/portal/feed.atom"):
        body = portal.client.get(path).text
        assert portal.layers.closed not in body
        assert portal.closed_title not in body
    feed = portal.client.get(f"/portal/datasets/{portal.layers.closed}/feed.atom")
    assert feed.status_code == 404


def test_error_pages_are_translated(portal: Portal) -> None:
    response = portal.client.get("/portal/nothing-here", params={"lang": "nl"})
    assert response.status_code == 404
    assert '<html lang="nl">' in response.text
    assert "Deze pagina bestaat niet." in response.text


def test_errors_of_portal_pages_are_pages_for_browsers_only(portal: Portal) -> None:
    """A domain error (here a bad key, 401) on a portal page is a page in the visitor's
    language with the request id to quote; a JSON client keeps the OGC exception document."""
    bad_key = {"X-API-Key": "not-a-key"}
    page = portal.client.get("/portal/search", params={"lang": "nl"},
                             headers={**bad_key, "Accept": "text/html"})
    assert page.status_code == 401
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in page.text
    assert "Fout 401" in page.text
    assert page.headers["X-Request-ID"] in page.text
    document = portal.client.get("/portal/search", headers={**bad_key,
                                                            "Accept": "application/json"})
    assert document.status_code == 401
    assert document.json()["code"]
    api = portal.client.get("/collections", headers={**bad_key, "Accept": "text/html"})
    assert api.status_code == 401
    assert api.headers["content-type"].startswith("application/json")  # not a portal page


def test_maplibre_is_served_by_the_product(portal: Portal) -> None:
    script = portal.client.get("/portal/vendor/maplibre/maplibre-gl.mjs")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert portal.client.get("/portal/vendor/maplibre/../package.json").status_code == 404


def check_atom(document: bytes) -> ET.Element:
    """RFC 4287's required elements: feed id, title, updated, author; per entry id, title,
    updated and an alternate link; ids are IRIs, dates RFC 3339."""
    feed = ET.fromstring(document)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{name}"), name
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    for entry in feed.iter(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{name}"), name
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated", "").replace("Z", "+00:00"))
        assert entry.findtext(f"{ATOM}id", "").startswith("http")
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
    return feed


def test_feeds_are_atom_with_portal_links(portal: Portal) -> None:
    whole = portal.client.get("/portal/feed.atom")
    assert whole.headers["content-type"].startswith("application/atom+xml")
    feed = check_atom(whole.content)
    links = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert f"http://testserver/portal/datasets/{portal.layers.open}" in links
    one = check_atom(portal.client.get(
        f"/portal/datasets/{portal.layers.open}/feed.atom").content)
    entries = list(one.iter(f"{ATOM}entry"))
    assert entries
    assert all(portal.layers.open in (e.findtext(f"{ATOM}id") or "")
                           for e in entries)


def test_feedback_answered_by_the_producer_with_mail_and_escaping(portal: Portal,
                                                                  engine: Engine) -> None:
    layer = portal.layers.open
    attack = "<script>alert('x')</script> Is the parcel 123 current?"
    sent = portal.client.post(f"/api/datasets/{layer}/feedback", json={
        "kind": "question", "message": attack, "name": "Anna",
        "email": "anna@example.org", "consent": True})
    assert sent.status_code == 201, sent.text
    item = sent.json()["id"]
    mail = portal.mailbox.messages[-1]
    assert mail["To"] == "gis@example.org"
    assert f"#{item}" in mail["Subject"]
    assert mail["Reply-To"] == "anna@example.org"
    html = page(portal, f"/portal/datasets/{layer}")
    assert "alert(" not in html  # not published yet
    anonymous = portal.client.post(f"/api/datasets/{layer}/feedback/{item}",
                                   json={"answer": "no"})
    assert anonymous.status_code == 401
    listed = portal.client.get(f"/api/datasets/{layer}/feedback",
                               headers={"X-API-Key": portal.producer_key}).json()["items"]
    assert any(i["id"] == item and i["email"] == "anna@example.org" for i in listed)
    answered = portal.client.post(f"/api/datasets/{layer}/feedback/{item}",
                                  headers={"X-API-Key": portal.producer_key},
                                  json={"answer": "Yes, <b>2026</b> edition."})
    assert answered.status_code == 200
    assert answered.json()["status"] == "published"
    html = page(portal, f"/portal/datasets/{layer}")
    assert "&lt;script&gt;alert(" in html
    assert "<script>alert" not in html
    assert "Yes, &lt;b&gt;2026&lt;/b&gt; edition." in html
    assert "anna@example.org" not in html
    assert "Anna" not in html
    catalogue = portal.client.get(f"/catalog/datasets/{layer}.ttl").text
    assert "anna@example.org" not in catalogue


def test_reuse_from_a_form_then_published_in_the_showcase(portal: Portal) -> None:
    layer = portal.layers.open
    posted = portal.client.post(f"/api/datasets/{layer}/reuses?lang=nl", data={
        "title": "Parcel explorer", "url": "https://example.org/explorer",
        "description": "An app"}, follow_redirects=False)
    assert posted.status_code == 303
    assert posted.headers["location"].startswith(
        f"http://testserver/portal/datasets/{layer}?sent=")
    item = int(posted.headers["location"].split("sent=")[1].split("&")[0])
    assert "Parcel explorer" not in page(portal, "/portal/reuses")
    published = portal.client.post(f"/api/datasets/{layer}/reuses/{item}",
                                   headers={"X-API-Key": portal.producer_key},
                                   json={"status": "published"})
    assert published.status_code == 200
    showcase = page(portal, "/portal/reuses", lang="nl")
    assert "Parcel explorer" in showcase
    assert "https://example.org/explorer" in showcase
    assert portal.mailbox.messages[-1]["Subject"].startswith("[portal] new reuse")


@pytest.mark.parametrize(("body", "reason"), [
    ({"kind": "question", "message": "hi", "website": "spam.example"}, "refused"),
    ({"kind": "question", "message": "x" * 5000}, "at most"),
    ({"kind": "rant", "message": "hi"}, "kind"),
    ({"kind": "error", "message": "hi", "email": "a@example.org"}, "consent"),
])
def test_abusive_feedback_is_refused(portal: Portal, engine: Engine, body: dict[str, Any],
                                     reason: str) -> None:
    layer = portal.layers.open
    with engine.connect() as conn:
        before = len(list_items(conn, "feedback", [layer]))
    response = portal.client.post(f"/api/datasets/{layer}/feedback", json=body)
    assert response.status_code == 400
    assert reason in response.text
    with engine.connect() as conn:
        assert len(list_items(conn, "feedback", [layer])) == before


def test_rate_limit_per_client(database_url: str, portal: Portal) -> None:
    settings = app_settings(database_url).model_copy(update={"portal_rate_limit": 2})
    with TestClient(create_app(settings)) as client:
        codes = [client.post(f"/api/datasets/{portal.layers.open}/feedback",
                             json={"kind": "suggestion", "message": f"idea {i}"}).status_code
                 for i in range(3)]
    assert codes == [201, 201, 429]


def test_feedback_on_a_closed_layer_reads_as_unknown(portal: Portal) -> None:
    response = portal.client.post(f"/api/datasets/{portal.layers.closed}/feedback",
                                  json={"kind": "question", "message": "hello"})
    assert response.status_code == 404
    assert portal.layers.closed not in response.text


def test_emails_are_forgotten_after_the_retention_period(portal: Portal,
                                                         engine: Engine) -> None:
    layer = portal.layers.open
    portal.client.post(f"/api/datasets/{layer}/feedback", json={
        "kind": "question", "message": "keep?", "email": "bob@example.org", "consent": "true"})
    with engine.begin() as conn:
        assert forget_emails(conn, datetime.now(UTC) + timedelta(seconds=1)) >= 1
        emails = [i.author_email for i in list_items(conn, "feedback", [layer])]
    assert emails
    assert all(e is None for e in emails)


def test_downloads_and_api_requests_are_counted_per_day(portal: Portal) -> None:
    layer = portal.layers.open
    assert portal.client.get(f"/collections/{layer}/items", params={"limit": "1"}
                             ).status_code == 200
    assert portal.client.get(f"/downloads/{layer}.csv").status_code == 200
    html = page(portal, f"/portal/datasets/{layer}", lang="en")
    usage = html.split('id="usage-h"')[1].split("</section>")[0]
    assert "No usage recorded yet." not in usage
    home = page(portal, "/portal/", lang="en")
    popular = home.split('id="popular-h"')[1]
    assert f"/portal/datasets/{layer}?" in popular


@pytest.mark.parametrize("path", ["/collections?f=html", "/collections/{id}?f=html",
                                  "/collections/{id}/items?f=html&limit=3",
                                  "/collections/{id}/items/1?f=html"])
def test_pygeoapi_pages_share_the_layout_and_load_nothing_from_outside(
        portal: Portal, path: str) -> None:
    html = page(portal, path.replace("{id}", portal.layers.open), lang="nl")
    assert "/portal/static/portal.css" in html
    assert "/portal/static/ogc-map.js" in html
    assert '<html lang="nl">' in html
    loaded = (re.findall(r'src="([^"]+)"', html)
              + re.findall(r'<link rel="stylesheet" href="([^"]+)"', html))
    assert loaded
    assert all(s.startswith("http://testserver/") for s in loaded), loaded
    assert "unpkg" not in html
    assert "leaflet" not in html.lower()


def test_a_point_cloud_page_links_the_3d_viewer_and_needs_no_map(portal: Portal,
                                                                  engine: Engine) -> None:
    layer_id = f"portal_lidar_{uuid.uuid4().hex[:8]}"
    declare(engine, layer_id, kind="lidar", title={"nl": "Puntenwolk Leuven"})
    html = page(portal, f"/portal/datasets/{layer_id}", lang="fr")
    assert "Nuage de points" in html
    assert f"/viewer?layer={layer_id}" in html
    assert 'id="map"' not in html
    assert "Puntenwolk Leuven" in html  # the only title, whatever the page's language
    assert 'lang="nl">Puntenwolk Leuven</h1>' in html
