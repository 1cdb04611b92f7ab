"""``/portal/sensors``: the visible SensorThings Things with their latest values and, per
Datastream, a chart of its last observations drawn on the server (`twin.portal.charts`).

The Things and their latest values are the OGC collection ``sensors``'s (`gis.sensors.latest`),
under the same access rule as the SensorThings API (`twin.sta.api.scope_for`): a closed
Thing is not on the page of an outsider. The page reads without JavaScript; ``sensors.js``
only refreshes the latest values from the OGC collection while the page stays open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from numbers import Real

from sqlalchemy import Engine

from gis.sensors import latest
from gis.sensors.latest import Latest, ThingLatest
from twin.access import Caller
from twin.portal.charts import Chart, line_chart
from twin.portal.i18n import Translator
from twin.sta.api import scope_for

#: observations a datastream's chart shows (the newest ones)
SERIES_LENGTH = 48
#: Things one page lists (a commune's network: tens to a few hundreds)
MAX_THINGS = 500


@dataclass(frozen=True)
class Stream:
    latest: Latest
    value: str
    chart: Chart | None


@dataclass(frozen=True)
class ThingView:
    thing: ThingLatest
    streams: tuple[Stream, ...]


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, Real) and not isinstance(value, bool) else None


def _value_text(stream: Latest, t: Translator) -> str:
    if stream.time is None:
        return t("no_observation")
    number = _number(stream.result)
    shown = t.number(number) if number is not None else str(stream.result)
    return f"{shown} {stream.symbol}" if stream.symbol else shown


def _chart(stream: Latest, series: list[tuple[datetime, object]], t: Translator
           ) -> Chart | None:
    """A line of the numeric observations (None: fewer than one number to draw)."""
    points = [(time, n) for time, value in series if (n := _number(value)) is not None]
    if not points:
        return None
    values = [v for _, v in points]
    unit = stream.symbol or "—"
    title = t("series_title", name=stream.name, n=t.number(len(points)))
    description = t("series_desc", name=stream.key, unit=unit,
                    first=t.datetime(points[0][0]), last=t.datetime(points[-1][0]),
                    min=t.number(min(values)), max=t.number(max(values)))
    return line_chart(title, description, points, t.number, t.datetime)


def sensor_views(engine: Engine, caller: Caller, t: Translator) -> list[ThingView]:
    """Every Thing the visitor may see, with each datastream's latest value and chart."""
    scope = scope_for(engine, caller)
    with engine.connect() as conn:
        things = latest.things_page(conn, scope, None, MAX_THINGS, 0).things
        ids = [stream.id for thing in things for stream in thing.datastreams]
        series = latest.recent_series(conn, ids, SERIES_LENGTH)
    return [ThingView(thing, tuple(
        Stream(stream, _value_text(stream, t), _chart(stream, series[stream.id], t))
        for stream in thing.datastreams)) for thing in things]
