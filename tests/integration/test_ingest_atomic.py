"""Atomic, versioned loads: history and lifespans, a killed process, a database stopping."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyogrio
import pytest
import shapely
from ingest_support import REPO, count, leuven_squares, load, rows, spec, versions
from sqlalchemy import Engine, text

from gis import migrate, registry
from gis.cluster import Cluster
from gis.db import make_engine
from gis.errors import IngestError
from gis.files import sha256_file
from gis.ingest import loader
from gis.ingest import sql as ingest_sql


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])

def big_geopackage(path: Path, n: int) -> Path:
    """``n`` 8 m squares on a grid in Leuven (EPSG:31370), written through Arrow."""
    x = 170000 + (np.arange(n) % 1000) * 10.0
    y = 170000 + (np.arange(n) // 1000) * 10.0
    boxes = shapely.box(x, y, x + 8, y + 8)
    table = pa.table({"code": pa.array(np.arange(n)), "geometry": shapely.to_wkb(boxes)})
    pyogrio.write_arrow(table, path, layer="parcels", driver="GPKG", geometry_name="geometry",
                        geometry_type="Polygon", crs="EPSG:31370")
    return path


def wait_for_copy(engine: Engine, layer_id: str, timeout: float = 120) -> None:
    """Until a COPY into this layer's staging table is running (or fail the test)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        active = rows(engine, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                      "AND query LIKE :q", q=f'COPY "staging"."{layer_id}__load%')[0][0]
        if active:
            return
        time.sleep(0.05)
    pytest.fail("the load never reached its COPY")


def test_every_load_is_a_version_with_lifespans(engine: Engine, layer_id: str,
                                               tmp_path: Path) -> None:
    source = leuven_squares(tmp_path / "a.geojson")
    first = load(engine, spec(layer_id), source)
    second = load(engine, spec(layer_id), leuven_squares(tmp_path / "b.geojson", n=3))
    third = load(engine, spec(layer_id), source)
    assert (first.version, second.version, third.version) == (1, 2, 3)
    assert first.checksum == third.checksum != second.checksum
    assert first.checksum == sha256_file(source)  # computed beside the load, recorded with it
    assert count(engine, layer_id) == 5
    with engine.connect() as conn:
        history = list(reversed(registry.history(conn, layer_id)))
    assert [v.checksum for v in history] == [first.checksum, second.checksum, third.checksum]
    assert [v.status for v in history] == ["superseded", "superseded", "current"]
    assert history[0].end_lifespan == history[1].begin_lifespan
    assert history[1].end_lifespan == history[2].begin_lifespan
    assert history[2].end_lifespan is None
    assert rows(engine, f'SELECT count(*) FROM history."{layer_id}__v1"')[0][0] == 5  # noqa: S608
    assert rows(engine, f'SELECT count(*) FROM history."{layer_id}__v2"')[0][0] == 3  # noqa: S608
    names = {r[0] for r in rows(engine, "SELECT indexname FROM pg_indexes WHERE "
                                "schemaname = 'data' AND tablename = :t", t=layer_id)}
    assert names == {f"{layer_id}_pkey", f"{layer_id}_geom_idx", f"{layer_id}_geom_4326_idx",
                     f"{layer_id}_geom_3857_idx"}
    # new features continue the fid sequence after the loaded ones
    with engine.begin() as conn:
        fid = conn.execute(text(
            f'INSERT INTO data."{layer_id}" (geom, geom_4326, geom_3857) SELECT geom, '  # noqa: S608
            f'geom_4326, geom_3857 FROM data."{layer_id}" LIMIT 1 RETURNING fid')).scalar_one()
    assert fid == 6


def test_a_second_load_of_the_same_layer_waits_its_turn(
    engine: Engine, layer_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "LOCK_WAIT_SECONDS", 0.5)
    source = leuven_squares(tmp_path / "a.geojson")
    load(engine, spec(layer_id), source)
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute(ingest_sql.try_lock(), (layer_id,))
        with pytest.raises(IngestError, match=r"another load of layer .* is running"):
            load(engine, spec(layer_id), source)
        driver.execute(ingest_sql.unlock(), (layer_id,))
        conn.commit()
    assert load(engine, spec(layer_id), source).version == 2


def test_killed_ingest_process_leaves_the_previous_version(
    engine: Engine, database_url: str, layer_id: str, tmp_path: Path
) -> None:
    load(engine, spec(layer_id), leuven_squares(tmp_path / "small.geojson"))
    big = big_geopackage(tmp_path / "big.gpkg", 300_000)
    twin = Path(sys.executable).with_name("twin")
    env = {**os.environ, "TWIN_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [str(twin), "ingest", "vector", str(big), "--layer", layer_id],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_copy(engine, layer_id)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
    assert count(engine, layer_id) == 5
    assert versions(engine, layer_id)[-1][:2] == (None, "loading")
    result = load(engine, spec(layer_id), leuven_squares(tmp_path / "next.geojson", n=4))
    assert result.version == 2
    assert count(engine, layer_id) == 4
    statuses = [v[1] for v in versions(engine, layer_id)]
    assert statuses == ["superseded", "failed", "current"]
    assert "interrupted" in (versions(engine, layer_id)[1][2] or "")
    leftovers = rows(engine, "SELECT count(*) FROM pg_tables WHERE schemaname = 'staging' "
                     "AND tablename LIKE :p", p=f"{layer_id}%")[0][0]
    assert leftovers == 0


@pytest.fixture
def crash_cluster() -> Iterator[Cluster]:
    """A private cluster of this test alone (it gets stopped hard mid-load)."""
    root = REPO / "var" / f"test-ingest-crash-{uuid.uuid4().hex[:8]}"
    cluster = Cluster(root=root, port=free_port())
    cluster.up()
    try:
        yield cluster
    finally:
        try:
            cluster.down()
        finally:
            shutil.rmtree(root, ignore_errors=True)
            (root.parent / f".{root.name}.lock").unlink(missing_ok=True)


def test_database_stopping_mid_load_leaves_the_previous_version(
    crash_cluster: Cluster, tmp_path: Path
) -> None:
    engine = make_engine(crash_cluster.url())
    migrate.upgrade(engine)
    layer_id = "crash_parcels"
    load(engine, spec(layer_id), leuven_squares(tmp_path / "small.geojson"))
    big = big_geopackage(tmp_path / "big.gpkg", 300_000)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            load(engine, spec(layer_id), big)
        except BaseException as exc:  # handed to the test thread
            errors.append(exc)

    loader = threading.Thread(target=run)
    loader.start()
    wait_for_copy(engine, layer_id)
    crash_cluster._run(["pg_ctl", "-D", str(crash_cluster.pgdata), "-m", "immediate", "stop"])
    loader.join(timeout=120)
    assert not loader.is_alive()
    assert len(errors) == 1
    assert isinstance(errors[0], IngestError)
    assert "big.gpkg" in str(errors[0])
    engine.dispose()
    crash_cluster.up()
    engine = make_engine(crash_cluster.url())
    try:
        assert count(engine, layer_id) == 5
        assert versions(engine, layer_id)[-1][:2] == (None, "loading")
        assert load(engine, spec(layer_id), leuven_squares(tmp_path / "n.geojson", 2)).version == 2
        assert [v[1] for v in versions(engine, layer_id)] == ["superseded", "failed", "current"]
    finally:
        engine.dispose()


def test_a_failure_after_staging_drops_the_staged_table(
    engine: Engine, layer_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staged table is committed before its indexes are built: a failure from then on
    must still leave the previous version alone and drop the staged table."""
    load(engine, spec(layer_id), leuven_squares(tmp_path / "a.geojson"))

    def broken(self: object) -> None:
        raise IngestError("index", "index build failed")

    monkeypatch.setattr(loader, "PARALLEL_INDEX_MIN_FEATURES", 0)  # the large-load path
    monkeypatch.setattr(loader._Load, "_build_indexes", broken)
    failing = leuven_squares(tmp_path / "b.geojson", n=3)
    with pytest.raises(IngestError, match="index build failed"):
        load(engine, spec(layer_id), failing)
    assert count(engine, layer_id) == 5
    assert [v[1] for v in versions(engine, layer_id)] == ["current", "failed"]
    with engine.connect() as conn:
        assert registry.history(conn, layer_id)[0].checksum == sha256_file(failing)
    assert rows(engine, "SELECT count(*) FROM pg_tables WHERE schemaname = 'staging' "
                "AND tablename LIKE :p", p=f"{layer_id}%")[0][0] == 0


def test_large_loads_index_side_by_side_and_keep_the_contract(
    engine: Engine, layer_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The committed-staging path (indexes on other connections) ends in the same table."""
    monkeypatch.setattr(loader, "PARALLEL_INDEX_MIN_FEATURES", 0)
    load(engine, spec(layer_id), leuven_squares(tmp_path / "a.geojson"))
    load(engine, spec(layer_id), leuven_squares(tmp_path / "b.geojson", n=3))
    assert count(engine, layer_id) == 3
    names = {r[0] for r in rows(engine, "SELECT indexname FROM pg_indexes WHERE "
                                "schemaname = 'data' AND tablename = :t", t=layer_id)}
    assert names == {f"{layer_id}_pkey", f"{layer_id}_geom_idx", f"{layer_id}_geom_4326_idx",
                     f"{layer_id}_geom_3857_idx"}
    key = rows(engine, "SELECT contype FROM pg_constraint WHERE conname = :n",
               n=f"{layer_id}_pkey")
    assert key == [("p",)]
    assert rows(engine, f'SELECT count(*) FROM history."{layer_id}__v1"')[0][0] == 5  # noqa: S608


@pytest.mark.parametrize("index_side_by_side", [False, True])
def test_a_new_version_is_written_frozen_and_all_visible(
    engine: Engine, layer_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    index_side_by_side: bool,
) -> None:
    """COPY FREEZE: no vacuum pass is needed before index-only scans, on either path."""
    if index_side_by_side:
        monkeypatch.setattr(loader, "PARALLEL_INDEX_MIN_FEATURES", 0)
    load(engine, spec(layer_id), big_geopackage(tmp_path / "a.gpkg", 3000))
    pages, visible = rows(engine, "SELECT relpages, relallvisible FROM pg_class "
                          "WHERE oid = to_regclass(:t)", t=f'data."{layer_id}"')[0]
    assert pages > 1
    assert visible == pages


def test_the_next_load_drops_what_a_killed_load_staged(
    engine: Engine, layer_id: str, tmp_path: Path
) -> None:
    """Tables a killed load left in the staging schema go; another layer's stay."""
    with engine.begin() as conn:
        conn.execute(text(f'CREATE TABLE staging."{layer_id}__load999" (fid bigint)'))
        conn.execute(text(f'CREATE TABLE staging."{layer_id}_b__load7" (fid bigint)'))
    load(engine, spec(layer_id), leuven_squares(tmp_path / "a.geojson"))
    left = {r[0] for r in rows(engine, "SELECT tablename FROM pg_tables WHERE schemaname = "
                               "'staging' AND tablename LIKE :p", p=f"{layer_id}%")}
    assert left == {f"{layer_id}_b__load7"}
    with engine.begin() as conn:
        conn.execute(text(f'DROP TABLE staging."{layer_id}_b__load7"'))
