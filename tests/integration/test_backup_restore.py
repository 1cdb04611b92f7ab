"""``twin backup`` / ``twin restore`` end to end: a real store with a built 3D tileset, the
catalogue and its downloads, backed up, restored into a new database of the same server and
a new data directory, and asked the same questions over HTTP.

The source database is created empty and migrated like every test database (its extensions
land in the ``twin`` schema); the target is created as ``twin db up`` creates one (PostGIS in
``public``), so the restore has to reconcile the extensions, not only copy rows.
"""

from __future__ import annotations

import json
import math
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from buildings_support import tenerife_buildings
from fastapi.testclient import TestClient
from psycopg import sql
from rdflib import Graph
from rdflib.compare import isomorphic
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from gis import backup as store_backup
from gis import migrate
from gis.builds import products_shared
from gis.db import make_engine
from gis.schema import GEOMETRY_COLUMN, ID_COLUMN, current_relation
from twin.app import create_app
from twin.cli import build_app
from twin.settings import Settings

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def _admin_dsn(database_url: str) -> str:
    url = make_url(database_url)
    return psycopg.conninfo.make_conninfo(
        host=url.host or "", port=str(url.port or 5432), user=url.username or "",
        password=url.password or "", dbname="postgres")


def create_database(database_url: str, name: str, *, postgis: bool) -> str:
    """A new empty database on the test server (with PostGIS in public, as `twin db up`)."""
    with psycopg.connect(_admin_dsn(database_url), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    if postgis:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE EXTENSION postgis SCHEMA public")
        engine.dispose()
    return url


def drop_database(database_url: str, name: str) -> None:
    with psycopg.connect(_admin_dsn(database_url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


def twin(url: str, data_dir: Path, *args: str) -> Any:
    return CliRunner().invoke(build_app(), list(args), env={
        "TWIN_DATABASE_URL": url, "TWIN_DATA_DIR": str(data_dir),
        "TWIN_PUBLIC_URL": "http://testserver", "TWIN_CONFIG_DIR": str(REPO / "config")})


def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int, int]:
    """The WebMercatorQuad tile (z, row, col) holding a point."""
    n = 2 ** zoom
    col = int((lon + 180.0) / 360.0 * n)
    row = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return zoom, row, col


def first_content(node: dict[str, Any]) -> str:
    """The uri of the first tile content in a tileset (depth first)."""
    if "content" in node:
        return str(node["content"]["uri"])
    return first_content(node["children"][0])


def answers(url: str, data_dir: Path, layer: str) -> dict[str, Any]:
    """What the service says about the store: collections, counts, a vector tile, the 3D
    tileset and one of its tiles, the catalogue; and a feature's stored geometry."""
    settings = Settings(database_url=url, data_dir=data_dir, config_dir=REPO / "config",
                        public_url="http://testserver", ogc_registry_ttl=0.0)
    found: dict[str, Any] = {}
    with TestClient(create_app(settings)) as client:
        collections = client.get("/collections", params={"f": "json"}).json()
        found["collections"] = sorted(c["id"] for c in collections["collections"])
        items = client.get(f"/collections/{layer}/items",
                           params={"f": "json", "limit": 1}).json()
        found["count"] = items["numberMatched"]
        point = items["features"][0]["geometry"]["coordinates"]
        while isinstance(point[0], list):
            point = point[0]
        lon, lat = point[:2]
        z, row, col = tile_of(lon, lat, 15)
        mvt = client.get(f"/collections/{layer}/tiles/WebMercatorQuad/{z}/{row}/{col}")
        assert mvt.status_code == 200
        assert len(mvt.content) > 0
        found["mvt"] = mvt.content
        tileset = client.get(f"/3dtiles/{layer}/tileset.json")
        assert tileset.status_code == 200
        found["tileset"] = tileset.content
        glb = client.get(f"/3dtiles/{layer}/{first_content(tileset.json()['root'])}")
        assert glb.status_code == 200
        assert glb.content[:4] == b"glTF"
        found["glb"] = glb.content
        catalog = client.get("/catalog.ttl")
        assert catalog.status_code == 200
        found["catalog"] = catalog.content  # with every download's byteSize and checksum
    engine = make_engine(url)
    with engine.connect() as conn:
        found["geometry"] = conn.exec_driver_sql(sql.SQL(
            "SELECT ST_AsBinary({}) FROM {} ORDER BY {} LIMIT 1").format(
                sql.Identifier(GEOMETRY_COLUMN), sql.Identifier(*current_relation(layer)),
                sql.Identifier(ID_COLUMN)).as_string(conn.connection.driver_connection)
        ).scalar_one()
    engine.dispose()
    return found


@dataclass(frozen=True)
class Source:
    url: str
    data_dir: Path
    layer: str
    backup: Path
    answers: dict[str, Any]


@pytest.fixture(scope="module")
def source(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    """A store with an open building layer, its 3D tileset, the catalogue and downloads,
    and its backup."""
    name = f"twin_backup_src_{uuid.uuid4().hex[:8]}"
    url = create_database(database_url, name, postgis=False)
    engine: Engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        prefix = f"bk_{uuid.uuid4().hex[:6]}"
        tenerife_buildings(engine, prefix)
        layer = f"{prefix}_cons"
        data_dir = tmp_path_factory.mktemp("source-var")
        for args in (("build", "buildings", layer), ("catalog", "export")):
            result = twin(url, data_dir, *args)
            assert result.exit_code == 0, result.output
        folder = tmp_path_factory.mktemp("backups") / "nightly"
        result = twin(url, data_dir, "backup", str(folder))
        assert result.exit_code == 0, result.output
        assert "backup written to" in result.output
        yield Source(url, data_dir, layer, folder, answers(url, data_dir, layer))
    finally:
        engine.dispose()
        drop_database(database_url, name)


@pytest.fixture
def target(database_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A new empty database on the same server (PostGIS in public) and data directory."""
    name = f"twin_backup_dst_{uuid.uuid4().hex[:8]}"
    url = create_database(database_url, name, postgis=True)
    yield url, tmp_path / "restored-var"
    drop_database(database_url, name)


def test_the_backup_describes_itself(source: Source) -> None:
    manifest = store_backup.verify(source.backup)
    paths = {f.path for f in manifest.files}
    assert store_backup.DUMP in paths
    assert f"files/tiles/{source.layer}/tileset.json" in paths
    assert any(p.startswith("files/catalog/catalog.ttl") for p in paths)
    assert any(p.startswith("files/downloads/") for p in paths)
    assert not any("/." in p for p in paths)  # no staging folder or build state
    assert {e.name for e in manifest.extensions} >= {"postgis", "pgcrypto", "unaccent"}
    assert oct(source.backup.stat().st_mode & 0o777) == "0o700"


def test_backup_wipe_restore_answers_the_same(source: Source, target: tuple[str, Path],
                                              tmp_path: Path) -> None:
    url, data_dir = target
    result = twin(url, data_dir, "restore", str(source.backup))
    assert result.exit_code == 0, result.output
    assert "restored" in result.output
    restored = answers(url, data_dir, source.layer)
    assert restored.keys() == source.answers.keys()
    for key, value in source.answers.items():
        if key == "catalog":  # blank node labels are drawn anew at every serialisation
            assert isomorphic(Graph().parse(data=restored[key], format="turtle"),
                              Graph().parse(data=value, format="turtle"))
        else:
            assert restored[key] == value, key
    # the restored store backs up to the same files, byte for byte
    again = tmp_path / "again"
    result = twin(url, data_dir, "backup", str(again))
    assert result.exit_code == 0, result.output
    first = json.loads((source.backup / store_backup.MANIFEST).read_text())
    second = json.loads((again / store_backup.MANIFEST).read_text())
    product = [f for f in first["files"] if f["path"] != store_backup.DUMP]
    assert product == [f for f in second["files"] if f["path"] != store_backup.DUMP]
    assert second["data_dir"] == str(data_dir.resolve())


def test_restore_refuses_a_store_that_is_not_empty(source: Source,
                                                   target: tuple[str, Path]) -> None:
    url, data_dir = target
    assert twin(url, data_dir, "restore", str(source.backup)).exit_code == 0
    refused = twin(url, data_dir, "restore", str(source.backup))
    assert refused.exit_code == 1
    message = " ".join(refused.output.split())
    assert "not empty" in message
    assert "twin.layer" in message
    assert f"data.{source.layer}" in message
    assert str(data_dir.resolve() / "tiles") in message
    assert "--force" in message
    forced = twin(url, data_dir, "restore", str(source.backup), "--force")
    assert forced.exit_code == 0, forced.output
    assert answers(url, data_dir, source.layer)["glb"] == source.answers["glb"]


def test_a_damaged_file_is_named_and_nothing_is_restored(
        source: Source, target: tuple[str, Path], tmp_path: Path) -> None:
    url, data_dir = target
    damaged = tmp_path / "damaged"
    shutil.copytree(source.backup, damaged)
    glb = next((damaged / "files" / "tiles" / source.layer).rglob("*.glb"))
    payload = bytearray(glb.read_bytes())
    payload[len(payload) // 2] ^= 0xFF
    glb.write_bytes(bytes(payload))
    result = twin(url, data_dir, "restore", str(damaged))
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert str(glb) in message
    assert "SHA-256" in message
    engine = make_engine(url)
    with engine.connect() as conn:
        assert store_backup.tables_with_rows(conn) == []
    engine.dispose()
    assert store_backup.folders_with_files(data_dir) == []
    assert not data_dir.exists() or not any(p.name.startswith(".") for p in data_dir.iterdir())


def test_a_backup_waits_for_running_builds(source: Source, tmp_path: Path) -> None:
    """A build holds the products lock shared; the backup gives up after --wait, saying why."""
    engine = make_engine(source.url)
    try:
        with products_shared(engine, "a test build"):
            result = twin(source.url, source.data_dir, "backup", str(tmp_path / "b"),
                          "--wait", "0.2")
    finally:
        engine.dispose()
    assert result.exit_code == 1
    assert "still running" in " ".join(result.output.split())
    assert not (tmp_path / "b").exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no half-written backup left
