"""The hot-read engine (single items, items pages, tiles) has no pre-ping: a pooled connection
the server dropped must cost one retry, never an error; a statement that fails for its own
reasons is not run twice."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from gis.db import make_engine
from twin.ogc.reads import fetch_one, run

pytestmark = pytest.mark.integration


@pytest.fixture
def reads(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url, pool_size=1, pre_ping=False, autocommit=True)
    yield engine
    engine.dispose()


def _pid(reads: Engine) -> int:
    row = fetch_one(reads, "SELECT pg_backend_pid()", {})
    assert row is not None
    return int(row[0])


def test_a_dropped_pooled_connection_is_replaced(reads: Engine, engine: Engine) -> None:
    first = _pid(reads)
    assert _pid(reads) == first  # pooled: the same server process answers again
    with engine.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": first}).scalar()
    second = _pid(reads)
    assert second != first


def test_reads_run_outside_transactions(reads: Engine) -> None:
    assert fetch_one(reads, "SELECT %(v)s::int + 1", {"v": 41}) == (42,)  # bound values
    assert fetch_one(reads, "SELECT 1 WHERE false", {}) is None
    with reads.connect() as conn:
        assert conn.connection.driver_connection.autocommit  # type: ignore[union-attr]


def test_statement_errors_are_not_retried(reads: Engine) -> None:
    with pytest.raises(psycopg.errors.DivisionByZero):
        fetch_one(reads, "SELECT 1 / 0", {})
    with pytest.raises(psycopg.errors.QueryCanceled):  # an OperationalError, connection fine
        fetch_one(reads, "SELECT pg_cancel_backend(pg_backend_pid()), pg_sleep(2)", {})
    assert _pid(reads) > 0


def test_a_page_read_survives_a_dropped_connection(reads: Engine, engine: Engine) -> None:
    """`run` (items pages) retries a read whose pooled connection the server had dropped,
    once; a statement's own error is raised at once."""
    first = _pid(reads)
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": first})
    runs: list[int] = []

    def page(conn: Connection) -> int:
        runs.append(1)
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())

    assert run(reads, page) != first
    assert len(runs) == 2  # the dropped connection failed once, a fresh one answered
    runs.clear()

    def failing(conn: Connection) -> int:
        runs.append(1)
        return int(conn.execute(text("SELECT 1 / 0")).scalar_one())

    with pytest.raises(DBAPIError, match="division by zero"):
        run(reads, failing)
    assert len(runs) == 1
