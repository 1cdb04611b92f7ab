"""``twin refresh``: layers reloaded from their declared source_url, on the session's PostGIS.

Sources are real HTTP servers on loopback: a small file server with ETag/Last-Modified (and a
WFS 2.0 face answering GetCapabilities and GetFeature from the same files), and the
product's own OGC API Features under uvicorn. Failure notices go to a real SMTP server
(aiosmtpd). Nothing is mocked.
"""

from __future__ import annotations

import email
import hashlib
import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import Message
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from ogc_support import app_settings, free_port, running_server
from sqlalchemy import Engine
from typer.testing import CliRunner

from gis import access, registry
from gis.ingest import ingest_vector
from gis.model import LayerSpec
from gis.refresh import due_layers, is_due, protocol_of, refresh_states
from twin.app import create_app
from twin.cli import build_app

pytestmark = pytest.mark.integration

#: points in Leuven (lon, lat), inside Lambert 72's area of use
PLACES = {"a": (4.7005, 50.8798), "b": (4.7012, 50.8801), "c": (4.7020, 50.8790),
          "d": (4.7031, 50.8785)}
TOKEN = "s3cret-token"


def collection(names: dict[str, str], with_ids: bool = True) -> bytes:
    """A GeoJSON of the given places (key -> name attribute), ids in ``code`` or none."""
    features = []
    for key, name in names.items():
        properties: dict[str, Any] = {"name": name}
        if with_ids:
            properties["code"] = key.upper()
        features.append({"type": "Feature", "properties": properties,
                         "geometry": {"type": "Point", "coordinates": list(PLACES[key])}})
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


FIRST = {"a": "Alpha", "b": "Bravo", "c": "Charlie"}
#: c removed, b changed, d added
SECOND = {"a": "Alpha", "b": "Bravo (renamed)", "d": "Delta"}

CAPABILITIES = """<?xml version="1.0" encoding="UTF-8"?>
<wfs:WFS_Capabilities version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0"
    xmlns:ows="http://www.opengis.net/ows/1.1">
  <ows:OperationsMetadata>
    <ows:Operation name="GetFeature">
      <ows:Parameter name="outputFormat"><ows:AllowedValues>
        <ows:Value>application/gml+xml; version=3.2</ows:Value>
        <ows:Value>application/json</ows:Value>
      </ows:AllowedValues></ows:Parameter>
    </ows:Operation>
  </ows:OperationsMetadata>
</wfs:WFS_Capabilities>
"""


class SourceHandler(BaseHTTPRequestHandler):
    """Files of ``server.root`` with a strong ETag and Last-Modified (304 when they match);
    ``/private/...`` needs the Bearer token; ``/wfs`` is a WFS 2.0 whose feature types are
    the files (``typeNames=x`` is ``x.geojson``)."""

    server: SourceServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests assert on what was served, not on a log."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self.server.requests.append(self.path)
        query = {k.upper(): v for k, v in parse_qsl(parts.query)}
        if parts.path == "/wfs":
            if query.get("REQUEST") == "GetCapabilities":
                self._send(CAPABILITIES.encode(), "application/xml")
                return
            assert query.get("OUTPUTFORMAT") == "application/json", query
            self._file(self.server.root / f"{query['TYPENAMES']}.geojson")
            return
        if parts.path.startswith("/private/") and \
                self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._send(b"no", "text/plain", 401)
            return
        self._file(self.server.root / Path(parts.path).name)

    def _file(self, path: Path) -> None:
        if not path.is_file():
            self._send(b"not found", "text/plain", 404)
            return
        body = path.read_bytes()
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        modified = formatdate(path.stat().st_mtime, usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            self.server.not_modified += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self._send(body, "application/geo+json", 200, {"ETag": etag, "Last-Modified": modified})

    def _send(self, body: bytes, media: str, status: int = 200,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


class SourceServer(ThreadingHTTPServer):
    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), SourceHandler)
        self.root = root
        self.requests: list[str] = []
        self.not_modified = 0  # 304 answers given

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def source(tmp_path: Path) -> Iterator[SourceServer]:
    root = tmp_path / "www"
    root.mkdir()
    server = SourceServer(root)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


class Mailbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path,
        mailbox: tuple[Mailbox, int], source: SourceServer) -> CliRunner:
    monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TWIN_CONFIG_DIR", str(tmp_path / "no-config"))
    monkeypatch.setenv("TWIN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TWIN_SMTP_PORT", str(mailbox[1]))
    monkeypatch.setenv("TWIN_SMTP_FROM", "twin@commune.example.be")
    host = urlsplit(source.base).netloc
    monkeypatch.setenv("TWIN_SOURCE_CREDENTIALS", json.dumps({host: TOKEN}))
    return CliRunner()


def register(cli: CliRunner, tmp_path: Path, layer_id: str, url: str,
             **extra: str) -> None:
    """Declare the layer with ``twin layers register --manifest``, as a producer would."""
    lines = ["layers:", f"  - id: {layer_id}", "    title: {en: Refreshed points}",
             "    producer: Service SIG", "    contact_point:", "      name: SIG",
             "      email: sig@commune.example.be", "    licence: CC_BY_4_0",
             "    access_level: open", f"    source_url: '{url}'",
             *(f"    {key}: {value}" for key, value in {"update_frequency": "DAILY",
                                                         **extra}.items())]
    manifest = tmp_path / f"{layer_id}.yml"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli.invoke(build_app(), ["layers", "register", "--manifest", str(manifest)])
    assert result.exit_code == 0, result.output


def refresh(cli: CliRunner, *args: str, ok: bool = True) -> list[dict[str, Any]]:
    result = cli.invoke(build_app(), ["refresh", *args, "--json"])
    if ok:
        assert result.exit_code == 0, result.output
    outcomes: list[dict[str, Any]] = json.loads(result.stdout)
    return outcomes


def history(cli: CliRunner, layer_id: str) -> list[dict[str, Any]]:
    result = cli.invoke(build_app(), ["layers", "history", layer_id, "--json"])
    assert result.exit_code == 0, result.output
    versions: list[dict[str, Any]] = json.loads(result.stdout)
    return versions


def test_a_file_source_by_id_unchanged_broken_and_back(
        cli: CliRunner, engine: Engine, layer_id: str, tmp_path: Path, source: SourceServer,
        mailbox: tuple[Mailbox, int]) -> None:
    data = source.root / "points.geojson"
    data.write_bytes(collection(FIRST))
    register(cli, tmp_path, layer_id, f"{source.base}/private/points.geojson",
             source_id_field="code")
    [first] = refresh(cli, layer_id)
    assert (first["status"], first["version"], first["added"]) == ("updated", 1, 3)
    # unchanged: the stored ETag makes it a 304, and no version
    [same] = refresh(cli, layer_id)
    assert (same["status"], same["version"]) == ("unchanged", 1)
    assert source.requests[-1] == "/private/points.geojson"
    assert source.not_modified == 1
    data.write_bytes(collection(SECOND))
    [second] = refresh(cli, layer_id)
    assert second["status"] == "updated"
    assert second["version"] == 2
    change = second["change_set"]
    assert (change["added_ids"], change["removed_ids"], change["changed_ids"]) == (
        ["D"], ["C"], ["B"])
    versions = history(cli, layer_id)
    assert [(v["version"], v["added"], v["removed"], v["changed"]) for v in versions] == [
        (2, 1, 1, 1), (1, 3, 0, 0)]
    assert versions[0]["source"] == f"{source.base}/private/points.geojson"
    assert versions[0]["change_set"]["keyed_by"] == "code"

    # broken: the file is gone (404), then it is not GeoJSON
    data.unlink()
    [gone] = refresh(cli, layer_id, ok=False)
    assert gone["status"] == "failed"
    assert "HTTP 404" in gone["error"]
    data.write_text("this is not GeoJSON", encoding="utf-8")
    [invalid] = refresh(cli, layer_id, ok=False)
    assert invalid["status"] == "failed"
    with engine.connect() as conn:
        layer = registry.get_layer(conn, layer_id)
        state = refresh_states(conn, [layer_id])[layer_id]
        loads = registry.history(conn, layer_id)
    assert layer.current_version == 2
    assert layer.feature_count == 3
    assert state.late
    assert state.last_error == invalid["error"]
    assert state.last_failure_at is not None
    assert loads[0].status == "failed"
    assert loads[0].source == f"{source.base}/private/points.geojson"
    assert "twin-refresh-" not in (loads[0].error or "") + (state.last_error or "")
    assert loads[1].status == "current"
    shown = cli.invoke(build_app(), ["layers", "show", layer_id])
    assert shown.exit_code == 0, shown.output
    assert "LATE since" in shown.output
    box = mailbox[0]
    assert len(box.messages) == 2
    notice = box.messages[0]
    assert notice["To"] == "sig@commune.example.be"
    assert layer_id in notice["Subject"]
    assert "HTTP 404" in str(notice.get_payload())

    data.write_bytes(collection(SECOND))  # fixed at the source: refreshed, no longer late
    [back] = refresh(cli, layer_id)
    assert back["status"] in ("updated", "unchanged")
    with engine.connect() as conn:
        assert not refresh_states(conn, [layer_id])[layer_id].late


def test_a_source_without_ids_is_matched_by_digest(
        cli: CliRunner, layer_id: str, tmp_path: Path, source: SourceServer) -> None:
    data = source.root / "anonymous.geojson"
    data.write_bytes(collection(FIRST, with_ids=False))
    register(cli, tmp_path, layer_id, f"{source.base}/anonymous.geojson")
    refresh(cli, layer_id)
    data.write_bytes(collection(SECOND, with_ids=False))
    [second] = refresh(cli, layer_id)
    # without an id a changed feature is one removed and one added
    assert (second["added"], second["removed"], second["changed"]) == (2, 2, 0)
    assert second["change_set"]["keyed_by"] == "digest"


def test_a_wfs_source_gets_geojson_when_offered(
        cli: CliRunner, layer_id: str, tmp_path: Path, source: SourceServer) -> None:
    (source.root / "points.geojson").write_bytes(collection(FIRST))
    url = f"{source.base}/wfs?service=WFS&typeNames=points"
    assert protocol_of(url) == "wfs"
    register(cli, tmp_path, layer_id, url, source_id_field="code")
    [first] = refresh(cli, layer_id)
    assert (first["status"], first["added"]) == ("updated", 3)
    assert any("GetCapabilities" in r for r in source.requests)


def test_the_products_own_ogc_api_as_a_source(
        cli: CliRunner, engine: Engine, database_url: str, layer_id: str,
        tmp_path: Path) -> None:
    upstream = f"{layer_id}_up"
    first, second = tmp_path / "first.geojson", tmp_path / "second.geojson"
    first.write_bytes(collection(FIRST))
    second.write_bytes(collection(SECOND))
    up_spec = LayerSpec.model_validate({
        "id": upstream, "title": {"en": "upstream"}, "producer": "tests",
        "contact_point": {"name": "t", "email": "t@example.org"}, "licence": "CC0",
        "update_frequency": "ANNUAL", "access_level": "open"})
    ingest_vector(engine, up_spec, first, default_storage_crs="EPSG:31370")
    with running_server(database_url) as base:
        url = f"{base}/collections/{upstream}"
        assert protocol_of(url) == "ogcapi"
        register(cli, tmp_path, layer_id, url, source_id_field="code")
        [v1] = refresh(cli, layer_id)
        assert (v1["status"], v1["added"]) == ("updated", 3)
        [same] = refresh(cli, layer_id)  # the same features: no new version
        assert same["status"] == "unchanged"
        with engine.connect() as conn:
            before = registry.load_dates(conn, [layer_id])[layer_id].modified
        ingest_vector(engine, up_spec, second, default_storage_crs="EPSG:31370")
        [v2] = refresh(cli, layer_id)
    assert (v2["version"], v2["added"], v2["removed"], v2["changed"]) == (2, 1, 1, 1)
    with engine.connect() as conn:  # the catalogue's dct:modified moves with a refresh
        after = registry.load_dates(conn, [layer_id])[layer_id].modified
    assert before is not None
    assert after is not None
    assert after > before

    client = TestClient(create_app(app_settings(database_url)))
    response = client.get("/catalog/feed.atom", params={"limit": "500"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    atom = "{http://www.w3.org/2005/Atom}"
    entries = {entry.findtext(f"{atom}title"): entry.findtext(f"{atom}summary") or ""
               for entry in ET.fromstring(response.content).iter(f"{atom}entry")}
    assert "1 added, 1 removed, 1 changed" in entries["Refreshed points: version 2"]
    assert "3 added" in entries["Refreshed points: version 1"]


def test_the_feed_lists_shared_layers_for_their_keys_and_closed_ones_never(
        engine: Engine, database_url: str, layer_id: str, tmp_path: Path) -> None:
    path = tmp_path / "points.geojson"
    path.write_bytes(collection(FIRST))
    closed, shared = f"{layer_id}_closed", f"{layer_id}_shared"
    for name, level in ((closed, "closed"), (shared, "shared")):
        spec = LayerSpec.model_validate({
            "id": name, "title": {"en": name}, "producer": "tests",
            "contact_point": {"name": "t", "email": "t@example.org"}, "licence": "CC0",
            "update_frequency": "ANNUAL", "access_level": level,
            "shared_with": ["planning"] if level == "shared" else []})
        ingest_vector(engine, spec, path, default_storage_crs="EPSG:31370")
    with engine.begin() as conn:
        _, partner = access.create_key(conn, "partner", ["planning"], label="planning")
        _, staff = access.create_key(conn, "staff", label="staff")
    client = TestClient(create_app(app_settings(database_url)))

    def feed(key: str | None) -> bytes:
        headers = {"X-API-Key": key} if key else {}
        response = client.get("/catalog/feed.atom", params={"limit": "500"}, headers=headers)
        assert response.status_code == 200
        return bytes(response.content)

    anonymous, planning, staff_feed = feed(None), feed(partner), feed(staff)
    assert shared.encode() not in anonymous
    assert f"{shared}: version 1".encode() in planning
    for body in (anonymous, planning, staff_feed):
        assert closed.encode() not in body


def test_due_picks_only_layers_whose_frequency_says_so(
        cli: CliRunner, engine: Engine, layer_id: str, tmp_path: Path,
        source: SourceServer) -> None:
    (source.root / "points.geojson").write_bytes(collection(FIRST))
    url = f"{source.base}/private/points.geojson"
    due, fresh, irregular = f"{layer_id}_due", f"{layer_id}_fresh", f"{layer_id}_irreg"
    register(cli, tmp_path, due, url, update_frequency="MONTHLY")
    register(cli, tmp_path, fresh, url, update_frequency="MONTHLY")
    register(cli, tmp_path, irregular, url, update_frequency="IRREG")
    refresh(cli, fresh)  # just refreshed: a month to go
    outcomes = {o["layer_id"]: o for o in refresh(cli, "--due", ok=False)}
    assert outcomes[due]["status"] == "updated"
    assert fresh not in outcomes
    assert irregular not in outcomes
    with engine.connect() as conn:
        layer = registry.get_layer(conn, fresh)
        state = refresh_states(conn, [fresh])[fresh]
        assert due not in {la.id for la in due_layers(conn)}
    later = datetime.now(UTC) + timedelta(days=32)
    assert is_due(layer, state, later)
    assert not is_due(layer, state, datetime.now(UTC))
