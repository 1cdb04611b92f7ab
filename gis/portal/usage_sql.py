"""SQL of usage counts: downloads and API requests per layer and day (no personal data)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.sql.dml import Insert

from gis.portal.tables import portal_usage


def add_counts(rows: list[dict[str, Any]]) -> Insert:
    """Add ``downloads``/``api_requests`` to each (layer, day), creating the row if needed."""
    statement = insert(portal_usage).values(rows)
    return statement.on_conflict_do_update(
        index_elements=[portal_usage.c.layer_id, portal_usage.c.day],
        set_={"downloads": portal_usage.c.downloads + statement.excluded.downloads,
              "api_requests": portal_usage.c.api_requests + statement.excluded.api_requests})


def monthly(layer_id: str, since: date) -> Select[Any]:
    month = func.date_trunc("month", portal_usage.c.day).label("month")
    return (select(month, func.sum(portal_usage.c.downloads).label("downloads"),
                   func.sum(portal_usage.c.api_requests).label("api_requests"))
            .where(portal_usage.c.layer_id == layer_id, portal_usage.c.day >= since)
            .group_by(month).order_by(month))


def totals(since: date) -> Select[Any]:
    return (select(portal_usage.c.layer_id,
                   func.sum(portal_usage.c.downloads).label("downloads"),
                   func.sum(portal_usage.c.api_requests).label("api_requests"))
            .where(portal_usage.c.day >= since).group_by(portal_usage.c.layer_id))
