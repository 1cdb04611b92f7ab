"""Private test clusters and fresh, migrated databases in them (never mocked)."""

from __future__ import annotations

import shutil
import socket
import time
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


@contextmanager
def replicated_pair(root: Path, database: str) -> Iterator[tuple[str, str]]:
    """A new primary (replication on) with a migrated ``database`` and a streaming replica
    of it, both under ``root``; yields (primary URL, replica URL); both stopped and removed
    afterwards. Its own clusters: the session's runs ``wal_level=minimal``."""
    primary = Cluster(root=root / "primary", port=free_port(), replication=True)
    replica: Cluster | None = None
    try:
        primary.up()
        url = primary.create_database(database)
        migrate_url(url)
        replica = primary.start_replica(root / "replica", free_port())
        yield url, replica.url(database)
    finally:
        for cluster in (replica, primary):
            if cluster is not None:
                cluster.down()
                shutil.rmtree(cluster.home, ignore_errors=True)


def wait_for_replay(primary_url: str, replica_url: str, timeout: float = 30.0) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    primary, replica = make_engine(primary_url), make_engine(replica_url)
    try:
        with primary.connect() as conn:
            target = conn.exec_driver_sql("SELECT pg_current_wal_lsn()").scalar_one()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with replica.connect() as conn:
                if conn.exec_driver_sql("SELECT pg_last_wal_replay_lsn() >= %(t)s::pg_lsn",
                                        {"t": target}).scalar_one():
                    return
            time.sleep(0.05)
        raise TimeoutError(f"the replica did not replay up to {target} in {timeout} s")
    finally:
        primary.dispose()
        replica.dispose()
