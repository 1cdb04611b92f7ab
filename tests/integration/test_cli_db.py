"""``twin db up|migrate|status|down`` and ``twin layers`` on a private cluster of their own."""

from __future__ import annotations

import shutil
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from twin.cli import build_app
from twin.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def port() -> int:
    return _free_port()


@pytest.fixture
def private_env(monkeypatch: pytest.MonkeyPatch, port: int) -> Iterator[Path]:
    # Under the repo, not /tmp: when run as root the 'postgres' user must reach the folder.
    root = REPO / "var" / f"cli-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("TWIN_DATA_DIR", str(root))
    monkeypatch.setenv("TWIN_DB_PORT", str(port))
    monkeypatch.delenv("TWIN_DATABASE_URL", raising=False)
    monkeypatch.chdir(REPO)
    yield root
    CliRunner().invoke(build_app(), ["db", "down"])
    shutil.rmtree(Settings().cluster.home, ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)


def test_private_cluster_lifecycle(private_env: Path) -> None:
    runner = CliRunner()
    app = build_app()
    result = runner.invoke(app, ["db", "up"])
    assert result.exit_code == 0, result.output
    assert "PostGIS 3" in result.output
    cluster = Settings().cluster
    assert (cluster.pgdata / "PG_VERSION").exists()
    # Our grids are handed to the server so ST_Transform is grid-accurate too.
    assert (cluster.proj_dir / "be_ign_bd72lb72_etrs89lb08.tif").exists()

    again = runner.invoke(app, ["db", "up"])
    assert again.exit_code == 0, again.output

    migrated = runner.invoke(app, ["db", "migrate"])
    assert migrated.exit_code == 0, migrated.output
    status = runner.invoke(app, ["db", "status"])
    assert "schema revision: " in status.output
    assert "None" not in status.output

    registered = runner.invoke(app, ["layers", "register"])
    assert registered.exit_code == 0, registered.output
    listed = runner.invoke(app, ["layers", "list", "--json"])
    assert '"leuven_parcels"' in listed.output
    shown = runner.invoke(app, ["layers", "show", "leuven_fps_parcels"])
    assert "notaries" in shown.output

    missing = runner.invoke(app, ["layers", "show", "no_such_layer"])
    assert missing.exit_code == 1
    assert "no_such_layer" in missing.output

    down = runner.invoke(app, ["db", "down"])
    assert down.exit_code == 0, down.output
    unreachable = runner.invoke(app, ["db", "status"])
    assert unreachable.exit_code == 1
    assert "cannot reach" in unreachable.output


def test_sql_transform_uses_the_grid(private_env: Path, port: int) -> None:
    """PostGIS in our cluster reaches the 1 mm BD72 -> ETRS89 result, not the 13 cm fallback."""
    runner = CliRunner()
    result = runner.invoke(build_app(), ["db", "up"])
    assert result.exit_code == 0, result.output

    with psycopg.connect(f"host=127.0.0.1 port={port} user=twin dbname=twin") as conn:
        x, y = conn.execute(
            "SELECT ST_X(g), ST_Y(g) FROM (SELECT ST_Transform("
            "ST_SetSRID(ST_MakePoint(150000, 170000), 31370), 3812) AS g) AS t"
        ).fetchone() or (0.0, 0.0)
    assert abs(x - 649999.720) < 0.001
    assert abs(y - 670000.537) < 0.001
