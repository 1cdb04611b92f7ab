"""Charts drawn on the server as SVG: a page reads (and prints) without JavaScript.

Two shapes only, both with an accessible name (``<title>``) and a text description
(``<desc>``) for screen readers: a horizontal bar chart of labelled values (a table's first
rows on a numeric column) and a line chart of a time series (a datastream's last
observations). Geometry is computed here, the markup is the template ``_chart.html``; every
number is rounded so that the SVG stays small and stable (test- and cache-friendly).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

#: how a value is written on the chart (the page's Babel number format)
Formatter = Callable[[float], str]

#: drawing area of every chart, in SVG user units (scaled by CSS to the page width)
WIDTH = 640
BAR_HEIGHT = 18
BAR_GAP = 4
LABEL_WIDTH = 160
LINE_HEIGHT = 200
MARGIN = 40


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    text: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    time: datetime
    value: float


@dataclass(frozen=True)
class Chart:
    """What the ``_chart.html`` template draws: ``kind`` "bars" or "line"."""

    kind: str
    title: str
    description: str
    width: int
    height: int
    bars: tuple[Bar, ...] = ()
    points: tuple[Point, ...] = ()
    #: the polyline's ``points`` attribute (line charts)
    path: str = ""
    #: (y, text) of the value axis ticks (line charts)
    ticks: tuple[tuple[float, str], ...] = ()
    #: first and last time shown (line charts)
    span: tuple[str, str] = ("", "")


def _round(value: float) -> float:
    return round(value, 1)


def bar_chart(title: str, description: str, rows: Sequence[tuple[str, float]],
              fmt: Formatter = str) -> Chart:
    """Horizontal bars, one per (label, value); negative values drawn from the zero line."""
    values = [v for _, v in rows]
    low, high = min([0.0, *values]), max([0.0, *values])
    span = (high - low) or 1.0
    room = WIDTH - LABEL_WIDTH - MARGIN
    zero = LABEL_WIDTH + room * (0 - low) / span
    bars = []
    for i, (label, value) in enumerate(rows):
        length = room * abs(value) / span
        x = zero if value >= 0 else zero - length
        bars.append(Bar(label, value, _round(x), _round(i * (BAR_HEIGHT + BAR_GAP)),
                        _round(length), _format(value, fmt)))
    height = max(1, len(rows)) * (BAR_HEIGHT + BAR_GAP)
    return Chart("bars", title, description, WIDTH, height, bars=tuple(bars))


def _format(value: float, fmt: Formatter) -> str:
    return fmt(round(value, 6) if value != int(value) else int(value))


def line_chart(title: str, description: str, series: Sequence[tuple[datetime, float]],
               fmt: Formatter = str, when: Callable[[datetime], str] = str) -> Chart:
    """A time series as a polyline with dots, oldest on the left; needs one point or more."""
    ordered = sorted(series, key=lambda pair: pair[0])
    values = [v for _, v in ordered]
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    first, last = ordered[0][0], ordered[-1][0]
    seconds = (last - first).total_seconds() or 1.0
    inner_w, inner_h = WIDTH - 2 * MARGIN, LINE_HEIGHT - 2 * MARGIN // 2

    def at(time: datetime, value: float) -> tuple[float, float]:
        x = MARGIN + inner_w * ((time - first).total_seconds() / seconds if len(ordered) > 1
                                else 0.5)
        y = MARGIN // 2 + inner_h * (high - value) / (high - low)
        return _round(x), _round(y)

    points = tuple(Point(*at(time, value), time, value) for time, value in ordered)
    path = " ".join(f"{p.x},{p.y}" for p in points)
    ticks = tuple((at(first, v)[1], _format(v, fmt)) for v in (high, (high + low) / 2, low))
    return Chart("line", title, description, WIDTH, LINE_HEIGHT, points=points, path=path,
                 ticks=ticks, span=(when(first), when(last)))
