"""From the source's Arrow schema to typed PostgreSQL columns; text checks per column.

Attribute columns keep their source names (truncated to PostgreSQL's 63 bytes and made
unique); names the data contract reserves (fid, geom, geom_4326, geom_3857) get a ``src_``
prefix. Decimals and unsigned 64-bit integers (rare: GDAL gives them for Parquet/Arrow
sources) are kept exactly, as text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from gis.model import QualityIssue
from gis.schema import MAX_IDENTIFIER, RESERVED_COLUMNS

GEOARROW_WKB = b"geoarrow.wkb"


@dataclass(frozen=True)
class Column:
    """One attribute: its name in the source batch, in the table, and its SQL type."""

    source: str
    name: str
    sql_type: str


def geometry_column(schema: pa.Schema) -> str:
    """The WKB geometry column GDAL put in the stream."""
    for item in schema:
        metadata = item.metadata or {}
        if metadata.get(b"ARROW:extension:name") == GEOARROW_WKB:
            return str(item.name)
    for item in schema:
        if item.name == "wkb_geometry" or pa.types.is_binary(item.type):
            return str(item.name)
    raise ValueError("no geometry column in the stream")


def sql_type(data_type: pa.DataType) -> str:
    """The PostgreSQL type of an Arrow type (a constant of this module, never source text)."""
    checks: list[tuple[Callable[[pa.DataType], bool], str]] = [
        (pa.types.is_boolean, "boolean"),
        (lambda t: t in (pa.int8(), pa.int16(), pa.int32(), pa.uint8(), pa.uint16()), "integer"),
        (lambda t: t in (pa.int64(), pa.uint32()), "bigint"),
        (lambda t: t == pa.uint64() or pa.types.is_decimal(t), "text"),
        (lambda t: t in (pa.float16(), pa.float32()), "real"),
        (pa.types.is_float64, "double precision"),
        (lambda t: pa.types.is_string(t) or pa.types.is_large_string(t), "text"),
        (pa.types.is_date, "date"),
        (pa.types.is_time, "time"),
        (lambda t: pa.types.is_timestamp(t) and t.tz is not None, "timestamptz"),
        (pa.types.is_timestamp, "timestamp"),
        (lambda t: pa.types.is_binary(t) or pa.types.is_large_binary(t), "bytea"),
    ]
    return next((name for check, name in checks if check(data_type)), "jsonb")


def _unique_name(name: str, taken: set[str], position: int) -> str:
    base = name.strip() or f"field_{position}"
    if base.lower() in RESERVED_COLUMNS:
        base = f"src_{base}"
    base = base.encode("utf-8")[:MAX_IDENTIFIER].decode("utf-8", "ignore")
    candidate, counter = base, 2
    while candidate in taken:
        suffix = f"_{counter}"
        candidate = base.encode("utf-8")[: MAX_IDENTIFIER - len(suffix)].decode(
            "utf-8", "ignore") + suffix
        counter += 1
    taken.add(candidate)
    return candidate


def plan_columns(schema: pa.Schema) -> list[Column]:
    """The attribute columns of the layer table, in source order (geometry excluded)."""
    geometry = geometry_column(schema)
    taken: set[str] = set()
    columns = []
    for position, item in enumerate(schema):
        if item.name == geometry or item.name == "OGC_FID":
            continue
        columns.append(Column(item.name, _unique_name(item.name, taken, position),
                              sql_type(item.type)))
    return columns


def find_id_column(columns: list[Column], declared: str | None) -> Column | None:
    """The column holding feature ids: the declared ``id_field``, else id/gml_id/osm_id."""
    by_source = {c.source: c for c in columns}
    if declared is not None:
        return by_source.get(declared) or next((c for c in columns if c.name == declared), None)
    for candidate in ("id", "gml_id", "osm_id"):
        for column in columns:
            if column.source.lower() == candidate:
                return column
    return None


def check_text(
    array: pa.Array, column: Column, labels: Callable[[int], str]
) -> tuple[pa.Array, list[QualityIssue]]:
    """Undecodable bytes and NUL characters in a text column: repaired, each reported."""
    try:
        array.validate(full=True)
        has_nul = bool(pc.any(pc.match_substring(array, "\x00")).as_py())
        if not has_nul:
            return array, []
    except pa.ArrowInvalid:
        pass
    values: list[str | None] = []
    issues: list[QualityIssue] = []
    for index, raw in enumerate(array.cast(pa.binary()).to_pylist()):
        if raw is None:
            values.append(None)
            continue
        try:
            text = raw.decode("utf-8")
            problem = None
        except UnicodeDecodeError as exc:
            text = raw.decode("utf-8", "replace")
            problem = f"field {column.source!r}: bytes that are not UTF-8 ({exc.reason} at " \
                      f"byte {exc.start}); replaced by U+FFFD. Declare the file's encoding"
        if "\x00" in text:
            text = text.replace("\x00", "")
            problem = problem or f"field {column.source!r}: NUL characters removed"
        if problem:
            issues.append(QualityIssue(code="bad_text", message=problem, feature=labels(index),
                                       action="repaired"))
        values.append(text)
    return pa.array(values, type=pa.string()), issues
