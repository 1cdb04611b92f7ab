"""The portal's chart reads: a few rows of two columns of a relation the visitor may read
(identifiers quoted by SQLAlchemy, the limit bound)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, column, select, table

from gis.schema import ID_COLUMN, Relation


def first_rows(conn: Connection, relation: Relation, label: str | None, value: str,
               limit: int) -> list[tuple[Any, Any]]:
    """(label, value) of the first ``limit`` rows in id order whose value is set (label:
    the row id when no label column)."""
    schema, name = relation
    names = dict.fromkeys((label or ID_COLUMN, value, ID_COLUMN))
    source = table(name, *(column(n) for n in names), schema=schema)
    query = (select(source.c[label or ID_COLUMN], source.c[value])
             .where(source.c[value].is_not(None))
             .order_by(source.c[ID_COLUMN]).limit(limit))
    return [(row[0], row[1]) for row in conn.execute(query)]
