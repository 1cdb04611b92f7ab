"""Scale-out test services shared by the engine tests: a Dask LocalCluster of spawned worker
processes, and a local S3-compatible server (moto's server mode, never a real cloud)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import s3fs
from db_support import free_port
from moto.server import ThreadedMotoServer

from tiles.engine.cluster import local_cluster_client


@contextmanager
def dask_client(lanes: int) -> Iterator[Any]:
    """A client of a LocalCluster of ``lanes`` worker processes, closed with its cluster."""
    client = local_cluster_client(lanes)
    try:
        yield client
    finally:
        cluster = client.cluster
        client.close()
        cluster.close()


@contextmanager
def moto_s3(bucket: str, host: str = "127.0.0.1") -> Iterator[dict[str, Any]]:
    """A moto S3 server on a free port of ``host`` (an address of this machine) with
    ``bucket`` made; yields the fsspec options."""
    port = free_port()
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    try:
        options = {"endpoint_url": f"http://{host}:{port}", "key": "testing",
                   "secret": "testing", "client_kwargs": {"region_name": "eu-west-1"}}
        s3fs.S3FileSystem(**options).mkdir(bucket)
        yield options
    finally:
        server.stop()
