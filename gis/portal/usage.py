"""Usage statistics without personal data: per layer and day, two counters.

The service counts in memory and adds its counts here in batches; nothing identifying a
visitor (address, key, agent) is ever written, only (layer, day, downloads, API requests).
Popularity (the home page's "most used" and the search's sort) is the last year's total.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from gis.portal import usage_sql


@dataclass(frozen=True)
class Usage:
    downloads: int
    api_requests: int

    @property
    def total(self) -> int:
        return self.downloads + self.api_requests


def add_counts(conn: Connection, counts: Mapping[tuple[str, date], Usage]) -> None:
    """Add counts per (layer, day); layers unknown to the registry are skipped."""
    if not counts:
        return
    rows = [{"layer_id": layer_id, "day": day, "downloads": u.downloads,
             "api_requests": u.api_requests} for (layer_id, day), u in counts.items()]
    conn.execute(usage_sql.add_counts(rows))


def monthly_usage(conn: Connection, layer_id: str, since: date) -> list[tuple[date, Usage]]:
    """(first day of the month, counts) of a layer from ``since``, oldest first."""
    return [(row.month.date(), Usage(int(row.downloads), int(row.api_requests)))
            for row in conn.execute(usage_sql.monthly(layer_id, since))]


def usage_totals(conn: Connection, since: date) -> dict[str, Usage]:
    """Layer id -> counts since ``since`` (layers never used are absent)."""
    return {row.layer_id: Usage(int(row.downloads), int(row.api_requests))
            for row in conn.execute(usage_sql.totals(since))}
