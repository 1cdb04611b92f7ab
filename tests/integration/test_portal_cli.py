"""``twin feedback`` and ``twin stats`` against a real PostGIS: the producer's side."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ogc_support import open_spec
from sqlalchemy import Engine
from typer.testing import CliRunner

from gis import registry
from gis.portal.feedback import add_item, get_item
from gis.portal.usage import Usage, add_counts
from twin.cli import build_app

pytestmark = pytest.mark.integration


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> None:
    monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TWIN_CONFIG_DIR", str(tmp_path / "no-config"))


def run(*args: str) -> str:
    result = CliRunner().invoke(build_app(), list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_list_answer_hide_purge_and_stats(cli_env: None, engine: Engine, layer_id: str) -> None:
    with engine.begin() as conn:
        registry.register(conn, open_spec(layer_id), "EPSG:31370")
        question = add_item(conn, "feedback", layer_id, {"kind": "question",
                                                         "message": "Up to date?"},
                            "Ann", "ann@example.org")
        spam = add_item(conn, "reuse", layer_id, {"title": "x", "url": "https://x.example",
                                                  "description": "spam"}, None, None)
        add_counts(conn, {(layer_id, datetime.now(UTC).date()): Usage(3, 40)})
    listed = json.loads(run("feedback", "list", "--layer", layer_id, "--json"))
    assert [i["email"] for i in listed] == ["ann@example.org"]
    run("feedback", "answer", str(question), "Yes, since March.")
    run("feedback", "hide", str(spam), "--reuse")
    with engine.connect() as conn:
        answered = get_item(conn, "feedback", question)
        assert answered.status == "published"
        assert answered.fields["answer"] == "Yes, since March."
        assert get_item(conn, "reuse", spam).status == "hidden"
    assert "e-mail address" in run("feedback", "purge")  # within retention: kept
    with engine.connect() as conn:
        assert get_item(conn, "feedback", question).author_email == "ann@example.org"
    totals = json.loads(run("stats", "--json"))
    assert {"key": layer_id, "downloads": 3, "api_requests": 40} in totals
    monthly = json.loads(run("stats", "--layer", layer_id, "--json"))
    assert monthly[0]["downloads"] == 3
    failed = CliRunner().invoke(build_app(), ["feedback", "answer", "999999999", "x"])
    assert failed.exit_code == 1
