"""Pruning old versions: their history tables go, their registry rows stay (marked pruned)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from ingest_support import count, leuven_squares, load, rows, spec, versions
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from gis import registry
from gis.errors import InvalidLayerSpec, LayerBusy, LayerNotFound
from gis.ingest import sql
from gis.ingest.prune import prune_history
from twin.cli import build_app


def _history_tables(engine: Engine, layer_id: str) -> list[str]:
    found = rows(engine, "SELECT tablename FROM pg_tables WHERE schemaname = 'history' "
                         "AND tablename LIKE :prefix ORDER BY tablename",
                 prefix=f"{layer_id}__v%")
    return [row[0] for row in found]


def _four_versions(engine: Engine, layer_id: str, tmp_path: Path) -> None:
    for n in (2, 3, 4, 5):
        load(engine, spec(layer_id), leuven_squares(tmp_path / f"v{n}.geojson", n=n))


def test_prune_keeps_the_newest_superseded_versions(engine: Engine, layer_id: str,
                                                    tmp_path: Path) -> None:
    _four_versions(engine, layer_id, tmp_path)
    assert _history_tables(engine, layer_id) == [f"{layer_id}__v{v}" for v in (1, 2, 3)]
    assert prune_history(engine, layer_id, keep=1) == [1, 2]
    assert _history_tables(engine, layer_id) == [f"{layer_id}__v3"]
    assert [(v, status) for v, status, _ in versions(engine, layer_id)] == [
        (1, "pruned"), (2, "pruned"), (3, "superseded"), (4, "current")]
    # the current data and the kept version are untouched; pruning again changes nothing
    assert count(engine, layer_id) == 5
    assert rows(engine, f'SELECT count(*) FROM history."{layer_id}__v3"')[0][0] == 4  # noqa: S608
    assert prune_history(engine, layer_id, keep=1) == []
    assert prune_history(engine, layer_id, keep=0) == [3]
    assert _history_tables(engine, layer_id) == []
    # the next load still retires the current version into history
    load(engine, spec(layer_id), leuven_squares(tmp_path / "v6.geojson", n=6))
    assert _history_tables(engine, layer_id) == [f"{layer_id}__v4"]


def test_prune_refuses_bad_requests(engine: Engine, layer_id: str) -> None:
    with pytest.raises(LayerNotFound):
        prune_history(engine, layer_id, keep=1)
    with pytest.raises(InvalidLayerSpec, match="keep must be 0 or more"):
        prune_history(engine, layer_id, keep=-1)
    with engine.begin() as conn:
        registry.register(conn, spec(layer_id, kind="lidar"), "EPSG:28992")
    with pytest.raises(InvalidLayerSpec, match="only layers of rows"):
        prune_history(engine, layer_id, keep=0)


def test_prune_waits_for_a_load_then_says_the_layer_is_busy(
        engine: Engine, database_url: str, layer_id: str, tmp_path: Path) -> None:
    _four_versions(engine, layer_id, tmp_path)
    url = make_url(database_url)
    with psycopg.connect(host=url.host, port=url.port, dbname=url.database,
                         user=url.username, autocommit=True) as loading:
        loading.execute(sql.wait_lock(), (layer_id,))  # what a load holds while it runs
        with pytest.raises(LayerBusy, match="being loaded"):
            prune_history(engine, layer_id, keep=0, wait_seconds=0.2)
    assert len(_history_tables(engine, layer_id)) == 3  # nothing dropped
    assert prune_history(engine, layer_id, keep=0) == [1, 2, 3]


def test_prune_command(monkeypatch: pytest.MonkeyPatch, database_url: str, engine: Engine,
                       layer_id: str, tmp_path: Path) -> None:
    monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TWIN_CONFIG_DIR", str(tmp_path / "no-config"))
    _four_versions(engine, layer_id, tmp_path)
    cli = CliRunner()
    result = cli.invoke(build_app(), ["layers", "prune", layer_id, "--keep", "2"])
    assert result.exit_code == 0, result.output
    assert f"{layer_id}: pruned v1" in result.output
    neither = cli.invoke(build_app(), ["layers", "prune", "--keep", "0"])
    assert neither.exit_code != 0
    assert "--all" in neither.output
    history = cli.invoke(build_app(), ["layers", "history", layer_id])
    assert "pruned" in history.output
