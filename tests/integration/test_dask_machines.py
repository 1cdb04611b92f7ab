"""``twin build pointcloud LAYER --scheduler tcp://...`` with its ``dask worker``s running as
other machines would (`host_support.other_machines`): each in its own mount namespace (a
private /tmp; only the build's shared work folder bind-mounted at the same path, as the NFS
mount of docs/scaling.md) and its own network namespace behind a veth pair, the scheduler on
the host side's address. The LAZ inputs are objects of a moto S3 server on that address, read
at their ``s3://`` URLs. The tileset equals the in-process build byte for byte, and the
workers are shown to be apart: the coordinator's /tmp is not theirs, their namespaces are
their own, their addresses are not this machine's loopback.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

import distributed
import pytest
import s3fs
from engine_support import moto_s3
from host_support import other_machines
from lidar_support import DELFT, REPO, lidar_spec
from sqlalchemy import Engine
from tile_digests import digests
from typer.testing import CliRunner

from gis.lidar.crs import parse_given_crs
from gis.lidar.ingest import ingest_lidar
from tiles.pointcloud.layer import build_layer_tileset
from twin.cli import build_app

pytestmark = pytest.mark.integration

BUCKET = "twin-machines"
NAP = "EPSG:28992+5709"
MACHINES = 2


def _ingest_from_bucket(engine: Engine, layer: str, options: dict[str, Any]) -> None:
    fs = s3fs.S3FileSystem(skip_instance_cache=True, **options)
    urls = []
    for path in DELFT:
        fs.put_file(str(path), f"{BUCKET}/{layer}/{path.name}")
        urls.append(f"s3://{BUCKET}/{layer}/{path.name}")
    ingest_lidar(engine, lidar_spec(layer), urls, crs=parse_given_crs(NAP),
                 storage_options=options)


def _check_apart(scheduler: str, shared: Path, host_ip: str,
                 worker_ips: list[str] | None) -> None:
    """What the workers see, asked from inside them (``client.run``)."""
    here_only = Path(tempfile.gettempdir()) / f"coordinator-{uuid.uuid4().hex}"
    here_only.write_text("only on the coordinator")
    on_share = shared / f"shared-{uuid.uuid4().hex}"
    on_share.write_text("on the shared mount")
    client: Any
    try:
        with distributed.Client(scheduler, timeout=30) as client:  # type: ignore[no-untyped-call]
            assert set(client.run(os.path.exists, str(here_only)).values()) == {False}
            assert set(client.run(os.path.exists, str(on_share)).values()) == {True}
            kinds = ["mnt", "net"] if worker_ips else ["mnt"]
            for kind in kinds:
                spaces = client.run(os.readlink, f"/proc/self/ns/{kind}").values()
                assert len(set(spaces)) == MACHINES  # one each ...
                assert os.readlink(f"/proc/self/ns/{kind}") not in spaces  # ... none ours
            hosts = sorted(address.split("://")[1].rsplit(":", 1)[0]
                           for address in client.scheduler_info()["workers"])
            if worker_ips:
                assert hosts == sorted(worker_ips)
                assert host_ip != "127.0.0.1"
                assert f"tcp://{host_ip}:" in scheduler
    finally:
        here_only.unlink()
        on_share.unlink()


def test_build_pointcloud_on_workers_that_are_other_machines(
        database_url: str, engine: Engine, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared"  # under this machine's /tmp: bind-mounted into the workers
    with other_machines(MACHINES, shared, tmp_path) as hosts, \
            moto_s3(BUCKET, host=hosts.host_ip) as options:
        _check_apart(hosts.scheduler, shared, hosts.host_ip, hosts.worker_ips)
        layer = f"t_mach_{uuid.uuid4().hex[:8]}"
        _ingest_from_bucket(engine, layer, options)
        monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
        monkeypatch.setenv("TWIN_DATA_DIR", str(shared / "var"))
        monkeypatch.setenv("TWIN_CONFIG_DIR", str(REPO / "config"))
        monkeypatch.setenv("TWIN_STORAGE_OPTIONS", json.dumps(options))
        built = CliRunner().invoke(build_app(), ["build", "pointcloud", layer,
                                                 "--scheduler", hosts.scheduler])
        assert built.exit_code == 0, built.output
        assert "848,942 points" in built.output
        reference = build_layer_tileset(engine, layer, tmp_path / "inproc", workers=MACHINES,
                                        storage_options=options)
    out = shared / "var" / "tiles" / layer
    assert reference.result is not None
    assert reference.result.tiles > 1
    assert digests(out) == digests(reference.path)  # build.json too: same sources, version
    manifest = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert all(path.startswith(f"s3://{BUCKET}/") for path in manifest["files"])
