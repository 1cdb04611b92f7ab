"""Atomic, versioned loads of tables: the vector loader's path without geometries.

The steps and guarantees are `gis.ingest.loader`'s, through the steps all loaders share
(`gis.ingest.versioning`: lock, leftovers, failure record; the swap statements of
`gis.ingest.sql`) and the registry calls: the load is recorded 'loading' (committed
apart), the rows are parsed (by the schema stored with the current version, or one
inferred for a first load or ``new_schema``), COPYed into ``staging.<id>__load<n>`` and
keyed, then ONE transaction moves ``data.<id>`` to history, promotes the staged table,
publishes the version with its Table Schema in the stored report and remakes the published
view (and a join's). A file that does not fit the stored schema fails before anything is
written: the previous version stays.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql as psql
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from gis import registry
from gis.anonymise import refresh_published_view
from gis.errors import IngestError
from gis.ingest import sql as ingest_sql
from gis.ingest.quality import QualityTracker
from gis.ingest.sources import checksum
from gis.ingest.versioning import as_ingest_error, drop_leftovers, layer_lock, record_failure
from gis.model import Layer, LayerSpec, QualityReport, VersionStats
from gis.schema import (
    DATA_SCHEMA,
    HISTORY_SCHEMA,
    MAX_IDENTIFIER,
    RESERVED_COLUMNS,
    STAGING_SCHEMA,
    staging_table,
)
from gis.schema import history_table as history_table_name
from gis.tables import join as joins
from gis.tables import schema as table_schema
from gis.tables import sql
from gis.tables.reader import RawTable, read_table

log = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]
#: what a table layer's version says in the registry's ``geometry_type``
TABLE_TYPE = "Table"
#: the stored report's member holding the version's Table Schema
SCHEMA_KEY = "table_schema"
DIALECT_KEY = "dialect"


@dataclass(frozen=True)
class TableLoadResult:
    """A successful table load: the new version and what it holds."""

    layer_id: str
    load_id: int
    version: int
    table: str
    row_count: int
    checksum: str
    schema: dict[str, Any]
    quality: QualityReport
    seconds: float
    unmatched: int = 0


def column_names(header: Sequence[str]) -> list[str]:
    """Column names of the stored table: the header's, cut to 63 bytes, made unique; the
    store's own column names get a ``src_`` prefix."""
    taken: set[str] = set()
    names = []
    for name in header:
        base = f"src_{name}" if name.lower() in RESERVED_COLUMNS else name
        base = base.encode("utf-8")[:MAX_IDENTIFIER].decode("utf-8", "ignore")
        candidate, counter = base, 2
        while candidate in taken:
            candidate = f"{base[:MAX_IDENTIFIER - 4]}_{counter}"
            counter += 1
        taken.add(candidate)
        names.append(candidate)
    return names


def stored_schema(layer: Layer) -> dict[str, Any] | None:
    """The Table Schema stored with the layer's current version (None before a load)."""
    if layer.current_version is None or not layer.quality:
        return None
    found = layer.quality.get(SCHEMA_KEY)
    return found if isinstance(found, dict) else None


def ingest_table(
    engine: Engine, spec: LayerSpec, path: Path | str, *, default_storage_crs: str,
    new_schema: bool = False, progress: Progress | None = None,
) -> TableLoadResult:
    """Load ``path`` as the next version of table layer ``spec.id`` (declared first).

    Raises `IngestError` naming the file, the row as in the file, the column and the value
    when a cell does not fit the stored schema; the previous version is then untouched.
    """
    if spec.kind != "table":
        raise IngestError(str(path), f"layer {spec.id!r} is a {spec.kind} layer, not a table")
    path = Path(path)
    started = time.monotonic()
    with ThreadPoolExecutor(1, thread_name_prefix="checksum") as hashing, \
            engine.connect() as conn, layer_lock(conn, spec.id, str(path)):
        digest = hashing.submit(checksum, path) if path.is_file() else None
        with conn.begin():
            layer = registry.register(conn, spec, default_storage_crs)
            stale = registry.abandon_stale_loads(conn, spec.id)
            if stale:
                log.warning("layer %s: %d interrupted load(s) marked failed", spec.id, stale)
            drop_leftovers(conn, spec.id)
            load_id = registry.start_load(conn, spec.id, str(path), None)
        tracker = QualityTracker(str(path), strict=False)
        job = _TableLoad(engine, conn, layer, load_id, path, tracker)
        try:
            result = job.run(None if new_schema else stored_schema(layer), progress)
        except BaseException as exc:
            job.drop_staging()
            error = as_ingest_error(exc, str(path))
            digest_value = None
            if digest is not None and digest.done() and digest.exception() is None:
                digest_value = digest.result()
            record_failure(engine, load_id, error or exc, tracker.report, digest_value)
            if error is None:
                raise
            raise error from exc
        version, stats, schema, unmatched = result
    return TableLoadResult(
        layer_id=spec.id, load_id=load_id, version=version, table=f"{DATA_SCHEMA}.{spec.id}",
        row_count=stats.feature_count, checksum=digest.result() if digest else "",
        schema=schema, quality=tracker.report, seconds=time.monotonic() - started,
        unmatched=unmatched)


class _TableLoad:
    """The body of one table load (the staged table's name is the vector loads')."""

    def __init__(self, engine: Engine, conn: Connection, layer: Layer, load_id: int,
                 path: Path, tracker: QualityTracker) -> None:
        self.engine = engine
        self.conn = conn
        self.layer = layer
        self.load_id = load_id
        self.path = path
        self.tracker = tracker
        self.staging = staging_table(layer.id, load_id)

    def run(self, schema: dict[str, Any] | None, progress: Progress | None
            ) -> tuple[int, VersionStats, dict[str, Any], int]:
        raw = read_table(self.path, str(self.path))
        version_of_schema = self.layer.current_version if schema is not None else None
        if schema is None:
            schema = table_schema.infer_schema(raw)
        rows = table_schema.parse_rows(raw, schema, version_of_schema)
        report = self.tracker.report
        report.features_read = report.features_loaded = len(rows)
        with self.conn.begin():
            self._stage(raw, schema, rows, progress)
            unmatched = self._check_join(report)
            stats = VersionStats(
                feature_count=len(rows), geometry_type=TABLE_TYPE, extent=None,
                extent_4326=None, quality=self._stored_report(report, schema, raw))
            version = self._swap(stats)
        return version, stats, schema, unmatched

    def _stored_report(self, report: QualityReport, schema: dict[str, Any],
                       raw: RawTable) -> dict[str, Any]:
        stored = report.model_dump(mode="json")
        stored[SCHEMA_KEY] = schema
        stored[DIALECT_KEY] = {"encoding": raw.encoding, "delimiter": raw.delimiter}
        return stored

    def _driver(self) -> psycopg.Connection[Any]:
        driver: psycopg.Connection[Any] | None = self.conn.connection.driver_connection
        assert driver is not None
        return driver

    def _execute(self, statement: psql.Composed | psql.SQL, params: Any = None) -> list[Any]:
        with self._driver().cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

    def _stage(self, raw: RawTable, schema: dict[str, Any], rows: list[list[Any]],
               progress: Progress | None) -> None:
        fields = table_schema.fields_of(schema)
        names = column_names([f.name for f in fields])
        self._execute(sql.create_staging(
            self.staging, [(n, f.sql_type) for n, f in zip(names, fields, strict=True)]))
        with self._driver().cursor() as cursor, \
                cursor.copy(sql.copy_rows(self.staging, names)) as copy:
            for fid, row in enumerate(rows, start=1):
                copy.write_row([fid, *row])
                if progress is not None and fid % 10_000 == 0:
                    progress(fid, len(rows))
        for statement in sql.finish_staging(self.staging):
            self._execute(statement)
        if progress is not None:
            progress(len(rows), len(rows))

    def _check_join(self, report: QualityReport) -> int:
        """Count and list the rows the declared join matches nothing for (kept: the table
        is published whole; the joined view shows the matched rows)."""
        join = self.layer.spec.join
        if join is None:
            return 0
        count, issues = joins.unmatched(
            self.conn, psql.Identifier(STAGING_SCHEMA, self.staging), join)
        for issue in issues:
            report.add(issue)
        hidden = count - len(issues)
        if hidden > 0:
            report.counts["join_unmatched"] = count
            report.issues_truncated += hidden
        return count

    def _swap(self, stats: VersionStats) -> int:
        layer_id = self.layer.id
        if self._execute(ingest_sql.table_exists(), (DATA_SCHEMA, layer_id))[0][0]:
            history = history_table_name(layer_id, self.layer.current_version or 0)
            if self._execute(ingest_sql.table_exists(), (HISTORY_SCHEMA, history))[0][0]:
                raise IngestError(str(self.path), f"history.{history} already exists")
            for statement in ingest_sql.retire_current(layer_id, history, spatial=False):
                self._execute(statement)
        for statement in ingest_sql.promote_staging(self.staging, layer_id, spatial=False):
            self._execute(statement)
        now = self.conn.execute(select(func.now())).scalar_one()
        version = registry.publish_version(self.conn, self.load_id, layer_id, now, stats)
        refresh_published_view(self.conn, registry.get_layer(self.conn, layer_id))
        return version

    def drop_staging(self) -> None:
        try:
            with self.engine.begin() as conn:
                driver = conn.connection.driver_connection
                assert driver is not None
                driver.execute(ingest_sql.drop_staging(self.staging))
        except (SQLAlchemyError, psycopg.Error) as exc:
            log.warning("%s: staged table left for the next load to drop: %s", self.staging, exc)

