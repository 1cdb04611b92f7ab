"""Point-cloud and heights builds of a LiDAR layer ingested from object storage (moto's S3
server, started here; never a real cloud): ``twin build pointcloud`` passes
``TWIN_STORAGE_OPTIONS`` to the build, the partition jobs and the heights tasks read the
objects at their URLs, in spawned workers too (the options travel in the jobs), and the
results equal the builds from the same files on disk: same tiles byte for byte, same heights.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import laspy
import pytest
import s3fs
from buildings_support import DELFT_PAND, spec
from engine_support import moto_s3
from lidar_support import DELFT, REPO, lidar_spec
from sqlalchemy import Engine
from typer.testing import CliRunner

from gis.city import sql as city_sql
from gis.city.derive import heights_from_lidar
from gis.ingest import ingest_vector
from gis.lidar.crs import parse_given_crs
from gis.lidar.ingest import ingest_lidar
from tiles.errors import BuildInputError
from tiles.pointcloud.build import BuildResult, build_pointcloud, sources_from_headers
from tiles.pointcloud.layer import build_layer_tileset
from tiles.pointcloud.partition import PointSource
from twin.cli import build_app

pytestmark = pytest.mark.integration

BUCKET = "twin-pointcloud"
NAP = "EPSG:28992+5709"
WORKERS = 2  # one lane here, one spawned process: jobs (and their options) are pickled


@dataclass(frozen=True)
class Layers:
    """The Delft LiDAR files ingested twice: by URL from the bucket, and from disk."""

    remote: str
    local: str
    options: dict[str, Any]


@pytest.fixture(scope="module")
def layers(engine: Engine) -> Iterator[Layers]:
    with moto_s3(BUCKET) as options:
        remote, local = (f"t_pcs3_{uuid.uuid4().hex[:8]}" for _ in range(2))
        fs = s3fs.S3FileSystem(skip_instance_cache=True, **options)
        urls = []
        for path in DELFT:
            fs.put_file(str(path), f"{BUCKET}/{remote}/{path.name}")
            urls.append(f"s3://{BUCKET}/{remote}/{path.name}")
        crs = parse_given_crs(NAP)
        ingest_lidar(engine, lidar_spec(remote), urls, crs=crs, storage_options=options)
        ingest_lidar(engine, lidar_spec(local), DELFT, crs=crs)
        yield Layers(remote, local, options)


def _tile_digests(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*.glb"))}


def _without_version(tileset: Path) -> dict[str, Any]:
    """tileset.json less ``asset.tilesetVersion`` (a fingerprint of the sources' paths)."""
    document: dict[str, Any] = json.loads(tileset.read_text(encoding="utf-8"))
    document["asset"].pop("tilesetVersion", None)
    return document


def _build_cli(layer: str) -> str:
    result = CliRunner().invoke(build_app(), ["build", "pointcloud", layer])
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_builds_the_pointcloud_from_objects_as_from_files(
        layers: Layers, engine: Engine, database_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TWIN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TWIN_CONFIG_DIR", str(REPO / "config"))
    monkeypatch.setenv("TWIN_STORAGE_OPTIONS", json.dumps(layers.options))
    # the CLI's in-process lanes: as many as the build from disk, so tiles are comparable
    monkeypatch.setattr(os, "cpu_count", lambda: WORKERS)
    assert "848,942 points" in _build_cli(layers.remote)
    from_s3 = tmp_path / "var" / "tiles" / layers.remote
    from_disk = build_layer_tileset(engine, layers.local, tmp_path, workers=WORKERS)
    assert from_disk.result is not None
    assert from_disk.result.points == 640510 + 208432
    tiles = _tile_digests(from_s3)
    assert len(tiles) == from_disk.result.tiles > 1
    assert tiles == _tile_digests(from_disk.path)
    assert (_without_version(from_s3 / "tileset.json")
            == _without_version(from_disk.path / "tileset.json"))
    manifest = json.loads((from_s3 / "build.json").read_text(encoding="utf-8"))
    assert all(path.startswith(f"s3://{BUCKET}/") for path in manifest["files"])
    # the manifest keyed by URL says nothing changed
    assert "sources unchanged" in _build_cli(layers.remote)


def _sources(folder: Path) -> list[PointSource]:
    """The files of ``folder`` as the index gives them (with their checksums)."""
    return [replace(s, checksum=hashlib.sha256(Path(s.path).read_bytes()).hexdigest())
            for s in sources_from_headers(sorted(folder.glob("*.laz")), NAP)]


def test_a_partial_rebuild_from_objects_equals_the_one_from_files(
        layers: Layers, tmp_path: Path) -> None:
    """The rebuild state keys URL sources by URL: a replaced object is the only one read
    again, and the result is the partial rebuild of the same change on disk."""
    files = tmp_path / "files"
    files.mkdir()
    for path in DELFT:
        shutil.copyfile(path, files / path.name)
    prefix = f"partial_{uuid.uuid4().hex[:8]}"
    fs = s3fs.S3FileSystem(skip_instance_cache=True, **layers.options)

    def upload_and_build(incremental: bool) -> tuple[BuildResult, BuildResult]:
        local = _sources(files)
        remote = []
        for source in local:
            url = f"s3://{BUCKET}/{prefix}/{Path(source.path).name}"
            fs.put_file(source.path, url)
            remote.append(replace(source, path=url))
        return (build_pointcloud(remote, tmp_path / "s3", workers=WORKERS,
                                 incremental=incremental, storage_options=layers.options),
                build_pointcloud(local, tmp_path / "disk", workers=WORKERS,
                                 incremental=incremental))

    upload_and_build(incremental=False)
    changed = laspy.read(DELFT[1])
    changed.z = changed.z + 0.25  # a resurvey: the same tile, 25 cm higher
    changed.write(files / DELFT[1].name)
    from_s3, from_disk = upload_and_build(incremental=True)
    assert from_s3.partial
    assert from_s3.files_read == from_disk.files_read == 1
    assert from_s3.tasks_built == from_disk.tasks_built
    assert _tile_digests(tmp_path / "s3") == _tile_digests(tmp_path / "disk")


def test_an_object_gone_since_ingest_is_named(
        layers: Layers, engine: Engine, tmp_path: Path) -> None:
    layer = f"t_pcs3g_{uuid.uuid4().hex[:8]}"
    url = f"s3://{BUCKET}/{layer}/{DELFT[1].name}"
    fs = s3fs.S3FileSystem(skip_instance_cache=True, **layers.options)
    fs.put_file(str(DELFT[1]), url)
    ingest_lidar(engine, lidar_spec(layer), [url], crs=parse_given_crs(NAP),
                 storage_options=layers.options)
    fs.rm(url)
    with pytest.raises(BuildInputError, match=f"^{url}: cannot read the header: no such object$"):
        build_layer_tileset(engine, layer, tmp_path, workers=1, storage_options=layers.options)
    assert not (tmp_path / layer / "tileset.json").exists()


def test_heights_from_objects_equal_heights_from_files(layers: Layers, engine: Engine) -> None:
    buildings = f"t_pcs3b_{uuid.uuid4().hex[:8]}"
    ingest_vector(engine, spec(buildings), DELFT_PAND, default_storage_crs="EPSG:28992")

    def heights(lidar: str, **options: Any) -> list[tuple[Any, ...]]:
        run = heights_from_lidar(engine, buildings, lidar, **options)
        assert run.measured >= 155
        with engine.connect() as conn:
            rows = city_sql.heights_of(conn, buildings)
        return sorted((r["fid"], r["roof_height"], r["ground_height"], r["point_count"],
                       r["ground_point_count"], r["flag"]) for r in rows)

    from_s3 = heights(layers.remote, storage_options=layers.options)  # spawned workers
    with ThreadPoolExecutor(2) as threads:
        from_disk = heights(layers.local, executor=threads)
    assert len(from_s3) == 160
    assert from_s3 == from_disk
