"""The steps every versioned load shares: the vector (`gis.ingest.loader`), table
(`gis.tables.loader`) and BIM (`gis.bim.store`) loaders.

A load holds its layer's session advisory lock from start to end (`layer_lock`), so two
loads of one layer never run at once; with the lock held it drops what killed loads of the
layer left in the staging schema (`drop_leftovers`); when it fails, its error becomes an
`IngestError` naming the source when it is the database's (`as_ingest_error`) and the load
is recorded failed with its quality report (`record_failure`). The swap statements
(`gis.ingest.sql.retire_current`, `promote_staging`) are the ingest SQL module's. One copy
of each, so the three loaders cannot drift apart in what they guarantee.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager

import psycopg
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from gis import registry
from gis.errors import GeodesyError, GisError, IngestError
from gis.ingest import sql
from gis.model import QualityReport
from gis.schema import STAGING_SCHEMA, is_staging_of

log = logging.getLogger(__name__)

#: How long a load waits for another load of the same layer to end (or to be noticed dead).
LOCK_WAIT_SECONDS = 30.0


@contextmanager
def layer_lock(conn: Connection, layer_id: str, source: str,
               wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold the layer's session advisory lock for the whole load.

    A load killed a moment ago may still hold it until its server process notices the lost
    connection, so we wait up to ``wait_seconds`` before saying another load is running.
    """
    driver = conn.connection.driver_connection
    assert driver is not None
    try:
        with driver.cursor() as cursor:
            cursor.execute(sql.lock_timeout(), (f"{int(wait_seconds * 1000)}ms",))
            cursor.execute(sql.wait_lock(), (layer_id,))
        conn.commit()
    except psycopg.errors.LockNotAvailable as exc:
        conn.rollback()
        raise IngestError(source, f"another load of layer {layer_id!r} is running") from exc
    try:
        yield
    finally:
        try:
            with driver.cursor() as cursor:
                cursor.execute(sql.unlock(), (layer_id,))
            conn.commit()
        except (psycopg.Error, SQLAlchemyError):
            log.debug("advisory lock of %s released with the connection", layer_id)


def drop_leftovers(conn: Connection, layer_id: str) -> None:
    """Drop the staged tables of this layer's killed loads (we hold the layer's lock)."""
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(sql.staged_tables(), (STAGING_SCHEMA,))
        names = [row[0] for row in cursor.fetchall()]
        for name in names:
            if is_staging_of(name, layer_id):
                log.warning("layer %s: dropping %s.%s left by a killed load", layer_id,
                            STAGING_SCHEMA, name)
                cursor.execute(sql.drop_staging(name))


def as_ingest_error(exc: BaseException, source: str) -> GisError | None:
    """Domain errors pass; database errors become an `IngestError`; anything else stays."""
    if isinstance(exc, IngestError):
        return exc
    if isinstance(exc, GeodesyError):
        return IngestError(source, f"cannot reproject: {exc}")
    if isinstance(exc, GisError):
        return exc
    if isinstance(exc, DBAPIError | psycopg.Error):
        original = getattr(exc, "orig", None) or exc
        message = " ".join(str(original).split())[:500]
        if isinstance(original, psycopg.OperationalError):
            return IngestError(source, f"the database connection was lost mid-load ({message})")
        return IngestError(source, f"the database refused the data ({message})")
    return None


def record_failure(
    engine: Engine, load_id: int, error: BaseException, report: QualityReport,
    digest: str | None,
) -> None:
    """Mark the load failed with its error and quality report, on a connection of its own
    (the load's may be gone); when the database cannot be reached, the next load of the
    layer marks it (`registry.abandon_stale_loads`)."""
    message = str(error) or type(error).__name__
    try:
        with engine.begin() as conn:
            registry.fail_load(conn, load_id, message, report.model_dump(mode="json"), digest)
    except (SQLAlchemyError, psycopg.Error) as exc:
        log.warning("load %d failed (%s) and could not be recorded: %s", load_id, message, exc)


def digest_of(digest: Future[str] | None) -> str | None:
    """The checksum of a failed load's file, when it could be read (the failure may be
    that it could not)."""
    if digest is None:
        return None
    try:
        return digest.result()
    except OSError:
        return None
