"""The hot reads of the OGC service (single items, items pages, vector tiles): one round
trip each.

They run on their own engine (``OgcContext.reads``): autocommit, so no BEGIN and ROLLBACK
wrap a lone SELECT, and no pre-ping, so checking out a pooled connection costs no round trip.
Their SQL is compiled once (`twin.ogc.sql.Prepared`) and handed to the driver as is, where
psycopg prepares it server-side after a few runs. What the pre-ping would have caught -- a
pooled connection the server has dropped (restart, idle timeout) -- fails the statement
here once; the connection is discarded and the read runs again on a fresh one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import psycopg
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

T = TypeVar("T")


def fetch_one(engine: Engine, statement: str, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The first row of a read-only statement (None when it returns none)."""
    for attempt in range(2):
        with engine.connect() as conn:
            driver: psycopg.Connection[Any] = conn.connection.driver_connection  # type: ignore[assignment]
            try:
                row: tuple[Any, ...] | None = driver.execute(statement, values).fetchone()
            except psycopg.OperationalError:
                if attempt or not driver.broken:  # a query error, or broken twice: say so
                    raise
                conn.invalidate()  # dropped by the server: discard it, read again
                continue
            return row
    raise AssertionError("unreachable")  # pragma: no cover


def run(engine: Engine, read: Callable[[Connection], T]) -> T:
    """``read`` on a connection of ``engine`` (an items page: its statement, and the count
    when one is needed). ``read`` only reads, so when the server had dropped the pooled
    connection (SQLAlchemy invalidates it) it runs once more on a fresh one."""
    for attempt in range(2):
        with engine.connect() as conn:
            try:
                return read(conn)
            except DBAPIError as exc:
                if attempt or not exc.connection_invalidated:
                    raise
    raise AssertionError("unreachable")  # pragma: no cover
