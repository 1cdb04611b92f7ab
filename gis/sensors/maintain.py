"""Retention and downsampling of observations, declared per Datastream in its
``properties`` and applied by ``twin sensors maintain`` (cron or a timer):

``{"retention_days": 365}`` deletes observations older than a year;
``{"downsample": {"after_days": 30, "seconds": 3600}}`` replaces the numeric observations
older than 30 days by one hourly mean each (phenomenonTime the hour as an interval,
``parameters.downsampled`` the count averaged). Retention runs first (nothing is averaged
only to be deleted), each datastream in its own transaction; partitions of past months left
empty are dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select

from gis.errors import SensorError
from gis.sensors import sql as q
from gis.sensors import tables as t


@dataclass(frozen=True)
class MaintenanceResult:
    datastream_id: int
    downsampled: int
    deleted: int


def _rules(properties: Any, datastream_id: int) -> tuple[int | None, tuple[int, int] | None]:
    properties = properties if isinstance(properties, dict) else {}
    retention = properties.get("retention_days")
    sample = properties.get("downsample")
    if retention is not None and (not isinstance(retention, int) or retention < 1):
        raise SensorError(f"Datastream {datastream_id}: retention_days must be a positive "
                          "integer")
    rule = None
    if sample is not None:
        if not (isinstance(sample, dict) and isinstance(sample.get("after_days"), int)
                and isinstance(sample.get("seconds"), int) and sample["seconds"] > 0):
            raise SensorError(f"Datastream {datastream_id}: downsample needs after_days and "
                              "seconds (integers)")
        rule = (sample["after_days"], sample["seconds"])
    return retention, rule


def maintain(engine: Engine, now: datetime | None = None,
             progress: Callable[[int, int], None] | None = None) -> list[MaintenanceResult]:
    """Apply every datastream's rules; returns what changed per datastream that has rules."""
    now = now or datetime.now(UTC)
    with engine.connect() as conn:
        streams = conn.execute(select(t.datastream.c.id, t.datastream.c.properties)
                               .order_by(t.datastream.c.id)).all()
    results = []
    for done, (datastream_id, properties) in enumerate(streams, start=1):
        retention, rule = _rules(properties, datastream_id)
        downsampled = deleted = 0
        with engine.begin() as conn:
            if retention is not None:
                deleted = conn.execute(q.delete_observations_before(
                    datastream_id, now - timedelta(days=retention))).rowcount
            if rule is not None:
                insert, remove = q.downsample(datastream_id, now - timedelta(days=rule[0]),
                                              rule[1])
                conn.execute(insert)
                downsampled = conn.execute(remove).rowcount
        if rule is not None or retention is not None:
            results.append(MaintenanceResult(datastream_id, downsampled, deleted))
        if progress is not None:
            progress(done, len(streams))
    _drop_empty_partitions(engine, now)
    return results


def _drop_empty_partitions(engine: Engine, now: datetime) -> None:
    """Partitions of past months that retention emptied (never the current month's)."""
    current = q.partition_name(datetime(now.year, now.month, 1, tzinfo=UTC))
    with engine.begin() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            cursor.execute(q.existing_partitions())
            names = sorted(row[0] for row in cursor.fetchall())
            for name in names:
                if name >= current:
                    continue
                cursor.execute(q.partition_is_empty(name))
                row = cursor.fetchone()
                if row is not None and row[0]:
                    cursor.execute(q.drop_partition(name))
