"""A table's download files: CSV, XLSX, JSON and Parquet, built from its published view in
bounded batches (server-side cursor), for `gis.export` (which caches, hashes and names them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Connection

from gis.errors import PublishedViewMissing
from gis.model import Layer
from gis.tables import export_sql as q

BATCH_ROWS = 2000
#: PostgreSQL type (format_type) -> Arrow type; anything else is written as text
ARROW_TYPES: dict[str, pa.DataType] = {
    "bigint": pa.int64(), "integer": pa.int64(), "smallint": pa.int64(),
    "double precision": pa.float64(), "real": pa.float64(), "numeric": pa.float64(),
    "boolean": pa.bool_(), "date": pa.date32(), "timestamp without time zone":
    pa.timestamp("us"), "timestamp with time zone": pa.timestamp("us", tz="UTC"),
}


def _driver(conn: Connection) -> Any:
    return conn.connection.driver_connection


def columns(conn: Connection, layer: Layer) -> list[tuple[str, str]]:
    """(name, type) of the published view's columns a download holds (fid first)."""
    relation = q.relation(layer.table).as_string(_driver(conn))
    with _driver(conn).cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", (relation,))
        if cursor.fetchone()[0] is None:
            raise PublishedViewMissing(f"layer {layer.id!r} has no published view")
        cursor.execute(q.PUBLISHED_COLUMNS, (relation,))
        return [(n, t) for n, t in cursor.fetchall() if q.is_attribute(n)]


def _streamed(conn: Connection, statement: Any) -> Iterator[tuple[Any, ...]]:
    with _driver(conn).cursor(name="table_download") as cursor:
        cursor.itersize = BATCH_ROWS
        cursor.execute(statement)
        yield from cursor


def write_csv(conn: Connection, layer: Layer, target: Path) -> int:
    names = [n for n, _ in columns(conn, layer)]
    count = 0
    with target.open("wb") as out, _driver(conn).cursor() as cursor, \
            cursor.copy(q.csv_copy(layer.table, names)) as copy:
        for chunk in copy:
            data = bytes(chunk)
            count += data.count(b"\n")
            out.write(data)
    return max(count - 1, 0)  # the header line (values with line breaks are quoted: rare)


def write_json(conn: Connection, layer: Layer, target: Path) -> int:
    """A JSON array of row objects (the published columns, in order)."""
    names = [n for n, _ in columns(conn, layer)]
    count = 0
    with target.open("w", encoding="utf-8") as out:
        out.write("[")
        for (row,) in _streamed(conn, q.json_rows(layer.table, names)):
            out.write(("," if count else "") + "\n" + row)
            count += 1
        out.write("\n]\n")
    return count


def _batches(conn: Connection, layer: Layer, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    rows: list[tuple[Any, ...]] = []
    for row in _streamed(conn, q.rows(layer.table, schema.names)):
        rows.append(row)
        if len(rows) >= BATCH_ROWS:
            yield _batch(schema, rows)
            rows = []
    yield _batch(schema, rows)


def _batch(schema: pa.Schema, rows: list[tuple[Any, ...]]) -> pa.RecordBatch:
    values = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    arrays = [pa.array([v if f.type in ARROW_TYPES.values() or v is None else str(v)
                        for v in column], type=f.type)
              for column, f in zip(values, schema, strict=True)]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def arrow_schema(conn: Connection, layer: Layer) -> pa.Schema:
    return pa.schema([pa.field(n, ARROW_TYPES.get(t, pa.string()))
                      for n, t in columns(conn, layer)])


def write_parquet(conn: Connection, layer: Layer, target: Path) -> int:
    schema = arrow_schema(conn, layer)
    count = 0
    with pq.ParquetWriter(str(target), schema, compression="zstd") as writer:
        for batch in _batches(conn, layer, schema):
            writer.write_batch(batch)
            count += batch.num_rows
    return count


def write_xlsx(conn: Connection, layer: Layer, target: Path) -> int:
    """One sheet named after the layer (openpyxl's write-only mode: rows are streamed)."""
    from openpyxl import Workbook

    schema = arrow_schema(conn, layer)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(layer.id[:31])
    sheet.append(schema.names)
    count = 0
    for row in _streamed(conn, q.rows(layer.table, schema.names)):
        sheet.append([v if f.type in ARROW_TYPES.values() or v is None else str(v)
                      for v, f in zip(row, schema, strict=True)])
        count += 1
    book.save(str(target))
    return count


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "json": write_json, "parquet": write_parquet}
