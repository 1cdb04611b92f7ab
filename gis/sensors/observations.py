"""Observations in batches: parsed, checked and COPYed into monthly partitions created on
demand (HTTP dataArray, MQTT, single POSTs all end here).

A partition per calendar month of phenomenonTime keeps each one's BRIN index tight and lets
retention drop whole months; it is created the first time a batch holds such a month,
under a transaction lock (two batches adding the same month would clash). Ids come from the
table's sequence in one call per batch, so the COPY carries them and every created
observation can be announced (MQTT) and linked.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from sqlalchemy import Connection, select

from gis.errors import SensorEntityNotFound, SensorError
from gis.sensors import sql as q
from gis.sensors import tables as t
from gis.sensors.scope import Scope


@dataclass(slots=True)
class NewObservation:
    """One observation to store (its FeatureOfInterest resolved or to be derived)."""

    datastream_id: int
    phenomenon_time: datetime
    phenomenon_time_end: datetime | None
    result: Any
    result_time: datetime | None = None
    result_quality: Any = None
    valid_time: tuple[datetime, datetime | None] | None = None
    parameters: dict[str, Any] | None = None
    feature_of_interest_id: int | None = None


def parse_time(value: Any, what: str) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        found = datetime.fromisoformat(value)  # 3.11: "Z" and offsets included
    except (TypeError, ValueError):
        raise SensorError(f"{what}: {value!r} is not an ISO 8601 instant") from None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def parse_interval(value: Any, what: str) -> tuple[datetime, datetime | None]:
    """An instant or ``start/end``."""
    if type(value) is str and "/" not in value:
        try:
            found = datetime.fromisoformat(value)
        except ValueError:
            raise SensorError(f"{what}: {value!r} is not an ISO 8601 instant") from None
        return (found if found.tzinfo else found.replace(tzinfo=UTC)), None
    if isinstance(value, str) and "/" in value:
        start, end = value.split("/", 1)
        return parse_time(start, what), parse_time(end, what)
    return parse_time(value, what), None


def month_bounds(moment: datetime) -> tuple[datetime, datetime]:
    start = datetime(moment.year, moment.month, 1, tzinfo=UTC)
    end = datetime(moment.year + (moment.month == 12), moment.month % 12 + 1, 1, tzinfo=UTC)
    return start, end


class PartitionCache:
    """Months known to have a partition, per process and database (a miss asks the
    database): a process that writes to two databases (the tests do) must not take
    one's partitions for the other's."""

    def __init__(self) -> None:
        self.by_database: dict[tuple[str, int, str], set[str]] = {}

    def ensure(self, driver: psycopg.Connection[Any], moments: Iterable[datetime]) -> None:
        """Every month from the earliest to the latest moment has its partition."""
        times = list(moments)
        if not times:
            return
        info = driver.info
        known = self.by_database.setdefault((info.host, info.port, info.dbname), set())
        first, last = month_bounds(min(times).astimezone(UTC)), max(times).astimezone(UTC)
        months = []
        while first[0] <= last:
            months.append(first)
            first = month_bounds(first[1])
        missing = [m for m in months if q.partition_name(m[0]) not in known]
        if not missing:
            return
        with driver.cursor() as cursor:
            cursor.execute(q.existing_partitions())
            known |= {row[0] for row in cursor.fetchall()}
            missing = [m for m in missing if q.partition_name(m[0]) not in known]
            if missing:
                cursor.execute(q.partition_lock())
                for start, end in sorted(missing):
                    cursor.execute(q.create_partition(start, end))
                    known.add(q.partition_name(start))


PARTITIONS = PartitionCache()


def _driver(conn: Connection) -> psycopg.Connection[Any]:
    driver: psycopg.Connection[Any] | None = conn.connection.driver_connection
    assert driver is not None
    return driver


def writable_datastreams(conn: Connection, ids: Iterable[int], scope: Scope) -> dict[int, int]:
    """{datastream id: its Thing id} for the given ids the caller may write to; an unknown or
    forbidden one is a `SensorEntityNotFound` naming it."""
    wanted = sorted(set(ids))
    rows = conn.execute(select(t.datastream.c.id, t.thing.c.id, t.thing.c.layer_id)
                        .select_from(t.datastream.join(t.thing,
                                                       t.thing.c.id == t.datastream.c.thing_id))
                        .where(t.datastream.c.id.in_(wanted))).all()
    found = {ds: (thing, layer) for ds, thing, layer in rows}
    for ds in wanted:
        if ds not in found or not (scope.may_read(found[ds][1])
                                   and scope.may_write(found[ds][1])):
            raise SensorEntityNotFound(f"no such Datastream ({ds})")
    return {ds: found[ds][0] for ds in wanted}


def insert_observations(conn: Connection, items: Sequence[NewObservation], scope: Scope,
                        features: FeatureResolver) -> list[int]:
    """Store ``items`` (one COPY) and return their ids, in order. Runs in the caller's
    transaction."""
    if not items:
        return []
    things = writable_datastreams(conn, (i.datastream_id for i in items), scope)
    driver = _driver(conn)
    PARTITIONS.ensure(driver, (i.phenomenon_time for i in items))
    # resolved before the COPY: the connection runs nothing else while it copies
    foi = [item.feature_of_interest_id or features.for_thing(conn, things[item.datastream_id])
           for item in items]
    with driver.cursor() as cursor:
        cursor.execute(q.next_observation_ids(), (len(items),))
        ids = [row[0] for row in cursor.fetchall()]
        lines = [_copy_line(new_id, item, feature)
                 for new_id, item, feature in zip(ids, items, foi, strict=True)]
        with cursor.copy(q.copy_observations()) as copy:
            for start in range(0, len(lines), COPY_CHUNK):
                copy.write("".join(lines[start:start + COPY_CHUNK]))
    return ids


#: rows per write of the COPY stream
COPY_CHUNK = 2000
NULL = "\\N"


def _json(value: Any) -> str:
    """JSON text escaped for COPY's text format (json.dumps never emits a raw tab or line
    break, so only backslashes need doubling)."""
    if value is None:
        return NULL
    if type(value) is int or (type(value) is float and math.isfinite(value)):
        return repr(value)
    if type(value) is float:
        raise SensorError(f"result {value!r}: JSON has no such number")
    return json.dumps(value).replace("\\", "\\\\")


def _time(value: datetime | None) -> str:
    return NULL if value is None else value.isoformat()


def _copy_line(new_id: int, item: NewObservation, feature: int) -> str:
    valid = item.valid_time or (None, None)
    return "\t".join((
        str(new_id), str(item.datastream_id), _time(item.phenomenon_time),
        _time(item.phenomenon_time_end), _time(item.result_time), _json(item.result),
        _json(item.result_quality), _time(valid[0]), _time(valid[1]), _json(item.parameters),
        str(feature))) + "\n"


class FeatureResolver:
    """The FeatureOfInterest an observation without one gets: its Thing's Location (spec:
    10.2), made once per Location and reused."""

    def __init__(self) -> None:
        self.by_thing: dict[int, int] = {}

    def for_thing(self, conn: Connection, thing_id: int) -> int:
        if thing_id in self.by_thing:
            return self.by_thing[thing_id]
        link, location, foi = t.thing_location, t.location, t.feature_of_interest
        row = conn.execute(select(location).where(location.c.id.in_(
            select(link.c.location_id).where(link.c.thing_id == thing_id)))
            .order_by(location.c.id.desc()).limit(1)).first()
        if row is None:
            raise SensorError(f"Thing {thing_id} has no Location: give the observation a "
                              "FeatureOfInterest")
        existing = conn.execute(select(foi.c.id).where(foi.c.location_id == row.id)
                                .limit(1)).scalar()
        if existing is None:
            existing = conn.execute(foi.insert().values(
                name=row.name, description=row.description, encoding_type=row.encoding_type,
                feature=row.location, location_id=row.id).returning(foi.c.id)).scalar_one()
        self.by_thing[thing_id] = int(existing)
        return int(existing)
