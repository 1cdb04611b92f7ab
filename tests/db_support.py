"""Private test clusters and fresh, migrated databases in them (never mocked)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gis import migrate
from gis.cluster import Cluster
from gis.db import make_engine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def running_cluster(root: Path, grids: bool = True) -> Cluster:
    """The cluster under ``root``, running: on its current port, or started on a free one.

    Settings (the port included) are given at every start, so a fixed port is never needed:
    another project or clone holding one cannot break the tests.
    """
    port = Cluster(root=root, port=0, grids=grids).running_port() or free_port()
    Cluster(root=root, port=port, grids=grids).up()
    actual = Cluster(root=root, port=0, grids=grids).running_port()
    return Cluster(root=root, port=actual or port, grids=grids)


def migrate_url(url: str) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()


@contextmanager
def migrated_database(cluster: Cluster, prefix: str) -> Iterator[str]:
    """A new database in ``cluster``, migrated to every head, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    url = cluster.create_database(name)
    try:
        migrate_url(url)
        yield url
    finally:
        cluster.drop_database(name)
