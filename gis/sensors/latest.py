"""Things with the latest value of each of their Datastreams: what a GIS user loads to see
live sensors (the OGC API collection ``sensors``, `twin.ogc.sensors`) and what the portal's
sensors page lists (`twin.portal.sensors`).

One feature per Thing visible to the caller's `Scope` (the same rule as the SensorThings
API, so a closed Thing never appears to outsiders), on its first Location. Each Datastream
gives three flat properties named after its ObservedProperty -- ``PM10``, ``PM10_unit``,
``PM10_time`` -- so that QGIS shows them as attribute columns; the full list is also in
``datastreams``. Reads are one page query plus one latest-value query for the page's Things.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection

from gis.sensors import latest_sql
from gis.sensors.latest_sql import Box, Where  # re-exported: callers outside gis name them
from gis.sensors.read import time_text
from gis.sensors.scope import Scope

__all__ = ["Box", "Latest", "ThingLatest", "ThingPage", "Where", "extent", "feature",
           "recent_series", "thing_by_id", "things_page"]


@dataclass(frozen=True)
class Latest:
    """One Datastream of a Thing and its newest observation (None: no observation yet)."""

    id: int
    name: str
    observed_property: str | None
    unit: dict[str, Any]
    time: datetime | None
    time_end: datetime | None
    result: Any

    @property
    def key(self) -> str:
        """The property name this datastream's value takes in a feature."""
        return self.observed_property or self.name

    @property
    def symbol(self) -> str | None:
        value = self.unit.get("symbol") or self.unit.get("name")
        return str(value) if value is not None else None


@dataclass(frozen=True)
class ThingLatest:
    id: int
    name: str
    description: str | None
    #: the registry layer whose access level the Thing has (``properties.layer``)
    layer: str | None
    geometry: dict[str, Any] | None
    datastreams: tuple[Latest, ...]


@dataclass(frozen=True)
class ThingPage:
    things: tuple[ThingLatest, ...]
    matched: int


def _latest(conn: Connection, thing_ids: Sequence[int]) -> dict[int, list[Latest]]:
    found: dict[int, list[Latest]] = {i: [] for i in thing_ids}
    if not thing_ids:
        return found
    for row in conn.execute(latest_sql.latest_of_things(thing_ids)):
        found[row[0]].append(Latest(row[1], row[2] or f"Datastream {row[1]}", row[4],
                                    row[3] or {}, row[5], row[6], row[7]))
    return found


def _things(conn: Connection, rows: Sequence[Any]) -> tuple[ThingLatest, ...]:
    latest = _latest(conn, [row[0] for row in rows])
    return tuple(ThingLatest(row[0], row[1] or f"Thing {row[0]}", row[2], row[3],
                             orjson.loads(row[4]) if row[4] else None,
                             tuple(latest[row[0]])) for row in rows)


def things_page(conn: Connection, scope: Scope, bbox: Box | None = None, limit: int = 10,
                offset: int = 0, where: Where | None = None) -> ThingPage:
    """A page of visible Things (id order) with their latest values and the number matched
    (counted only when the page is full: a short page tells it)."""
    rows = conn.execute(latest_sql.things_page(scope, bbox, limit, offset, where)).all()
    if len(rows) < limit and (rows or offset == 0):
        matched = offset + len(rows)
    else:
        matched = int(conn.execute(latest_sql.things_count(scope, bbox, where)).scalar_one())
    return ThingPage(_things(conn, rows), matched)


def thing_by_id(conn: Connection, scope: Scope, thing_id: int) -> ThingLatest | None:
    """One visible Thing with its latest values (None: unknown or not visible)."""
    rows = conn.execute(latest_sql.things_page(scope, None, 1, 0, None, thing_id)).all()
    found = _things(conn, rows)
    return found[0] if found else None


def extent(conn: Connection, scope: Scope) -> tuple[float, float, float, float] | None:
    row = conn.execute(latest_sql.things_extent(scope)).one()
    return None if row[0] is None else (float(row[0]), float(row[1]), float(row[2]),
                                        float(row[3]))


def recent_series(conn: Connection, datastream_ids: Sequence[int], count: int
                  ) -> dict[int, list[tuple[datetime, Any]]]:
    """The ``count`` newest (time, result) of each datastream, oldest first."""
    found: dict[int, list[tuple[datetime, Any]]] = {i: [] for i in datastream_ids}
    if not datastream_ids:
        return found
    for ds_id, time, result in conn.execute(latest_sql.last_observations(datastream_ids,
                                                                         count)):
        found[ds_id].insert(0, (time, result))
    return found


def feature(thing: ThingLatest, sta_url: str) -> dict[str, Any]:
    """A Thing as a GeoJSON feature: flat latest values, then the full datastream list."""
    properties: dict[str, Any] = {"name": thing.name, "description": thing.description,
                                  "layer": thing.layer,
                                  "selfLink": f"{sta_url}/Things({thing.id})"}
    streams = []
    for stream in thing.datastreams:
        key = stream.key if stream.key not in properties else stream.name
        properties[key] = stream.result
        properties[f"{key}_unit"] = stream.symbol
        properties[f"{key}_time"] = time_text(stream.time)
        streams.append({"id": stream.id, "name": stream.name,
                        "observedProperty": stream.observed_property,
                        "unitOfMeasurement": stream.unit, "result": stream.result,
                        "phenomenonTime": time_text(stream.time),
                        "selfLink": f"{sta_url}/Datastreams({stream.id})"})
    properties["datastreams"] = streams
    return {"type": "Feature", "id": thing.id, "geometry": thing.geometry,
            "properties": properties}
