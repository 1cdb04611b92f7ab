"""``twin ingest lidar``, ``twin build pointcloud`` and ``twin build dem`` end to end."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import laspy
import pytest
from lidar_support import DELFT, REPO
from sqlalchemy import Engine
from typer.testing import CliRunner

from gis import registry
from twin.cli import build_app


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> Path:
    monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TWIN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TWIN_CONFIG_DIR", str(REPO / "config"))
    return tmp_path / "var"


def test_ingest_then_build_both_products(cli_env: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    app = build_app()
    layer = f"t_cli_{uuid.uuid4().hex[:8]}"
    ingest = ["ingest", "lidar", str(DELFT[1]), "--layer", layer, "--crs", "EPSG:28992+5709",
              "--title", "Delft LiDAR (CLI test)"]
    first = runner.invoke(app, ingest)
    assert first.exit_code == 0, first.output
    assert "1 added" in first.output
    again = runner.invoke(app, ingest)
    assert again.exit_code == 0, again.output
    assert "1 unchanged" in again.output
    built = runner.invoke(app, ["build", "pointcloud", layer, "--workers", "1"])
    assert built.exit_code == 0, built.output
    assert (cli_env.resolve() / "tiles" / layer / "tileset.json").is_file()
    thinned = tmp_path / "thinned.laz"
    las = laspy.read(DELFT[1])
    las.points = las.points[: len(las.points) // 4]
    las.write(thinned)
    added = runner.invoke(app, [*ingest[:2], str(thinned), *ingest[3:]])
    assert added.exit_code == 0, added.output
    rebuilt = runner.invoke(app, ["build", "pointcloud", layer, "--workers", "1"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "partial rebuild: 1 of 2 files read" in rebuilt.output
    dem = runner.invoke(app, ["build", "dem", layer, "--resolution", "1"])
    assert dem.exit_code == 0, dem.output
    assert (cli_env.resolve() / "rasters" / f"{layer}_dtm.tif").is_file()
    assert (cli_env.resolve() / "rasters" / f"{layer}_dsm_filled.tif").is_file()


def test_bad_input_is_one_clear_line(cli_env: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(build_app(), ["ingest", "lidar", str(tmp_path / "missing.laz"),
                                         "--layer", "t_cli_missing", "--crs", "EPSG:7415"])
    assert result.exit_code == 1
    assert "missing.laz: file not found" in result.output
    assert "Traceback" not in result.output
    nothing = runner.invoke(build_app(), ["build", "pointcloud", "t_cli_missing"])
    assert nothing.exit_code == 1
    assert "not found" in nothing.output


def test_ingest_lidar_takes_the_same_flags(cli_env: Path, engine: Engine) -> None:
    """``--access`` as on ``ingest vector`` (the old ``--access-level`` still works, hidden),
    declaration flags, ``--json``; the layer is resolved like any other (closed by default,
    even though the repository's manifest opens its own layers in ``defaults:``)."""
    runner = CliRunner()
    app = build_app()
    layer = f"t_cli_{uuid.uuid4().hex[:8]}"
    base = ["ingest", "lidar", str(DELFT[1]), "--layer", layer, "--crs", "EPSG:28992+5709"]

    def access() -> str:
        with engine.connect() as conn:
            return registry.get_layer(conn, layer).spec.access_level

    first = runner.invoke(app, [*base, "--json"])
    assert first.exit_code == 0, first.output
    payload = json.loads(first.stdout)
    assert (payload["layer_id"], payload["version"], len(payload["added"])) == (layer, 1, 1)
    assert access() == "closed"
    opened = runner.invoke(app, [*base, "--access", "open", "--licence", "CC0"])
    assert opened.exit_code == 0, opened.output
    assert "1 unchanged" in opened.output
    assert "access_level: closed -> open (--access)" in opened.output
    assert access() == "open"
    old = runner.invoke(app, [*base, "--access-level", "shared"])
    assert old.exit_code == 0, old.output
    assert access() == "shared"
    assert "--access-level" not in runner.invoke(app, ["ingest", "lidar", "--help"]).output
