"""Citizens' reports over HTTP: the workflow end to end with e-mail (API, Part 4 as QGIS
makes it, CLI), photos stripped of EXIF, the anonymised public layer, invalid transitions,
abuse limits, escaping on the follow page and the catalogue entry.

The reports layer is declared from a copy of ``config/reports.yml`` with a unique id (the
test database is shared); mail goes to a real local SMTP server (aiosmtpd).
"""

from __future__ import annotations

import email
import io
import json
import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from ogc_support import REPO, OgcLayers, app_settings, free_port
from PIL import Image
from pyproj import Transformer
from shapely.geometry import Point, shape
from sqlalchemy import Engine
from typer.testing import CliRunner

from gis import edit, registry
from gis.access import create_key
from gis.reports import store
from twin.app import create_app
from twin.cli import build_app
from twin.settings import Settings

pytestmark = pytest.mark.api
LEUVEN = (4.700523, 50.879812)
GPS = (4.712345, 50.884321)  # where the test photo says it was taken


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@dataclass(frozen=True)
class World:
    client: TestClient
    parcels: str
    settings: Settings
    layer_id: str
    staff: dict[str, str]
    mailbox: Mailbox


def reports_file(folder: Path, layer_id: str, parcels: str) -> Path:
    declaration = yaml.safe_load((REPO / "config" / "reports.yml").read_text(encoding="utf-8"))
    declaration["layer"]["id"] = layer_id
    declaration["locate"] = {"layer": parcels, "field": "CAPAKEY"}
    path = folder / "reports.yml"
    path.write_text(yaml.safe_dump(declaration, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def world(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory,
          ogc_layers: OgcLayers) -> Iterator[World]:
    layer_id = f"reports_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        _, token = create_key(conn, "staff", can_write=True, label="roads service")
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings = app_settings(database_url).model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": port, "portal_rate_limit": 100,
        "reports_file": reports_file(tmp_path_factory.mktemp("reports"), layer_id,
                                     ogc_layers.open),
        "portal_background_layers": (ogc_layers.open,)})
    with TestClient(create_app(settings)) as client:
        yield World(client, ogc_layers.open, settings, layer_id, {"X-API-Key": token}, box)
    controller.stop()


def report(world: World, **fields: Any) -> int:
    body = {"category": "pothole", "description": "Deep hole in front of number 12",
            "lon": LEUVEN[0], "lat": LEUVEN[1], **fields}
    response = world.client.post("/api/reports", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["number"])


def move(world: World, number: int, status: str) -> Any:
    return world.client.post(f"/api/reports/{number}/status", json={"status": status},
                             headers=world.staff)


def qgis_patch(world: World, number: int, properties: dict[str, Any]) -> Any:
    """What QGIS sends to save an attribute edit: GET for the ETag, PATCH with If-Match."""
    url = f"/collections/{world.layer_id}/items/{number}"
    etag = world.client.get(url, headers={**world.staff, "Accept": "application/geo+json"}
                            ).headers["etag"]
    return world.client.patch(url, content=json.dumps({"properties": properties}),
                              headers={**world.staff, "If-Match": etag,
                                       "Content-Type": "application/merge-patch+json"})


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (120, 90, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)

    def dms(value: float) -> tuple[float, float, float]:
        d = int(value)
        m = int((value - d) * 60)
        return float(d), float(m), round((value - d - m / 60) * 3600, 4)

    gps.update({1: "N", 2: dms(GPS[1]), 3: "E", 4: dms(GPS[0])})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def cli(world: World, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    settings = world.settings
    for name, value in {"TWIN_DATABASE_URL": settings.database_url,
                        "TWIN_CONFIG_DIR": str(REPO / "config"),
                        "TWIN_REPORTS_FILE": str(settings.reports_file),
                        "TWIN_SMTP_HOST": settings.smtp_host,
                        "TWIN_SMTP_PORT": str(settings.smtp_port)}.items():
        monkeypatch.setenv(name, str(value))
    return CliRunner().invoke(build_app(), ["reports", *args])


def test_workflow_end_to_end_with_mail_through_api_qgis_and_cli(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    number = report(world, email="anna@example.org", consent=True)
    public = world.client.get(f"/api/reports/{number}").json()
    assert public["status"] == "new"
    assert "anna@example.org" not in json.dumps(public)
    assert "Deep hole" not in json.dumps(public)
    sent = len(world.mailbox.messages)

    acknowledged = move(world, number, "acknowledged")
    assert acknowledged.status_code == 200, acknowledged.text
    assert acknowledged.json()["email"] == "anna@example.org"  # staff see it
    mail = world.mailbox.messages[sent]
    assert mail["To"] == "anna@example.org"
    assert f"#{number}" in mail["Subject"]
    assert "acknowledged" in mail.get_payload()

    patched = qgis_patch(world, number, {"status": "in_progress"})  # QGIS, Part 4
    assert patched.status_code == 204, patched.text
    assert len(world.mailbox.messages) == sent + 2
    assert "in progress" in world.mailbox.messages[-1].get_payload()

    done = cli(world, monkeypatch, "set-status", str(number), "solved")
    assert done.exit_code == 0, done.output
    assert len(world.mailbox.messages) == sent + 3
    listed = cli(world, monkeypatch, "list", "--status", "solved", "--json")
    assert listed.exit_code == 0, listed.output
    assert any(r["number"] == number and r["email"] == "anna@example.org"
               for r in json.loads(listed.output))

    history = world.client.get(f"/api/reports/{number}").json()["changes"]
    assert [h["status"] for h in history] == ["new", "acknowledged", "in_progress", "solved"]
    page = world.client.get(f"/portal/reports/{number}", params={"lang": "nl"}).text
    assert "opgelost" in page
    assert "anna@example.org" not in page
    silent = report(world)  # no address: no mail, and no error
    assert move(world, silent, "rejected").status_code == 200
    assert len(world.mailbox.messages) == sent + 3


def test_invalid_transitions_are_refused_on_every_path(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    number = report(world)
    skipped = move(world, number, "solved")
    assert skipped.status_code == 409
    assert "new -> solved is not allowed" in skipped.json()["description"]
    assert "acknowledged" in skipped.json()["description"]
    assert move(world, number, "finished").status_code == 400
    by_qgis = qgis_patch(world, number, {"status": "solved"})
    assert by_qgis.status_code == 400
    assert "new -> solved is not allowed" in by_qgis.text
    url = f"/collections/{world.layer_id}/items/{number}"
    read = world.client.get(url, headers={**world.staff, "Accept": "application/geo+json"})
    feature = read.json()
    feature["properties"]["status"] = "solved"
    replaced = world.client.put(url, content=json.dumps(feature), headers={
        **world.staff, "If-Match": read.headers["etag"], "Content-Type": "application/geo+json"})
    assert replaced.status_code == 400  # a full replace (QGIS saving a geometry) too
    feature["properties"].update(status="acknowledged", created_at="2001-01-01T00:00:00Z")
    replaced = world.client.put(url, content=json.dumps(feature), headers={
        **world.staff, "If-Match": read.headers["etag"], "Content-Type": "application/geo+json"})
    assert replaced.status_code == 204, replaced.text
    after = world.client.get(url, headers={**world.staff, "Accept": "application/geo+json"})
    assert after.json()["properties"]["status"] == "acknowledged"
    assert after.json()["properties"]["created_at"] == read.json()["properties"]["created_at"]
    assert move(world, number, "rejected").status_code == 200
    by_cli = cli(world, monkeypatch, "set-status", str(number), "acknowledged")
    assert by_cli.exit_code == 1
    assert "none, it is final" in by_cli.output
    assert world.client.get(f"/api/reports/{2**64}").status_code == 404
    assert move(world, 2**64, "acknowledged").status_code == 404
    anonymous = world.client.post(f"/api/reports/{number}/status", json={"status": "new"})
    assert anonymous.status_code == 401


def test_photo_exif_is_stripped_and_its_position_used_only_with_consent(world: World) -> None:
    photo = jpeg_with_gps()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)  # the test photo has GPS
    files = {"photo": ("pothole.jpg", photo, "image/jpeg")}
    form = {"category": "pothole", "description": "Hole"}
    nowhere = world.client.post("/api/reports", data=form, files=files)
    assert nowhere.status_code == 400  # no consent: the photo's position is not read
    assert "location" in nowhere.json()["description"]
    given = world.client.post("/api/reports", data={**form, "lon": str(LEUVEN[0]),
                                                    "lat": str(LEUVEN[1])}, files=files)
    assert given.status_code == 201, given.text
    consented = world.client.post("/api/reports", data={**form, "use_photo_location": "true"},
                                  files=files)
    assert consented.status_code == 201, consented.text
    number = consented.json()["number"]
    full = world.client.get("/api/reports", headers=world.staff).json()["reports"]
    stored = next(r for r in full if r["number"] == number)
    assert stored["location_source"] == "photo"
    assert stored["location"]["coordinates"] == pytest.approx(list(GPS), abs=1e-5)
    assert next(r for r in full if r["number"] == given.json()["number"]
                )["location"]["coordinates"] == pytest.approx(list(LEUVEN), abs=1e-7)

    assert world.client.get(f"/api/reports/{number}/photo").status_code == 404  # unpublished
    kept = world.client.get(f"/api/reports/{number}/photo", headers=world.staff)
    assert kept.status_code == 200
    assert kept.headers["content-type"] == "image/jpeg"
    assert b"Exif" not in kept.content
    assert b"PhoneMaker" not in kept.content
    with Image.open(io.BytesIO(kept.content)) as image:
        assert not image.getexif()
        assert image.size == (64, 48)
    published = world.client.post(f"/api/reports/{number}/status", headers=world.staff,
                                  json={"status": "acknowledged", "publish_photo": True})
    assert published.status_code == 200, published.text
    assert world.client.get(f"/api/reports/{number}/photo").content == kept.content


def test_public_layer_is_anonymised_and_staff_see_everything(world: World) -> None:
    number = report(world, email="bob@example.org", consent=True,
                    location={"type": "Point", "coordinates": list(LEUVEN)})
    items = f"/collections/{world.layer_id}/items"
    public = world.client.get(items, params={"limit": 1000},
                              headers={"Accept": "application/geo+json"})
    assert public.status_code == 200, public.text
    feature = next(f for f in public.json()["features"] if f["id"] == number)
    assert set(feature["properties"]) >= {"category", "status", "created_at", "updated_at"}
    assert not {"email", "description", "has_photo"} & set(feature["properties"])
    assert "bob@example.org" not in public.text
    lon, lat = feature["geometry"]["coordinates"]
    x, y = Transformer.from_crs(4326, 31370, always_xy=True).transform(lon, lat)
    assert x % 50 == pytest.approx(0, abs=0.01) or x % 50 == pytest.approx(50, abs=0.01)
    assert y % 50 == pytest.approx(0, abs=0.01) or y % 50 == pytest.approx(50, abs=0.01)
    assert (lon, lat) != pytest.approx(LEUVEN, abs=1e-6)
    moved = math.dist(Transformer.from_crs(4326, 31370, always_xy=True).transform(*LEUVEN),
                      (x, y))
    assert moved < 36  # within half a cell's diagonal
    staff = world.client.get(f"{items}/{number}", headers={**world.staff,
                                                          "Accept": "application/geo+json"})
    assert staff.json()["properties"]["email"] == "bob@example.org"
    assert staff.json()["geometry"]["coordinates"] == pytest.approx(list(LEUVEN), abs=1e-7)
    follow = world.client.get(f"/api/reports/{number}").json()
    assert follow["location"]["coordinates"] == pytest.approx([lon, lat], abs=1e-6)


def png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(("fields", "files", "reason"), [
    ({"website": "http://spam.example"}, None, "refused"),
    ({"category": "unicorns"}, None, "category"),
    ({"description": "x" * 2001}, None, "description"),
    ({"email": "anna@example.org"}, None, "consent"),
    ({"lon": "4.7"}, None, "lon, lat"),
    ({"lon": "4.3571", "lat": "52.0116"}, None, "outside the commune's area"),  # Delft
    ({}, {"photo": ("a.gif", b"GIF89a" + b"\0" * 64, "image/gif")}, "JPEG and PNG"),
    ({}, {"photo": ("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")}, "readable"),
    ({}, {"photo": ("big.png", png((1, 1)) + b"\0" * 5_000_001, "image/png")}, "bytes"),
])
def test_abusive_or_invalid_reports_are_refused(world: World, fields: dict[str, Any],
                                                files: Any, reason: str) -> None:
    body = {"category": "pothole", "description": "Hole", "lon": str(LEUVEN[0]),
            "lat": str(LEUVEN[1]), **fields}
    if fields.get("lon") == "4.7":
        body.pop("lat")
    response = world.client.post("/api/reports", data=body, files=files)
    assert response.status_code == 400, response.text
    assert reason in response.json()["description"]


def test_rate_limit_per_client(world: World) -> None:
    settings = world.settings.model_copy(update={"portal_rate_limit": 2})
    with TestClient(create_app(settings)) as client:
        body = {"category": "graffiti", "description": "Tag", "lon": LEUVEN[0],
                "lat": LEUVEN[1]}
        assert [client.post("/api/reports", json=body).status_code for _ in range(3)] == [
            201, 201, 429]


@pytest.mark.parametrize(("fields", "files", "lang", "reason", "marked"), [
    ({"category": "unicorns"}, None, "fr", "Choisissez une des catégories", "rp-category"),
    ({"lon": "", "lat": ""}, None, "nl", "Geef de plaats op", "rp-lon"),
    ({"lon": "4.3571", "lat": "52.0116"}, None, "en", "is outside the commune",
     "rp-lon"),
    ({}, {"photo": ("a.gif", b"GIF89a" + b"\0" * 64, "image/gif")}, "fr",
     "La photo est refusée", "rp-photo"),
    ({"email": "anna@example.org"}, None, "en", "kept only with your consent", "rp-email"),
])
def test_a_refused_form_without_javascript_comes_back_filled_with_the_reason(
        world: World, fields: dict[str, Any], files: Any, lang: str, reason: str,
        marked: str) -> None:
    """A browser (no JavaScript) gets the portal's form again, in its language, with what
    was typed and the reason; the same request from an API client keeps the JSON."""
    body = {"category": "pothole", "description": "Trou <b>profond</b> & large",
            "lon": "4,7005", "lat": "50,8798", "email": "", "website": "", **fields}
    url = f"/api/reports?lang={lang}"
    page = world.client.post(url, data=body, files=files, headers={"Accept": "text/html"})
    api = world.client.post(url, data=body, files=files)
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-language"] == lang
    html = page.text
    assert reason in html
    assert f'<html lang="{lang}"' in html
    assert 'role="alert"' in html
    assert f'id="{marked}"' in html
    assert html.split(f'id="{marked}"', 1)[1].split(">", 1)[0].count('aria-invalid="true"') == 1
    assert html.count('aria-invalid="true"') == (2 if marked == "rp-lon" else 1)
    assert "Trou &lt;b&gt;profond&lt;/b&gt; &amp; large</textarea>" in html
    assert "<b>profond" not in html
    category = fields.get("category", "pothole")
    assert (f'<option value="{category}" selected>' in html) == (category == "pothole")
    if "lon" not in fields:
        assert 'value="4,7005"' in html
    if fields.get("email"):
        assert 'value="anna@example.org"' in html
    assert ('choisissez-la à nouveau' in html) == (files is not None)
    assert api.status_code == 400
    assert api.headers["content-type"].startswith("application/json")
    assert api.json()["code"] == "InvalidParameterValue"


def test_a_rate_limited_form_without_javascript_is_a_page(world: World) -> None:
    settings = world.settings.model_copy(update={"portal_rate_limit": 1})
    body = {"category": "graffiti", "description": "Tag on the bridge", "lon": str(LEUVEN[0]),
            "lat": str(LEUVEN[1])}
    with TestClient(create_app(settings)) as client:
        assert client.post("/api/reports", data=body).status_code == 201
        page = client.post("/api/reports?lang=fr", data=body,
                           headers={"Accept": "text/html"})
        api = client.post("/api/reports", data=body)
    assert page.status_code == 429
    assert "Trop de signalements" in page.text
    assert "Tag on the bridge</textarea>" in page.text
    assert api.status_code == 429
    assert api.json()["code"] == "TooManyRequests"


def test_follow_page_escapes_and_the_form_works_without_javascript(world: World) -> None:
    attack = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    posted = world.client.post("/api/reports?lang=fr", data={
        "category": "dumping", "description": attack, "lon": "4,7005", "lat": "50,8798"},
        headers={"Accept": "text/html"}, follow_redirects=False)
    assert posted.status_code == 303
    follow = posted.headers["location"].removeprefix("http://testserver")
    page = world.client.get(follow).text
    assert "Dépôt clandestin" in page
    assert "Merci" in page
    assert "<script>alert" not in page
    assert "onerror=alert" not in page
    number = int(follow.split("?")[0].rsplit("/", 1)[-1])
    staff = world.client.get("/api/reports", headers=world.staff).json()["reports"]
    assert next(r for r in staff if r["number"] == number)["description"] == attack
    hostile = world.client.get("/portal/reports/follow",
                               params={"number": "<script>alert(1)</script>"})
    assert hostile.status_code == 404
    assert "<script>alert(1)" not in hostile.text
    unknown = world.client.get("/portal/reports/12abc<b>")
    assert unknown.status_code == 404
    assert "<b>" not in unknown.text.split("<main", 1)[1]
    form = world.client.get("/portal/reports", params={"lang": "en"}).text
    for needle in ('name="lon"', 'name="lat"', 'name="photo"', 'name="website"',
                   "/portal/vendor/maplibre/maplibre-gl.css", "report-map.js",
                   f"/collections/{world.layer_id}/style.json", "Illegal dumping"):
        assert needle in form
    assert "https://" not in form.split("<main", 1)[1]  # no CDN
    assert world.client.get("/portal/reports/report-map.js").status_code == 200
    nl = world.client.get("/portal/reports", params={"lang": "nl"}).text
    assert "Een probleem melden" in nl


def test_public_layer_is_open_in_the_catalogue_with_its_personal_fields_declared(
        world: World, engine: Engine) -> None:
    number = report(world)
    with engine.connect() as conn:
        registered = registry.get_layer(conn, world.layer_id).updated_at
    assert world.client.get(f"/api/reports/{number}").status_code == 200
    with engine.connect() as conn:  # the declaration is registered once, not per request
        assert registry.get_layer(conn, world.layer_id).updated_at == registered
    turtle = world.client.get(f"/catalog/datasets/{world.layer_id}.ttl")
    assert turtle.status_code == 200, turtle.text
    assert "access-right/PUBLIC" in turtle.text
    assert "personal fields anonymised before publication" in turtle.text
    collections = world.client.get("/collections", headers={"Accept": "application/json"})
    assert world.layer_id in {c["id"] for c in collections.json()["collections"]}


def test_a_report_placed_by_its_parcel_without_javascript(world: World) -> None:
    capakey = "24432H0037/00M016"
    posted = world.client.post("/api/reports", data={
        "category": "signage", "description": "Sign bent", "parcel": capakey.lower()})
    assert posted.status_code == 201, posted.text
    number = posted.json()["number"]
    staff = world.client.get("/api/reports", headers=world.staff).json()["reports"]
    stored = next(r for r in staff if r["number"] == number)
    assert stored["location_source"] == "parcel"
    parcel = world.client.get(f"/collections/{world.parcels}/items",
                              params={"CAPAKEY": capakey},
                              headers={"Accept": "application/geo+json"}).json()["features"]
    assert len(parcel) == 1
    assert shape(parcel[0]["geometry"]).contains(Point(stored["location"]["coordinates"]))
    unknown = world.client.post("/api/reports", data={
        "category": "signage", "description": "Sign bent", "parcel": "nowhere"})
    assert unknown.status_code == 400
    assert "parcel: nothing called 'nowhere'" in unknown.json()["description"]
    assert 'name="parcel"' in world.client.get("/portal/reports").text


def test_the_reports_layer_has_the_communes_area_as_extent(world: World) -> None:
    """INSPIRE metadata needs a geographic extent: the reports layer's is the declared area,
    since reports arrive one by one as edits, not as loads that measure one."""
    collection = world.client.get(f"/collections/{world.layer_id}", params={"f": "json"})
    assert collection.status_code == 200
    assert collection.json()["extent"]["spatial"]["bbox"][0] == pytest.approx(
        [4.50, 50.75, 4.90, 51.00])


def _logged_personal_values(engine: Engine, world: World, number: int) -> list[Any]:
    with engine.connect() as conn:
        history = edit.changes(conn, world.layer_id, number)
    return [image.get(field) for entry in history for image in (entry["before"],
                                                                  entry["after"])
            if image for field in ("email", "description")]


def test_retention_purge_clears_emails_in_reports_and_the_change_log(
        world: World, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs last: it forgets every address of the module's reports layer. The first purge
    (a cutoff between two reports) clears only the older one, in the table and in every
    before/after image the Part 4 log kept of it (creation, a QGIS edit); the CLI with
    ``--days 0`` then clears the other."""
    old = report(world, email="old.reporter@example.org", consent="true")
    assert qgis_patch(world, old, {"status": "acknowledged"}).status_code == 204
    new = report(world, email="new.reporter@example.org", consent="true")
    logged = _logged_personal_values(engine, world, old)
    assert "old.reporter@example.org" in logged
    staff = {r["number"]: r for r in world.client.get(
        "/api/reports", headers=world.staff).json()["reports"]}
    cutoff = datetime.fromisoformat(staff[new]["created"])
    with engine.begin() as conn:
        layer = registry.get_layer(conn, world.layer_id)
        forgotten = store.forget_emails(conn, layer, cutoff)
    assert forgotten.emails >= 1
    assert forgotten.logged >= 2  # its creation and the QGIS edit (before and after images)
    staff = {r["number"]: r for r in world.client.get(
        "/api/reports", headers=world.staff).json()["reports"]}
    assert staff[old]["email"] is None
    assert staff[old]["description"] == "Deep hole in front of number 12"  # kept for staff
    assert staff[new]["email"] == "new.reporter@example.org"
    assert set(_logged_personal_values(engine, world, old)) == {None}
    assert "new.reporter@example.org" in _logged_personal_values(engine, world, new)
    purged = cli(world, monkeypatch, "purge", "--days", "0")
    assert purged.exit_code == 0, purged.output
    assert "deleted" in purged.output
    staff = {r["number"]: r for r in world.client.get(
        "/api/reports", headers=world.staff).json()["reports"]}
    assert all(r["email"] is None for r in staff.values())
    assert set(_logged_personal_values(engine, world, new)) == {None}
    again = cli(world, monkeypatch, "purge", "--days", "0")
    said = " ".join(again.output.split())  # rich wraps long lines
    assert "0 e-mail address(es) of reports older than 0 days deleted" in said
    assert "0 change-log entries cleaned" in said
