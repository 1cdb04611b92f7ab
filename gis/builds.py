"""How long each build of a derived product took, and whether the last one failed.

Builds (``twin build dem/heights/buildings/pointcloud``) run in their own processes, so the
service learns of them only through the store: `recorded_build` wraps one build and writes a
``twin.build_run`` row when it ends (``ok`` or ``failed``; a build skipped because its
sources are unchanged built nothing and writes nothing). `latest_builds` is what the
service's metrics read at scrape time. Recording is bookkeeping: a store that cannot take
the row (down, or not migrated to ``0010_build_run`` yet) is logged, never fails a build.

Every recorded build also holds the products lock shared for its whole run: a backup
(`gis.backup`) takes it exclusively while it dumps the store and copies the built files, so
no build swaps a product in or registers one half-way through a backup. A build started
during a backup waits for it (and says so in the log); a backup waits for running builds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import psycopg
from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import DBAPIError

from gis import backup_sql
from gis.schema.tables import build_run

log = logging.getLogger(__name__)

BuildStatus = Literal["ok", "failed"]


@dataclass
class BuildRun:
    """One build in progress; the builder calls `skip` when it found nothing to do."""

    layer_id: str
    product: str
    skipped: bool = False

    def skip(self) -> None:
        """Nothing was built (unchanged sources): the previous build's record stays the last."""
        self.skipped = True


@dataclass(frozen=True)
class LatestBuild:
    """The last build of one (layer, product): its outcome, and the last successful one."""

    layer_id: str
    product: str
    last_status: BuildStatus
    last_finished_at: datetime
    ok_duration_seconds: float | None  # None: no build of this product ever succeeded
    ok_finished_at: datetime | None


def record_build(conn: Connection, *, layer_id: str, product: str, status: BuildStatus,
                 started_at: datetime, finished_at: datetime, duration_seconds: float) -> None:
    """Append the record of one finished build."""
    conn.execute(insert(build_run).values(
        layer_id=layer_id, product=product, status=status, started_at=started_at,
        finished_at=finished_at, duration_seconds=duration_seconds))


def _record_quietly(engine: Engine, run: BuildRun, status: BuildStatus, started_at: datetime,
                    duration: float) -> None:
    try:
        with engine.begin() as conn:
            record_build(conn, layer_id=run.layer_id, product=run.product, status=status,
                         started_at=started_at, finished_at=datetime.now(UTC),
                         duration_seconds=duration)
    except DBAPIError as exc:
        log.warning("build of %s %s not recorded: %s", run.layer_id, run.product,
                    type(exc.orig).__name__)


@contextmanager
def recorded_build(engine: Engine, layer_id: str, product: str) -> Iterator[BuildRun]:
    """Time the build inside the block and record it as ``ok``, or ``failed`` if it raised.

    The duration is wall-clock (monotonic) time of the whole block, start-up of worker
    processes included: what an operator waits for.
    """
    run = BuildRun(layer_id, product)
    with products_shared(engine, f"{layer_id} {product}"):
        started_at = datetime.now(UTC)
        start = time.monotonic()
        try:
            yield run
        except Exception:
            _record_quietly(engine, run, "failed", started_at, time.monotonic() - start)
            raise
        if not run.skipped:
            _record_quietly(engine, run, "ok", started_at, time.monotonic() - start)


def _take_shared(conn: Connection, what: str) -> None:
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(backup_sql.try_products_lock_shared())
        taken = cursor.fetchone()
        if not (taken and taken[0]):
            log.warning("build of %s waits for a backup to finish", what)
            cursor.execute(backup_sql.products_lock_shared())
    conn.commit()


@contextmanager
def products_shared(engine: Engine, what: str) -> Iterator[None]:
    """Hold the products lock shared inside the block (see the module's docstring).

    Like the record, the lock is bookkeeping: a store that cannot be reached is logged and
    the build goes on (it will say itself what it cannot read). The lock lives on its own
    pooled connection, released explicitly: a session lock would outlive ``close()``.
    """
    try:
        conn = engine.connect()
    except DBAPIError as exc:
        log.warning("build of %s runs without the products lock: %s", what,
                    type(exc.orig).__name__)
        yield
        return
    try:
        try:
            _take_shared(conn, what)
        except (DBAPIError, psycopg.Error) as exc:
            log.warning("build of %s runs without the products lock: %s", what,
                        type(exc).__name__)
            conn.invalidate()
        yield
    finally:
        _release_shared(conn)


def _release_shared(conn: Connection) -> None:
    if conn.invalidated:
        conn.close()
        return
    try:
        conn.exec_driver_sql("SELECT pg_advisory_unlock_all()")
        conn.commit()
    except DBAPIError:
        conn.invalidate()  # closing the session releases it
    conn.close()


def latest_builds(conn: Connection) -> list[LatestBuild]:
    """The last build of every (layer, product) ever built, ordered by layer and product."""
    key = (build_run.c.layer_id, build_run.c.product)
    newest_first = (*key, build_run.c.finished_at.desc(), build_run.c.id.desc())
    last = conn.execute(
        select(*key, build_run.c.status, build_run.c.finished_at)
        .distinct(*key).order_by(*newest_first)).all()
    succeeded = {
        (row.layer_id, row.product): (row.duration_seconds, row.finished_at)
        for row in conn.execute(
            select(*key, build_run.c.duration_seconds, build_run.c.finished_at)
            .where(build_run.c.status == "ok").distinct(*key).order_by(*newest_first))
    }
    found = []
    for row in last:
        duration, finished = succeeded.get((row.layer_id, row.product), (None, None))
        found.append(LatestBuild(row.layer_id, row.product, row.status, row.finished_at,
                                 duration, finished))
    return found
