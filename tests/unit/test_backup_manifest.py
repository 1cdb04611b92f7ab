"""The backup's manifest, checksums, file selection and restore list, without a database."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from gis import backup
from gis.errors import BackupCorrupted

LISTING = """;
; Archive created at 2026-12-04 05:13:12 UTC
;
10; 2615 165181 SCHEMA - data twin
9; 2615 164131 SCHEMA - twin twin
2; 3079 164137 EXTENSION - postgis
4442; 0 0 COMMENT - EXTENSION postgis
3; 3079 165229 EXTENSION - pgcrypto
4441; 0 0 COMMENT - EXTENSION pgcrypto
228; 1259 165184 TABLE twin layer twin
"""


def _manifest(entries: tuple[backup.FileEntry, ...]) -> backup.Manifest:
    return backup.Manifest(
        created_at="2026-12-04T05:13:12+00:00", server_version=150018, pg_dump_major=15,
        data_dir="/srv/twin/var", extensions=(backup.Extension("postgis", "public", "3.3.2"),),
        files=entries, external_files=(backup.ExternalFile("/data/a.laz", "ab" * 32),))


def _write_backup(folder: Path, files: dict[str, bytes]) -> backup.Manifest:
    entries = []
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        entries.append(backup.FileEntry(relative, len(content),
                                        hashlib.sha256(content).hexdigest(), 1))
    manifest = _manifest(tuple(entries))
    (folder / backup.MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def test_the_manifest_reads_back_as_written() -> None:
    manifest = _manifest((backup.FileEntry("database.dump", 3, "00" * 32, 5),))
    assert backup.Manifest.from_json(manifest.to_json(), "m.json") == manifest


@pytest.mark.parametrize(("change", "said"), [
    ({"format": "something-else"}, "not a backup of the twin"),
    ({"format_version": 99}, "format version 99"),
    ({"files": [{"path": "x"}]}, "unreadable manifest"),
])
def test_a_foreign_or_broken_manifest_is_named(change: dict[str, object], said: str) -> None:
    document = json.loads(_manifest(()).to_json()) | change
    with pytest.raises(BackupCorrupted, match=said) as caught:
        backup.Manifest.from_json(json.dumps(document), "/b/manifest.json")
    assert "/b/manifest.json" in str(caught.value)


def test_verify_names_the_altered_the_missing_and_the_extra_file(tmp_path: Path) -> None:
    manifest = _write_backup(tmp_path, {"database.dump": b"dump",
                                        "files/tiles/t/tileset.json": b"{}",
                                        "files/tiles/t/0.glb": b"glTF...."})
    assert backup.verify(tmp_path) == manifest
    (tmp_path / "files/tiles/t/0.glb").write_bytes(b"glTF..,.")  # same size, other bytes
    with pytest.raises(BackupCorrupted, match=r"files/tiles/t/0\.glb: SHA-256"):
        backup.verify(tmp_path)
    (tmp_path / "files/tiles/t/0.glb").write_bytes(b"glTF")
    with pytest.raises(BackupCorrupted, match=r"0\.glb: 4 bytes, the manifest says 8"):
        backup.verify(tmp_path)
    (tmp_path / "files/tiles/t/0.glb").unlink()
    with pytest.raises(BackupCorrupted, match=r"0\.glb: missing"):
        backup.verify(tmp_path)
    _write_backup(tmp_path, {"database.dump": b"dump"})
    with pytest.raises(BackupCorrupted, match=r"tileset\.json: not in the manifest"):
        backup.verify(tmp_path)
    (tmp_path / backup.MANIFEST).unlink()
    with pytest.raises(BackupCorrupted, match="not a complete backup"):
        backup.verify(tmp_path)


def test_only_finished_products_are_backed_up(tmp_path: Path) -> None:
    for relative in ("tiles/city/tileset.json", "tiles/city/t/0.glb",
                     "tiles/.city.build.x1/tileset.json", "tiles/.city.state/cells.bin",
                     "exports/city.city.json.partial", "exports/city.city.json",
                     "postgres/data/PG_VERSION", "elsewhere/notes.txt", "catalog/.lock"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("x")
    assert [name for name, _ in backup.product_files(tmp_path)] == [
        "files/tiles/city/tileset.json", "files/tiles/city/t/0.glb",
        "files/exports/city.city.json"]


def test_the_restore_list_leaves_out_the_extensions_the_target_has() -> None:
    toc = backup.table_of_contents(LISTING)
    assert [(e.kind, e.name) for e in toc if e.kind != "OTHER"] == [
        ("SCHEMA", "data"), ("SCHEMA", "twin"), ("EXTENSION", "postgis"),
        ("EXTENSION COMMENT", "postgis"), ("EXTENSION", "pgcrypto"),
        ("EXTENSION COMMENT", "pgcrypto")]
    lines = backup.restore_list(toc, {"postgis"}).splitlines()
    assert ";2; 3079 164137 EXTENSION - postgis" in lines
    assert ";4442; 0 0 COMMENT - EXTENSION postgis" in lines
    assert "3; 3079 165229 EXTENSION - pgcrypto" in lines
    assert "228; 1259 165184 TABLE twin layer twin" in lines


def test_a_refusal_names_what_is_not_empty(tmp_path: Path) -> None:
    assert backup.refusal([], []) is None
    tables = [f"data.layer_{i}" for i in range(10)]
    message = backup.refusal(["twin.layer", *tables], [tmp_path / "tiles"])
    assert message is not None
    assert "twin.layer, data.layer_0" in message
    assert "and 3 more" in message
    assert str(tmp_path / "tiles") in message
    assert "--force" in message


def test_the_tools_get_a_connection_string_and_the_password_apart() -> None:
    conninfo, env = backup.libpq_target(
        "postgresql+psycopg://twin:s3cret@db.example:6543/store?sslmode=require")
    assert "s3cret" not in conninfo
    assert env["PGPASSWORD"] == "s3cret"
    assert all(part in conninfo for part in ("host=db.example", "port=6543", "user=twin",
                                             "dbname=store", "sslmode=require"))
