"""SQL of attribute summaries: filled share, distinct values, range and histogram per column."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Select, String, cast, column, func, literal, select, table
from sqlalchemy.sql.expression import ColumnClause

from gis.schema import Relation

NUMERIC_TYPES = frozenset({"integer", "bigint", "smallint", "numeric", "real",
                           "double precision"})
ORDERED_TYPES = NUMERIC_TYPES | {"date", "timestamp with time zone",
                                 "timestamp without time zone"}


def summary(relation: Relation, columns: list[tuple[str, str]]) -> Select[Any]:
    """One row: the feature count, then per column count, distinct count, min and max."""
    schema, name = relation
    source = table(name, *(column(c) for c, _ in columns), schema=schema)
    parts: list[Any] = [func.count().label("n")]
    for index, (name_, pg_type) in enumerate(columns):
        col = source.c[name_]
        parts.append(func.count(col).label(f"c{index}"))
        parts.append(func.count(col.distinct()).label(f"d{index}"))
        ordered = pg_type in ORDERED_TYPES
        parts.append(cast(func.min(col), String).label(f"lo{index}") if ordered
                     else literal(None, String).label(f"lo{index}"))
        parts.append(cast(func.max(col), String).label(f"hi{index}") if ordered
                     else literal(None, String).label(f"hi{index}"))
    return select(*parts).select_from(source)


def histogram(relation: Relation, name: str, low: float, high: float,
              buckets: int) -> Select[Any]:
    """(bucket 1..buckets, count) of a numeric column between ``low`` and ``high``."""
    schema, table_name = relation
    col: ColumnClause[Any] = column(name)
    source = table(table_name, col, schema=schema)
    bucket = func.least(func.width_bucket(cast(col, Float), low, high, buckets),
                        buckets).label("bucket")
    return (select(bucket, func.count().label("n")).select_from(source)
            .where(col.is_not(None)).group_by(bucket).order_by(bucket))
