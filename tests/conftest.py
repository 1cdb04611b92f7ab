"""Shared fixtures: real data paths and a real PostGIS per test session (never mocked).

The database is a fresh one in a private cluster (``var/test-postgres``), or in the server of
``TWIN_TEST_DATABASE_URL`` when given; it is migrated to head and dropped at the end.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from gis import migrate
from gis.cluster import Cluster
from gis.db import make_engine

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
TEST_CLUSTER_ROOT = REPO / "var" / "test-postgres"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _test_cluster() -> Cluster:
    """The test cluster, running: on its current port, or started on a free one.

    Settings (the port included) are given at every start, so a fixed port is never needed:
    another project or clone holding one cannot break the tests.
    """
    port = Cluster(root=TEST_CLUSTER_ROOT, port=0).running_port() or _free_port()
    Cluster(root=TEST_CLUSTER_ROOT, port=port).up()
    actual = Cluster(root=TEST_CLUSTER_ROOT, port=0).running_port()
    return Cluster(root=TEST_CLUSTER_ROOT, port=actual or port)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    name = f"twin_test_{uuid.uuid4().hex[:10]}"
    external = os.environ.get("TWIN_TEST_DATABASE_URL")
    if external:
        url = make_url(external)
        admin = make_engine(external)
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        test_url = url.set(database=name).render_as_string(hide_password=False)
        _migrate(test_url)
        yield test_url
        admin = make_engine(external)
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
        return
    cluster = _test_cluster()
    url = cluster.create_database(name)
    _migrate(url)
    yield url
    cluster.drop_database(name)


def _migrate(url: str) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def layer_id() -> str:
    """A layer id no other test uses, so tests share one database without interfering."""
    return f"t_{uuid.uuid4().hex[:12]}"
