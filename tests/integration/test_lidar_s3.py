"""``twin ingest lidar s3://bucket/x.laz`` against a local S3-compatible server (moto's server
mode, started here; never a real cloud): the object is streamed and hashed, its URL recorded,
an unchanged object (same ETag and size) skipped unread, a replaced one re-indexed, and the
DTM built from the object equals the one built from the same file on disk.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasterio
import s3fs
from engine_support import moto_s3
from lidar_support import DELFT, REPO, lidar_spec
from sqlalchemy import Engine
from typer.testing import CliRunner

from gis.errors import IngestError
from gis.lidar import scan, sql
from gis.lidar.crs import parse_given_crs
from gis.lidar.ingest import ingest_lidar
from gis.raster.build import build_dem
from twin.cli import build_app

BUCKET = "twin-lidar"
NAP = "EPSG:28992+5709"


@pytest.fixture(scope="module")
def s3() -> Iterator[dict[str, Any]]:
    """A moto S3 server on a free port and the fsspec options that reach it."""
    with moto_s3(BUCKET) as options:
        yield options


def _upload(options: dict[str, Any], source: Path, key: str) -> str:
    fs = s3fs.S3FileSystem(skip_instance_cache=True, **options)
    fs.put_file(str(source), f"{BUCKET}/{key}")
    return f"s3://{BUCKET}/{key}"


def _ingest(layer: str, url: str) -> dict[str, Any]:
    result = CliRunner().invoke(build_app(), ["ingest", "lidar", url, "--layer", layer,
                                              "--crs", NAP, "--title", "Delft (S3)", "--json"])
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def test_cli_ingests_laz_from_object_storage(
        s3: dict[str, Any], engine: Engine, database_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TWIN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TWIN_CONFIG_DIR", str(REPO / "config"))
    monkeypatch.setenv("TWIN_STORAGE_OPTIONS", json.dumps(s3))
    layer = f"t_s3l_{uuid.uuid4().hex[:8]}"
    url = _upload(s3, DELFT[1], f"{layer}/tile.laz")

    first = _ingest(layer, url)
    assert first["added"] == [url]
    assert first["point_count"] == 208432
    with engine.connect() as conn:
        row = sql.files_of(conn, layer)[0]
    assert row["path"] == url  # the URL is the file's source
    assert row["checksum"] == hashlib.sha256(DELFT[1].read_bytes()).hexdigest()
    assert row["size_bytes"] == DELFT[1].stat().st_size
    assert row["extra"]["etag"]

    def unread(*args: object) -> None:
        raise AssertionError("an unchanged object was read again")

    with monkeypatch.context() as patch:
        patch.setattr(scan, "_scan_object", unread)
        again = _ingest(layer, url)
    assert again["unchanged"] == [url]
    assert again["version"] == first["version"]

    _upload(s3, DELFT[0], f"{layer}/tile.laz")  # the object replaced: new ETag and size
    changed = _ingest(layer, url)
    assert changed["replaced"] == [url]
    assert changed["version"] == first["version"] + 1
    assert changed["point_count"] == 640510


def test_dtm_from_an_object_equals_the_dtm_from_the_file(
        s3: dict[str, Any], engine: Engine, tmp_path: Path) -> None:
    crs = parse_given_crs(NAP)
    remote, local = (f"t_s3d_{uuid.uuid4().hex[:8]}" for _ in range(2))
    url = _upload(s3, DELFT[1], f"{remote}/tile.laz")
    ingest_lidar(engine, lidar_spec(remote), [url], crs=crs, storage_options=s3)
    ingest_lidar(engine, lidar_spec(local), DELFT[1:], crs=crs)
    from_s3 = build_dem(engine, remote, "dtm", 2.0, tmp_path, storage_options=s3)
    from_disk = build_dem(engine, local, "dtm", 2.0, tmp_path)
    with rasterio.open(from_s3.path) as a, rasterio.open(from_disk.path) as b:
        assert np.array_equal(a.read(), b.read())
    assert from_s3.data_cells > 1000


def test_a_missing_object_is_named(s3: dict[str, Any], engine: Engine) -> None:
    url = f"s3://{BUCKET}/nowhere/missing.laz"
    with pytest.raises(IngestError, match=f"{url}: no such object"):
        ingest_lidar(engine, lidar_spec(f"t_s3m_{uuid.uuid4().hex[:8]}"), [url],
                     crs=parse_given_crs(NAP), storage_options=s3)
