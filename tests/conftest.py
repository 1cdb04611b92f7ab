"""Shared fixtures: real data paths and a real PostGIS per test session (never mocked).

The database is a fresh one in a private cluster (``var/test-postgres``), or in the server of
``TWIN_TEST_DATABASE_URL`` when given; it is migrated to head and dropped at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from db_support import migrate_url, migrated_database, running_cluster
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from gis.cluster import Cluster
from gis.db import make_engine

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
TEST_CLUSTER_ROOT = REPO / "var" / "test-postgres"


def pytest_configure(config: pytest.Config) -> None:
    """Undo cjio's import-time patch of the json module before any test runs.

    cjio (a test-only CityJSON reader) replaces ``json.encoder``'s C encoder and float repr
    for the whole process when imported, so every product built in this process after the
    first test that reads CityJSON would write its JSON (tileset.json, GLB chunks) with
    other float text than a fresh process does: builds compared across engines (in-process
    vs Dask workers) or with recorded digests then differ by test order alone. It is
    imported once here and the standard encoder put back; later imports reuse the module.
    """
    import json.encoder
    from _json import make_encoder  # what json.encoder uses unless patched

    import cjio.cityjson  # patches at import
    import cjio.cjio  # noqa: F401  (patches at import too)

    json.encoder.c_make_encoder = make_encoder
    json.encoder.float = float  # type: ignore[attr-defined]


def _test_cluster() -> Cluster:
    return running_cluster(TEST_CLUSTER_ROOT)


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
        migrate_url(test_url)
        yield test_url
        admin = make_engine(external)
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
        return
    with migrated_database(_test_cluster(), "twin_test") as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def layer_id() -> str:
    """A layer id no other test uses, so tests share one database without interfering."""
    return f"t_{uuid.uuid4().hex[:12]}"
