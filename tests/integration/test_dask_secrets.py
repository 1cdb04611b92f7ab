"""Builds from S3 objects (moto's server) on a Dask LocalCluster: the workers read the objects
with the build's storage options, yet no task handed to the cluster carries the secret (every
submission is pickled as Dask would send it and searched), and once the build is over neither
the scheduler nor any worker holds the options any more. Point cloud through `build_engine`;
DTM and building heights through a `DaskExecutor` as their CLIs make it.
"""

from __future__ import annotations

import hashlib
import pickle
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasterio
import s3fs
from buildings_support import DELFT_PAND, spec
from engine_support import dask_client, moto_s3
from lidar_support import DELFT, lidar_spec
from sqlalchemy import Engine
from tile_digests import digests

from gis.city.derive import heights_from_lidar
from gis.ingest import ingest_vector
from gis.lidar.crs import parse_given_crs
from gis.lidar.ingest import ingest_lidar
from gis.raster.build import build_dem
from tiles.engine.cluster import DaskExecutor, build_engine
from tiles.engine.options import registered_tokens
from tiles.pointcloud.build import build_pointcloud, sources_from_headers
from tiles.pointcloud.partition import PointSource

pytestmark = pytest.mark.integration

BUCKET = "twin-secrets"
NAP = "EPSG:28992+5709"
LANES = 2


@dataclass(frozen=True)
class S3Cluster:
    client: Any
    options: dict[str, Any]
    secret: str
    urls: list[str]


@pytest.fixture(scope="module")
def s3_cluster() -> Iterator[S3Cluster]:
    """The Delft files as objects, reached with a key and secret of this run only."""
    secret = f"secret-{uuid.uuid4().hex}"
    with moto_s3(BUCKET) as given, dask_client(LANES) as client:
        options = {**given, "key": f"key-{uuid.uuid4().hex[:6]}", "secret": secret}
        fs = s3fs.S3FileSystem(skip_instance_cache=True, **options)
        urls = []
        for path in DELFT:
            fs.put_file(str(path), f"{BUCKET}/delft/{path.name}")
            urls.append(f"s3://{BUCKET}/delft/{path.name}")
        yield S3Cluster(client, options, secret, urls)


def _spy_on_submit(client: Any, sent: list[bytes]) -> Callable[[], None]:
    """Record every task submitted, pickled whole (function, arguments, options); gives back
    the undo."""
    submit: Callable[..., Any] = client.submit

    def recording(fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(pickle.dumps((fn, args, kwargs)))
        return submit(fn, *args, **kwargs)

    client.submit = recording
    return lambda: setattr(client, "submit", submit)


def _plugins_on_scheduler(dask_scheduler: Any) -> list[str]:
    return sorted(dask_scheduler.worker_plugins)


def _assert_no_secret_and_released(cluster: S3Cluster, sent: list[bytes]) -> None:
    assert sent
    assert all(b"SharedOptions" in task for task in sent)  # the reference travels ...
    assert not [task for task in sent if cluster.secret.encode() in task]  # ... never it
    assert not [name for name in cluster.client.run_on_scheduler(_plugins_on_scheduler)
                if name.startswith("storage-options-")]
    assert set(map(tuple, cluster.client.run(registered_tokens).values())) == {()}
    assert registered_tokens() == []


def _sources() -> list[PointSource]:
    return [replace(s, checksum=hashlib.sha256(Path(s.path).read_bytes()).hexdigest())
            for s in sources_from_headers(DELFT, NAP)]


def test_an_s3_pointcloud_build_on_a_cluster_submits_no_secret(
        s3_cluster: S3Cluster, tmp_path: Path) -> None:
    local = _sources()
    remote = [replace(source, path=url) for source, url in zip(local, s3_cluster.urls,
                                                                strict=True)]
    sent: list[bytes] = []
    with build_engine(scheduler=s3_cluster.client.scheduler.address) as engine:
        assert isinstance(engine.executor, DaskExecutor)
        _spy_on_submit(engine.executor.client, sent)
        result = build_pointcloud(remote, tmp_path / "s3", executor=engine.executor,
                                  workers=LANES, storage_options=s3_cluster.options)
    assert result.points == 640510 + 208432
    assert len(sent) > len(remote)  # partition, subtree and ancestor tasks all went out
    partitions = [task for task in sent if b"tiles.pointcloud.partition" in task]
    assert partitions  # the tasks that read the objects carry the reference, not the secret
    _assert_no_secret_and_released(s3_cluster, partitions)
    assert not [task for task in sent if s3_cluster.secret.encode() in task]
    in_process = build_pointcloud(local, tmp_path / "disk", workers=LANES)
    assert in_process.tiles == result.tiles > 1
    assert digests(tmp_path / "s3") == digests(tmp_path / "disk")


def test_s3_dtm_and_heights_on_a_cluster_submit_no_secret(
        s3_cluster: S3Cluster, engine: Engine, tmp_path: Path) -> None:
    lidar, buildings = f"t_dsec_{uuid.uuid4().hex[:8]}", f"t_dsecb_{uuid.uuid4().hex[:8]}"
    ingest_lidar(engine, lidar_spec(lidar), s3_cluster.urls, crs=parse_given_crs(NAP),
                 storage_options=s3_cluster.options)
    ingest_vector(engine, spec(buildings), DELFT_PAND, default_storage_crs="EPSG:28992")
    reference = build_dem(engine, lidar, "dtm", 2.0, tmp_path / "here",
                          storage_options=s3_cluster.options)
    sent: list[bytes] = []
    executor = DaskExecutor(s3_cluster.client)
    undo = _spy_on_submit(s3_cluster.client, sent)
    try:
        on_cluster = build_dem(engine, lidar, "dtm", 2.0, tmp_path / "cluster",
                               executor=executor, storage_options=s3_cluster.options)
        heights = heights_from_lidar(engine, buildings, lidar, executor=executor,
                                     storage_options=s3_cluster.options)
    finally:
        undo()
        executor.release_options()
    assert len(sent) == 2 * len(DELFT)  # a gridding task and a heights block per file
    _assert_no_secret_and_released(s3_cluster, sent)
    assert heights.measured >= 155
    with rasterio.open(reference.path) as a, rasterio.open(on_cluster.path) as b:
        assert np.array_equal(a.read(), b.read())
