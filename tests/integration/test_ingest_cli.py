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


# --- the same flags on every ingest command, one resolver (issue 14, items 2 and 7) ---------
def _access(engine: Engine, layer_id: str) -> str:
    with engine.connect() as conn:
        return registry.get_layer(conn, layer_id).spec.access_level


def test_ingest_vector_access_takes_effect(cli: CliRunner, engine: Engine, layer_id: str,
                                           tmp_path: Path) -> None:
    source = leuven_squares(tmp_path / "squares.geojson")
    args = ["ingest", "vector", str(source), "--layer", layer_id, "--title", "Squares",
            "--licence", "CC0", "--producer", "GIS", "--contact-email", "gis@example.be"]
    opened = cli.invoke(build_app(), [*args, "--access", "open"])
    assert opened.exit_code == 0, opened.output
    assert _access(engine, layer_id) == "open"
    # a registered declaration keeps what it was given, and a change is said, not silent
    kept = cli.invoke(build_app(), ["ingest", "vector", str(source), "--layer", layer_id])
    assert kept.exit_code == 0, kept.output
    assert _access(engine, layer_id) == "open"
    closed = cli.invoke(build_app(), ["ingest", "vector", str(source), "--layer", layer_id,
                                      "--access", "closed"])
    assert closed.exit_code == 0, closed.output
    assert "access_level: open -> closed (--access)" in closed.output
    assert _access(engine, layer_id) == "closed"
    wrong = cli.invoke(build_app(), ["ingest", "vector", str(source), "--layer", layer_id,
                                     "--access", "public"])
    assert wrong.exit_code == 2


def test_ingest_all_access_takes_effect(cli: CliRunner, engine: Engine, layer_id: str,
                                        tmp_path: Path) -> None:
    source = leuven_squares(tmp_path / "squares.geojson")
    declared = manifest(tmp_path / "layers.yml", layer_id, source)
    result = cli.invoke(build_app(), ["ingest", "all", "--manifest", str(declared),
                                      "--access", "shared", "--json"])
    assert result.exit_code == 0, result.output
    [loaded] = json.loads(result.stdout)
    assert (loaded["layer_id"], loaded["version"], loaded["feature_count"]) == (layer_id, 1, 5)
    assert _access(engine, layer_id) == "shared"
    # without the flag, the manifest (which says nothing of access) gives the default
    again = cli.invoke(build_app(), ["ingest", "all", "--manifest", str(declared)])
    assert again.exit_code == 0, again.output
    assert _access(engine, layer_id) == "closed"


def test_a_flag_contradicting_the_manifest_is_an_error(cli: CliRunner, engine: Engine,
                                                      layer_id: str, tmp_path: Path) -> None:
    source = leuven_squares(tmp_path / "squares.geojson")
    declared = manifest(tmp_path / "layers.yml", layer_id, source, access_level="open")
    for command in (["ingest", "vector", str(source), "--layer", layer_id],
                    ["ingest", "all"]):
        result = cli.invoke(build_app(), [*command, "--manifest", str(declared),
                                          "--access", "closed"])
        assert result.exit_code == 1, result.output
        assert "--access closed conflicts with access_level: open" in result.output
        assert "Traceback" not in result.output
    with engine.connect() as conn:
        assert layer_id not in {layer.id for layer in registry.list_layers(conn)}
    agreeing = cli.invoke(build_app(), ["ingest", "vector", str(source), "--layer", layer_id,
                                        "--manifest", str(declared), "--access", "open"])
    assert agreeing.exit_code == 0, agreeing.output
    assert _access(engine, layer_id) == "open"


def test_sources_are_named_as_given(cli: CliRunner, engine: Engine, layer_id: str,
                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stored report and the version name the file as typed (or as the manifest names
    it, joined to the manifest's path as given), never by this machine's folders."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    leuven_squares(tmp_path / "data" / "squares.geojson")
    (tmp_path / "config").mkdir()
    manifest(tmp_path / "config" / "layers.yml", layer_id, Path("../data/squares.geojson"))
    typed = cli.invoke(build_app(), ["ingest", "vector", "data/squares.geojson", "--layer",
                                     layer_id, "--manifest", "config/layers.yml"])
    assert typed.exit_code == 0, typed.output
    listed = cli.invoke(build_app(), ["ingest", "all", "--manifest", "config/layers.yml"])
    assert listed.exit_code == 0, listed.output
    with engine.connect() as conn:
        layer = registry.get_layer(conn, layer_id)
        history = registry.history(conn, layer_id)
    assert layer.quality is not None
    assert layer.quality["source"] == "data/squares.geojson"
    assert [v.source for v in history] == ["data/squares.geojson"] * 2
    assert str(tmp_path) not in json.dumps([v.model_dump(mode="json") for v in history])
    (tmp_path / "data" / "broken.gpkg").write_bytes(b"not a geopackage")
    broken = cli.invoke(build_app(), ["ingest", "vector", "data/broken.gpkg", "--layer",
                                      layer_id])
    assert broken.exit_code == 1
    assert "error: data/broken.gpkg: not a readable vector file" in broken.output
    assert str(tmp_path) not in broken.output


def test_layers_show_prints_a_report_and_json(cli: CliRunner, layer_id: str,
                                              tmp_path: Path) -> None:
    source = tmp_path / "bowtie.geojson"
    source.write_text(BOWTIE_GEOJSON, encoding="utf-8")
    declared = manifest(tmp_path / "layers.yml", layer_id, source, access_level="shared",
                        shared_with="[notaries]")
    loaded = cli.invoke(build_app(), ["ingest", "vector", str(source), "--layer", layer_id,
                                      "--manifest", str(declared)])
    assert loaded.exit_code == 0, loaded.output
    shown = cli.invoke(build_app(), ["layers", "show", layer_id], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    text = shown.output
    for expected in (f"Layer {layer_id}", "shared (shared with notaries)", "CC_BY_4_0",
                     "MONTHLY", "Titles", "Parcelles", "Parcels", f"History of {layer_id}",
                     "current", "Quality of v1", "features read", "repaired",
                     "invalid_geometry"):
        assert expected in text, expected
    as_json = cli.invoke(build_app(), ["layers", "show", layer_id, "--json"])
    assert as_json.exit_code == 0, as_json.output
    payload = json.loads(as_json.stdout)
    assert payload["spec"]["id"] == layer_id
    assert payload["spec"]["title"] == {"fr": "Parcelles", "en": "Parcels"}
    assert payload["current_version"] == 1
    assert payload["quality"]["repaired"] == 1
    assert set(payload) >= {"spec", "storage_srid", "feature_count", "extent", "quality"}
