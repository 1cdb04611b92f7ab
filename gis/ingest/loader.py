"""Atomic, versioned vector loads: staging, checks, indexes and the swap.

1. Declare the layer, record the load as 'loading' and drop what killed loads of the layer
   left in the staging schema (committed apart: a killed process leaves the 'loading' trace,
   which the next load marks failed).
2. Stream the source into ``staging.<id>__load<n>`` by COPY (checked and reprojected batch
   by batch) and remove duplicate ids, in one transaction; for a large load, commit it (the
   staging schema is ours, so committing publishes nothing).
3. Build the three spatial indexes and the key's index: side by side on separate
   connections for a large load (an index build uses one core; a committed table is what
   other sessions can index), in the same transaction for a small one.
4. In ONE transaction (still the first one for a small load): move the current
   ``data.<id>`` to ``history.<id>__v<n>``, move the staged table to ``data.<id>``, publish
   the version (INSPIRE lifespan: begins now, the previous one ends now), COMMIT.

Whatever fails -- unreadable file, fatal quality, killed process, database stopping -- the
swap never commits, so the previous version stays intact and queryable; the staged table is
dropped and the failed load recorded with its error (and quality report) when the database
is still reachable, or by the next load of the layer when it is not.
A session advisory lock per layer keeps two loads of one layer from running at once.
An identical re-ingest (same checksum) still makes a new version: every successful load is a
version, and the checksum in the history shows that nothing changed.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pyarrow as pa
from psycopg import sql as psql
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from gis import registry
from gis.anonymise import refresh_published_view
from gis.errors import IngestError
from gis.geodesy import area_of_use, parse_crs
from gis.ingest import pgbinary, sql, versioning
from gis.ingest.batch import BatchProcessor, Encoded, Frame, Inspected, Prepared, Rows
from gis.ingest.columns import find_id_column, geometry_column, plan_columns
from gis.ingest.geometry import TargetType
from gis.ingest.quality import QualityTracker
from gis.ingest.sources import VectorSource, checksum, open_source
from gis.ingest.versioning import (
    as_ingest_error,
    digest_of,
    drop_leftovers,
    layer_lock,
    record_failure,
)
from gis.model import Layer, LayerSpec, QualityIssue, QualityReport, VersionStats
from gis.schema import (
    DATA_SCHEMA,
    HISTORY_SCHEMA,
    staging_table,
)
from gis.schema import history_table as history_table_name

log = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]

#: Worker threads for the stateless stages (GEOS checks; reprojection and encoding) while
#: the main thread runs the stateful ones and writes; up to this many batches wait in each
#: stage (`gis.ingest.sources.GdalSource.batch_size` features each).
WORKERS = 2

#: Connections building the indexes of a staged table at the same time: one per index (three
#: GiST, one btree), so the server's cores stay busy until the last one is built (two at a
#: time left a core idle while the third GiST built alone).
INDEX_BUILDERS = 4
#: Below this many features the indexes are built in the loading transaction itself: a
#: commit and more connections would cost more than a second core saves.
PARALLEL_INDEX_MIN_FEATURES = 50_000

#: How long a load waits for another load of the same layer to end (or to be noticed dead);
#: read at each load, so a test may shorten it here
LOCK_WAIT_SECONDS = versioning.LOCK_WAIT_SECONDS


@dataclass(frozen=True)
class LoadResult:
    """A successful load: the new version of the layer and what it holds."""

    layer_id: str
    load_id: int
    version: int
    table: str
    storage_srid: int
    feature_count: int
    geometry_type: str
    checksum: str
    quality: QualityReport
    seconds: float


def ingest_vector(
    engine: Engine,
    spec: LayerSpec,
    path: Path | str,
    *,
    default_storage_crs: str,
    source_crs: str | None = None,
    strict: bool = False,
    progress: Progress | None = None,
) -> LoadResult:
    """Load ``path`` as the next version of layer ``spec.id`` (declared or updated first).

    Raises `IngestError` (`QualityRejected` for quality rules) naming the file, the feature
    and the problem; the previous version is then untouched. The file is named as given
    (``data/x.gpkg`` stays relative) in errors, the version's source and its stored quality
    report: they describe the load to its user, not this machine's folders.
    """
    path = Path(path)
    started = time.monotonic()
    # The file's SHA-256 is computed beside the load, not before it: 1.3 s for a 400 MB
    # GeoPackage (hashlib releases the GIL), recorded with the version when it is published.
    with ThreadPoolExecutor(1, thread_name_prefix="checksum") as hashing, \
            engine.connect() as conn, layer_lock(conn, spec.id, str(path), LOCK_WAIT_SECONDS):
        digest = hashing.submit(checksum, path) if path.is_file() else None
        with conn.begin():
            layer = registry.register(conn, spec, default_storage_crs)
            stale = registry.abandon_stale_loads(conn, spec.id)
            if stale:
                log.warning("layer %s: %d interrupted load(s) marked failed", spec.id, stale)
            drop_leftovers(conn, spec.id)
            load_id = registry.start_load(conn, spec.id, str(path), None)
        tracker = QualityTracker(str(path), strict)
        job = _Load(engine, conn, layer, load_id, path, tracker, progress)
        try:
            version, stats = job.run(source_crs or spec.source_crs, digest)
        except BaseException as exc:
            job.drop_staging()
            error = as_ingest_error(exc, str(path))
            record_failure(engine, load_id, error or exc, tracker.report, digest_of(digest))
            if error is None:
                raise
            raise error from exc
    return LoadResult(
        layer_id=spec.id, load_id=load_id, version=version, table=f"{DATA_SCHEMA}.{spec.id}",
        storage_srid=layer.storage_srid, feature_count=stats.feature_count,
        geometry_type=stats.geometry_type, checksum=stats.checksum or "",
        quality=tracker.report, seconds=time.monotonic() - started,
    )


class _Load:
    """The body of the load transaction (one instance per load)."""

    def __init__(self, engine: Engine, conn: Connection, layer: Layer, load_id: int,
                 path: Path, tracker: QualityTracker, progress: Progress | None) -> None:
        self.engine = engine
        self.conn = conn
        self.layer = layer
        self.load_id = load_id
        self.path = path
        self.tracker = tracker
        self.progress = progress
        self.staging = staging_table(layer.id, load_id)
        driver = conn.connection.driver_connection
        assert driver is not None
        self.driver: psycopg.Connection[Any] = driver

    def run(self, declared_crs: str | None, digest: Future[str] | None
            ) -> tuple[int, VersionStats]:
        """Stage, index and publish. A large load commits its staged table so that other
        connections can index it side by side; a small one does everything in one
        transaction (a commit and more connections would cost more than they save)."""
        source = open_source(self.path, self.layer.spec)
        try:
            return self._load(source, declared_crs, digest)
        finally:
            source.close()

    def _load(self, source: VectorSource, declared_crs: str | None,
              digest: Future[str] | None) -> tuple[int, VersionStats]:
        source_crs = self._source_crs(source, declared_crs)
        clock = time.monotonic()
        transaction = self.conn.begin()
        try:
            processor = self._stream(source, source_crs)
            self.tracker.close()  # fatal when nothing was loaded
            assert processor is not None
            removed = self._drop_duplicates(processor)
            report = self.tracker.close()
            log.info("%s: %d features streamed in %.1f s", self.layer.id,
                     report.features_loaded, time.monotonic() - clock)
            clock = time.monotonic()
            if report.features_loaded >= PARALLEL_INDEX_MIN_FEATURES:
                transaction.commit()
                log.info("%s: staged table committed in %.1f s", self.layer.id,
                         time.monotonic() - clock)
                self._build_indexes()
                log.info("%s: indexes built in %.1f s", self.layer.id, time.monotonic() - clock)
                transaction = self.conn.begin()
            else:
                for statement in sql.staged_indexes(self.staging):
                    self._execute(statement)
            for statement in sql.finish_staging(self.staging):
                self._execute(statement)
            extents = self._execute(sql.extents(self.staging))[0] if removed else None
            checksum = digest.result() if digest is not None else None
            stats = self._stats(processor, report, extents, checksum)
            version = self._swap(stats)
            transaction.commit()
        except BaseException:
            if transaction.is_active:
                transaction.rollback()
            raise
        log.info("%s: indexed and swapped in %.1f s", self.layer.id, time.monotonic() - clock)
        return version, stats

    def _build_indexes(self) -> None:
        """The indexes of the committed staged table, `INDEX_BUILDERS` at a time."""
        statements = sql.staged_indexes(self.staging)
        with ThreadPoolExecutor(INDEX_BUILDERS, thread_name_prefix="index") as pool:
            for future in [pool.submit(self._build_index, s) for s in statements]:
                future.result()

    def _build_index(self, statement: psql.Composed) -> None:
        with self.engine.connect() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.execute(statement)
            driver.commit()

    def drop_staging(self) -> None:
        """Drop the staged table of a failed load (when the database is still reachable)."""
        try:
            with self.engine.begin() as conn:
                driver = conn.connection.driver_connection
                assert driver is not None
                driver.execute(sql.drop_staging(self.staging))
        except (SQLAlchemyError, psycopg.Error) as exc:
            log.warning("%s: staged table left for the next load to drop: %s", self.staging, exc)

    def _execute(self, statement: psql.Composed | psql.SQL, params: Any = None) -> list[Any]:
        with self.driver.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

    def _source_crs(self, source: VectorSource, declared: str | None) -> str:
        """The CRS the coordinates are in: --crs / spec, else the file's; never a guess."""
        value = declared or source.crs
        if value is None:
            raise IngestError(source.name, "the file has no CRS and none was given: pass "
                              "--crs EPSG:xxxx (or source_crs in the layer spec)")
        crs = parse_crs(value)
        code = crs.to_epsg(min_confidence=70)
        return f"EPSG:{code}" if code else crs.to_wkt()

    def _frame(self, source: VectorSource, source_crs: str, schema: Any) -> Frame:
        storage_crs = f"EPSG:{self.layer.storage_srid}"
        columns = plan_columns(schema)
        id_column = find_id_column(columns, self.layer.spec.id_field)
        if self.layer.spec.id_field and id_column is None:
            raise IngestError(source.name, f"id_field {self.layer.spec.id_field!r} is not a "
                              f"field of the source ({', '.join(c.source for c in columns)})")
        return Frame(
            source_crs=source_crs, storage_crs=storage_crs, storage_srid=self.layer.storage_srid,
            source_area=area_of_use(parse_crs(source_crs)),
            storage_area=area_of_use(parse_crs(storage_crs)), columns=columns,
            geometry_column=geometry_column(schema),
            id_column=id_column.source if id_column else None,
        )

    def _stream(self, source: VectorSource, source_crs: str) -> BatchProcessor | None:
        """Read, check and COPY every batch; the staging table is created on the first rows.

        The stateless stages (`BatchProcessor.inspect`: GEOS decoding and validity;
        `encode`: reprojection, area checks and COPY rows) of up to `WORKERS` batches each
        run in threads (GEOS, PROJ, NumPy and Arrow release the GIL) while this thread
        reads, runs the stateful stages in source order and writes.
        """
        processor: BatchProcessor | None = None
        copy = _CopySession(self.driver)
        inspecting: deque[Future[Inspected]] = deque()
        projecting: deque[tuple[Prepared, Future[Encoded | None]]] = deque()

        def advance(pool: ThreadPoolExecutor, processor: BatchProcessor) -> None:
            prepared = processor.prepare(inspecting.popleft().result())
            projecting.append((prepared, pool.submit(processor.encode, prepared)))
            if len(projecting) > WORKERS:
                self._finish(copy, processor, *projecting.popleft(), source)

        try:
            with ThreadPoolExecutor(WORKERS, thread_name_prefix="ingest") as pool:
                for batch in source.batches():
                    if processor is None:
                        processor = self._processor(source, source_crs, batch)
                    inspecting.append(pool.submit(processor.inspect, batch))
                    if len(inspecting) > WORKERS:
                        advance(pool, processor)
                while inspecting and processor is not None:
                    advance(pool, processor)
                while projecting and processor is not None:
                    self._finish(copy, processor, *projecting.popleft(), source)
        except BaseException as exc:
            for future in inspecting:
                future.cancel()
            for _prepared, pending in projecting:
                pending.cancel()
            copy.abort(exc)
            raise
        copy.close()
        return processor

    def _processor(self, source: VectorSource, source_crs: str,
                   batch: pa.RecordBatch) -> BatchProcessor:
        frame = self._frame(source, source_crs, batch.schema)
        target = TargetType.from_declared(source.declared_type)
        return BatchProcessor(frame=frame, tracker=self.tracker, target=target)

    def _finish(self, copy: _CopySession, processor: BatchProcessor, prepared: Prepared,
                future: Future[Encoded | None], source: VectorSource) -> None:
        self._write(copy, processor, processor.finish(prepared, future.result()))
        if self.progress:
            done = int(prepared.fids[-1]) if len(prepared.fids) else 0
            self.progress(done, source.feature_estimate)

    def _write(self, copy: _CopySession, processor: BatchProcessor, rows: Rows) -> None:
        if rows.data is None:
            return
        assert processor.target is not None
        if not copy.table_ready:
            self._execute(sql.create_staging(
                self.staging, processor.frame.columns, processor.target.name,
                self.layer.storage_srid))
            copy.table_ready = True
        elif rows.widened:
            copy.close()
            for statement in sql.promote_to_multi(
                    self.staging, processor.target.name, self.layer.storage_srid):
                self._execute(statement)
        copy.write(sql.copy_rows(self.staging, processor.frame.columns), rows.data)

    def _drop_duplicates(self, processor: BatchProcessor) -> int:
        """Later features repeating an id are rejected (SQL over the staged rows); returns
        how many."""
        column = processor.frame.id_column
        if column is None:
            return 0
        name = next(c.name for c in processor.frame.columns if c.source == column)
        duplicates = self._execute(sql.duplicate_ids(self.staging, name))
        for fid, value in duplicates:
            self.tracker.add(QualityIssue(
                code="duplicate_id", feature=f"feature #{fid} (id={value})",
                message=f"{column} {value!r} already used by an earlier feature"))
        if duplicates:
            self._execute(sql.delete_rows(self.staging), ([fid for fid, _ in duplicates],))
            self.tracker.report.features_loaded -= len(duplicates)
        return len(duplicates)

    def _stats(self, processor: BatchProcessor, report: QualityReport,
               extents: tuple[Any, ...] | None, checksum: str | None) -> VersionStats:
        """Count and extents: tracked while streaming, or ``extents`` (`sql.extents`) when
        rows were removed since."""
        assert processor.target is not None
        if extents is not None:
            count, extent, extent_4326 = extents[0], list(extents[1:5]), list(extents[5:9])
        else:
            count = report.features_loaded
            extent, extent_4326 = processor.extent.storage, processor.extent.wgs84
        return VersionStats(
            feature_count=int(count), geometry_type=processor.target.name,
            extent=list(extent), extent_4326=list(extent_4326),
            quality=report.model_dump(mode="json"), checksum=checksum, with_footprint=True)

    def _swap(self, stats: VersionStats) -> int:
        layer_id = self.layer.id
        exists = self._execute(sql.table_exists(), (DATA_SCHEMA, layer_id))[0][0]
        if exists:
            history_table = history_table_name(layer_id, self.layer.current_version or 0)
            if self._execute(sql.table_exists(), (HISTORY_SCHEMA, history_table))[0][0]:
                raise IngestError(str(self.path), f"history.{history_table} already exists")
            for statement in sql.retire_current(layer_id, history_table):
                self._execute(statement)
        for statement in sql.promote_staging(self.staging, layer_id):
            self._execute(statement)
        now = self.conn.execute(select(func.now())).scalar_one()
        version = registry.publish_version(self.conn, self.load_id, layer_id, now, stats)
        # the rule-applied view follows the new table in the same transaction
        refresh_published_view(self.conn, registry.get_layer(self.conn, layer_id))
        return version


class _CopySession:
    """A binary COPY that stays open across batches (PostgreSQL parses while we compute)."""

    def __init__(self, driver: psycopg.Connection[Any]) -> None:
        self.driver = driver
        self.table_ready = False
        self._cursor: psycopg.Cursor[Any] | None = None
        self._context: Any = None  # psycopg's copy() context manager
        self._copy: Any = None

    def write(self, statement: psql.Composed, data: Any) -> None:
        if self._copy is None:
            self._cursor = self.driver.cursor()
            self._context = self._cursor.copy(statement)
            self._copy = self._context.__enter__()
            self._copy.write(pgbinary.HEADER)
        self._copy.write(memoryview(data))

    def abort(self, exc: BaseException) -> None:
        """End the COPY with an error (PostgreSQL then discards it); never masks ``exc``."""
        try:
            if self._context is not None:
                context, self._context, self._copy = self._context, None, None
                context.__exit__(type(exc), exc, exc.__traceback__)
        except (psycopg.Error, OSError) as error:
            log.debug("COPY abort after %r: %s", exc, error)
        finally:
            if self._cursor is not None:
                cursor, self._cursor = self._cursor, None
                cursor.close()

    def close(self) -> None:
        if self._copy is not None:
            self._copy.write(pgbinary.TRAILER)
        if self._context is not None:
            context, self._context, self._copy = self._context, None, None
            context.__exit__(None, None, None)
        if self._cursor is not None:
            cursor, self._cursor = self._cursor, None
            cursor.close()
