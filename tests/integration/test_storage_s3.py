"""``twin build pointcloud LAYER --publish s3://bucket/prefix`` against a local S3-compatible
server (moto's server mode, started here; never a real cloud), then the published tileset
read back over plain HTTP: every URI it holds is a static object, nothing is dynamic.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import s3fs
from engine_support import moto_s3
from lidar_support import DELFT, REPO
from tileset_checks import tiles
from typer.testing import CliRunner

from twin.cli import build_app

BUCKET = "twin-tiles"


@pytest.fixture(scope="module")
def s3() -> Iterator[dict[str, Any]]:
    """A moto S3 server on a free port and the fsspec options that reach it."""
    # what a static website / CDN origin bucket has: anyone may GET the objects
    public_read = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{BUCKET}/*"}]})
    with moto_s3(BUCKET) as options:
        s3fs.S3FileSystem(**options).call_s3("put_bucket_policy", Bucket=BUCKET,
                                             Policy=public_read)
        yield options


def _uris(document: dict[str, Any]) -> list[str]:
    return [tile["content"]["uri"] for tile, _ in tiles(document["root"]) if "content" in tile]


@pytest.fixture
def cli(s3: dict[str, Any], database_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> tuple[CliRunner, Any]:
    """The CLI on the test database, a data folder of the test, and the S3 server's options."""
    monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TWIN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TWIN_CONFIG_DIR", str(REPO / "config"))
    monkeypatch.setenv("TWIN_STORAGE_OPTIONS", json.dumps(s3))
    return CliRunner(), build_app()


def _ingest_smallest(cli: tuple[CliRunner, Any], prefix: str, *access: str) -> str:
    """The smallest Delft LAZ ingested as a new LiDAR layer; its id."""
    runner, app = cli
    layer = f"{prefix}_{uuid.uuid4().hex[:8]}"
    small = min(DELFT, key=lambda path: path.stat().st_size)
    ingest = runner.invoke(app, ["ingest", "lidar", str(small), "--layer", layer,
                                 "--crs", "EPSG:28992+5709", "--title", "Delft (S3 test)",
                                 *access])
    assert ingest.exit_code == 0, ingest.output
    return layer


def test_cli_publishes_the_tileset_to_object_storage(
        cli: tuple[CliRunner, Any], s3: dict[str, Any], tmp_path: Path) -> None:
    runner, app = cli
    layer = _ingest_smallest(cli, "t_s3", "--access", "open")
    url = f"s3://{BUCKET}/tiles/{layer}"
    built = runner.invoke(app, ["build", "pointcloud", layer, "--publish", url])
    assert built.exit_code == 0, built.output
    local = (tmp_path / "var" / "tiles" / layer).resolve()
    files = sorted(p.relative_to(local).as_posix() for p in local.rglob("*") if p.is_file())
    assert f"to {url}" in built.output
    assert f"published {len(files)} files" in built.output

    fs = s3fs.S3FileSystem(**s3)
    stored = sorted(name.removeprefix(f"{BUCKET}/tiles/{layer}/")
                    for name in fs.find(f"{BUCKET}/tiles/{layer}"))
    assert stored == files
    for name in files:
        assert fs.cat(f"{BUCKET}/tiles/{layer}/{name}") == (local / name).read_bytes()

    # static hosting: the entry document and every URI in it are plain GETs of objects
    base = f"{s3['endpoint_url']}/{BUCKET}/tiles/{layer}"
    with urllib.request.urlopen(f"{base}/tileset.json") as response:
        document = json.loads(response.read())
    uris = _uris(document)
    assert len(uris) > 3
    assert not any("?" in uri or "://" in uri for uri in uris)
    for uri in uris:
        with urllib.request.urlopen(f"{base}/{uri}") as response:
            assert response.read() == (local / uri).read_bytes()

    # a root over blocks (`twin build blocks`): published after the blocks, beside them,
    # and removing none of their objects
    rooted = runner.invoke(app, ["build", "blocks", "region", layer,
                                 "--publish", f"s3://{BUCKET}/tiles"])
    assert rooted.exit_code == 0, rooted.output
    assert sorted(name.removeprefix(f"{BUCKET}/tiles/{layer}/")
                  for name in fs.find(f"{BUCKET}/tiles/{layer}")) == files
    with urllib.request.urlopen(f"{s3['endpoint_url']}/{BUCKET}/tiles/tileset.json") as response:
        root = json.loads(response.read())
    assert [child["content"]["uri"] for child in root["root"]["children"]] == [
        f"{layer}/tileset.json"]
    assert root["root"]["children"][0]["geometricError"] == document["geometricError"]


def test_publish_refuses_layers_that_are_not_open(
        cli: tuple[CliRunner, Any], s3: dict[str, Any], tmp_path: Path) -> None:
    """A closed layer (the default of a new one) is not copied where anyone may read it:
    refused before the build, naming the layer, nothing written; ``--restricted-target``
    (a private bucket) lets it through. A root over blocks is refused for its closed one."""
    runner, app = cli
    layer = _ingest_smallest(cli, "t_closed")  # no --access: closed
    fs = s3fs.S3FileSystem(**s3)
    url = f"s3://{BUCKET}/closed/{layer}"
    refused = runner.invoke(app, ["build", "pointcloud", layer, "--publish", url])
    assert refused.exit_code == 1
    assert f"not open data: {layer} (closed)" in " ".join(refused.output.split())
    assert not (tmp_path / "var" / "tiles" / layer).exists()  # refused before the build
    assert not fs.exists(f"{BUCKET}/closed")

    allowed = runner.invoke(app, ["build", "pointcloud", layer, "--publish", url,
                                  "--restricted-target"])
    assert allowed.exit_code == 0, allowed.output
    assert fs.exists(f"{BUCKET}/closed/{layer}/tileset.json")

    rooted = runner.invoke(app, ["build", "blocks", "closed_region", layer,
                                 "--publish", f"s3://{BUCKET}/closed_root"])
    assert rooted.exit_code == 1
    assert layer in rooted.output
    assert not fs.exists(f"{BUCKET}/closed_root")
