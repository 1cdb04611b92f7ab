"""``twin keys``, ``twin audit`` and ``twin catalog`` end to end on the test database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from access_support import make_cadastral_layer
from rdflib import Graph
from rdflib.namespace import DCAT, RDF
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from gis import access
from twin.cli import build_app

pytestmark = pytest.mark.integration


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> Path:
    monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TWIN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TWIN_PUBLIC_URL", "http://testserver")
    return tmp_path


def _run(*args: str) -> str:
    result = CliRunner().invoke(build_app(), list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_keys_create_list_revoke(cli_env: Path, engine: Engine) -> None:
    output = _run("keys", "create", "--role", "partner", "--group", "notaries",
                  "--label", "Notary Dupont")
    token = output.strip().splitlines()[-1]
    key_id, secret = token.split(".", 1)
    with engine.connect() as conn:
        assert access.verify_key(conn, key_id, secret) is not None
    listing = _run("keys", "list", "--json")
    assert key_id in [k["id"] for k in json.loads(listing)]
    assert secret not in listing
    _run("keys", "revoke", key_id)
    with engine.connect() as conn:
        assert access.verify_key(conn, key_id, secret) is None
    again = CliRunner().invoke(build_app(), ["keys", "revoke", key_id])
    assert again.exit_code == 1
    assert "already revoked" in again.output
    bad = CliRunner().invoke(build_app(), ["keys", "create", "--role", "partner"])
    assert bad.exit_code == 1
    assert "at least one --group" in bad.output


def test_audit_lists_entries(cli_env: Path, engine: Engine, layer_id: str) -> None:
    layer = make_cadastral_layer(engine, layer_id, "closed", limit=5,
                                 folder=cli_env)
    since = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S")
    with engine.begin() as conn:
        access.record_access(conn, key_id="tkcli", role="staff", spec=layer.spec,
                             operation="items", feature_count=5, path="/p", status=200)
    entries = json.loads(_run("audit", "--layer", layer_id, "--since", since, "--json"))
    assert [(e["key_id"], e["operation"], e["feature_count"]) for e in entries] == [
        ("tkcli", "items", 5)]
    assert layer_id in _run("audit", "--layer", layer_id)


def test_catalog_score_validate_export_freshness(cli_env: Path, engine: Engine,
                                                 layer_id: str) -> None:
    make_cadastral_layer(engine, layer_id, "open", limit=20, folder=cli_env)
    scored = json.loads(_run("catalog", "score", "--json"))
    mine = scored["datasets"][f"http://testserver/catalog/datasets/{layer_id}"]
    assert sum(mine.values()) >= 351
    assert "0 violations" in _run("catalog", "validate")
    _run("catalog", "export", "--out", str(cli_env / "harvest"))
    # one catalog.ttl, or catalog-N.ttl pages when the shared test database holds more
    # datasets than a page (the whole suite's layers)
    pages = sorted((cli_env / "harvest").glob("catalog*.ttl"))
    assert pages
    graph = Graph()
    for page in pages:
        graph.parse(page, format="turtle")
    assert any(str(d).endswith(layer_id) for d in graph.subjects(RDF.type, DCAT.Dataset))
    assert len(list((cli_env / "harvest").glob("catalog*.jsonld"))) == len(pages)
    assert layer_id not in _run("catalog", "freshness")
    with engine.begin() as conn:  # pretend the last load was 40 days ago (MONTHLY layer)
        conn.execute(text("UPDATE twin.layer_version SET finished_at = now() - interval '40 days'"
                          " WHERE layer_id = :l AND status = 'current'"), {"l": layer_id})
    late = json.loads(_run("catalog", "freshness", "--json"))
    assert [(f["layer"], f["frequency"]) for f in late if f["layer"] == layer_id] == [
        (layer_id, "MONTHLY")]
    assert 8 <= next(f["overdue_days"] for f in late if f["layer"] == layer_id) <= 10
