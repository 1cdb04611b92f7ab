"""Attribute summaries of a layer's readable relation, for its dataset page.

Per column: type, filled share, distinct values, range (numbers and dates) and, for numbers,
a small histogram. Read from the relation the visitor may read (the published view for
everyone but staff), so a dropped or generalised field is summarised as published.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from gis import registry
from gis.portal import attributes_sql
from gis.schema import Relation

HISTOGRAM_BUCKETS = 10
MAX_HISTOGRAMS = 6


@dataclass(frozen=True)
class AttributeSummary:
    name: str
    pg_type: str
    filled: int
    distinct: int
    low: str | None
    high: str | None
    histogram: tuple[int, ...]


@dataclass(frozen=True)
class Summaries:
    features: int
    attributes: tuple[AttributeSummary, ...]


def summarise(conn: Connection, relation: Relation, layer_id: str) -> Summaries:
    """Every attribute column of ``relation`` summarised in one scan (plus one per histogram)."""
    columns = registry.attribute_columns(conn, [layer_id]).get(relation, [])
    row = conn.execute(attributes_sql.summary(relation, columns)).one()._mapping
    found = []
    histograms = 0
    for index, (name, pg_type) in enumerate(columns):
        low, high = row[f"lo{index}"], row[f"hi{index}"]
        bars: tuple[int, ...] = ()
        if (pg_type in attributes_sql.NUMERIC_TYPES and low is not None and high is not None
                and float(high) > float(low) and histograms < MAX_HISTOGRAMS):
            counts = dict(conn.execute(attributes_sql.histogram(
                relation, name, float(low), float(high), HISTOGRAM_BUCKETS)).tuples().all())
            bars = tuple(int(counts.get(b, 0)) for b in range(1, HISTOGRAM_BUCKETS + 1))
            histograms += 1
        found.append(AttributeSummary(name, pg_type, int(row[f"c{index}"]),
                                      int(row[f"d{index}"]), low, high, bars))
    return Summaries(int(row["n"]), tuple(found))
