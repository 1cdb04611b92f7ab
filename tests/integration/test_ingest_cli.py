"""``twin ingest vector`` through Typer's runner, on the session's real PostGIS."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ingest_support import BOWTIE_GEOJSON, DATA, count, leuven_squares, versions
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from gis import registry
from twin.cli import build_app


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TWIN_CONFIG_DIR", str(tmp_path / "no-config"))
    return CliRunner()


def manifest(path: Path, layer_id: str, source: Path, **extra: str) -> Path:
    lines = [
        "defaults:", "  producer: Service SIG", "  contact_point:", "    name: SIG",
        "    email: sig@commune.example.be", "  licence: CC_BY_4_0",
        "  update_frequency: MONTHLY", "layers:", f"  - id: {layer_id}",
        "    title: {fr: Parcelles, en: Parcels}", f"    source: {source}",
        *(f"    {key}: {value}" for key, value in extra.items()),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ingest_from_the_manifest(cli: CliRunner, engine: Engine, layer_id: str,
                                  tmp_path: Path) -> None:
    source = DATA / "leuven_be/leuven_grb_adp_capakey_408.geojson"
    declared = manifest(tmp_path / "layers.yml", layer_id, source, storage_crs="EPSG:3812")
    result = cli.invoke(build_app(), ["ingest", "vector", str(source), "--layer", layer_id,
                                      "--manifest", str(declared)])
    assert result.exit_code == 0, result.output
    assert f"layer {layer_id} is at version 1" in result.output
    assert "408 read, 408 loaded" in result.output
    with engine.connect() as conn:
        layer = registry.get_layer(conn, layer_id)
    assert layer.storage_srid == 3812
    assert layer.spec.title["fr"] == "Parcelles"
    # the second time the declaration comes from the registry (no manifest needed)
    again = cli.invoke(build_app(), ["ingest", "vector", str(source), "--layer", layer_id,
                                     "--json"])
    assert again.exit_code == 0, again.output
    payload = json.loads(again.stdout)
    assert payload["version"] == 2
    assert payload["feature_count"] == 408
    assert payload["quality"]["features_read"] == 408


def test_ingest_declared_by_flags_is_closed_by_default(cli: CliRunner, engine: Engine,
                                                      layer_id: str, tmp_path: Path) -> None:
    source = tmp_path / "points.csv"
    source.write_text("id,name,x,y\n1,a,173000,174000\n2,b,173100,174100\n", encoding="utf-8")
    args = ["ingest", "vector", str(source), "--layer", layer_id, "--crs", "EPSG:31370",
            "--title", "Points of interest", "--licence", "CC0", "--producer", "GIS",
            "--contact-name", "GIS", "--contact-email", "gis@commune.example.be"]
    result = cli.invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        layer = registry.get_layer(conn, layer_id)
    assert layer.spec.access_level == "closed"
    assert layer.feature_count == 2


def test_undeclared_layer_without_flags_is_one_clear_error(cli: CliRunner, layer_id: str,
                                                          tmp_path: Path) -> None:
    source = leuven_squares(tmp_path / "a.geojson")
    result = cli.invoke(build_app(), ["ingest", "vector", str(source), "--layer", layer_id])
    assert result.exit_code == 1
    assert "error:" in result.output
    assert "--title" in result.output
    assert "Traceback" not in result.output


def test_failed_ingest_exits_1_and_keeps_the_version(cli: CliRunner, engine: Engine,
                                                    layer_id: str, tmp_path: Path) -> None:
    good = leuven_squares(tmp_path / "good.geojson")
    declared = manifest(tmp_path / "layers.yml", layer_id, good)
    ok = cli.invoke(build_app(), ["ingest", "vector", str(good), "--layer", layer_id,
                                  "--manifest", str(declared)])
    assert ok.exit_code == 0, ok.output
    broken = tmp_path / "broken.gpkg"
    broken.write_bytes(b"not a geopackage")
    result = cli.invoke(build_app(), ["ingest", "vector", str(broken), "--layer", layer_id])
    assert result.exit_code == 1
    assert "broken.gpkg: not a readable vector file" in result.output
    assert "Traceback" not in result.output
    assert count(engine, layer_id) == 5
    assert [v[1] for v in versions(engine, layer_id)] == ["current", "failed"]


def test_strict_refuses_an_invalid_geometry(cli: CliRunner, engine: Engine, layer_id: str,
                                            tmp_path: Path) -> None:
    source = tmp_path / "bowtie.geojson"
    source.write_text(BOWTIE_GEOJSON, encoding="utf-8")
    declared = manifest(tmp_path / "layers.yml", layer_id, source)
    strict = cli.invoke(build_app(), ["ingest", "vector", str(source), "--layer", layer_id,
                                      "--manifest", str(declared), "--strict"])
    assert strict.exit_code == 1
    assert "feature #1" in strict.output
    assert "--strict" in strict.output
    lenient = cli.invoke(build_app(), ["ingest", "vector", str(source), "--layer", layer_id,
                                       "--manifest", str(declared)])
    assert lenient.exit_code == 0, lenient.output
    assert "invalid_geometry" in lenient.output
    assert "repaired" in lenient.output


def test_an_unmigrated_database_gets_advice_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, database_url: str
) -> None:
    empty = f"twin_empty_{abs(hash(database_url)) % 10_000_000}"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{empty}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{empty}"')
    url = make_url(database_url).set(database=empty).render_as_string(hide_password=False)
    monkeypatch.setenv("TWIN_DATABASE_URL", url)
    result = CliRunner().invoke(build_app(), ["layers", "list"])
    assert result.exit_code == 1
    assert "twin db migrate" in result.output
    assert "Traceback" not in result.output
    # and a server that is not there: how to start one
    monkeypatch.setenv("TWIN_DATABASE_URL", "postgresql://twin@127.0.0.1:9/nowhere")
    result = CliRunner().invoke(build_app(), ["layers", "list"])
    assert result.exit_code == 1
    assert "twin db up" in result.output
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f'DROP DATABASE "{empty}"')
