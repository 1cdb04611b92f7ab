"""The server-drawn charts' geometry: bars from a zero line (negative values to its left),
a time series left to right with its extremes on the top and bottom of the plot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from twin.portal.charts import LABEL_WIDTH, MARGIN, WIDTH, bar_chart, line_chart


def test_bars_grow_from_the_zero_line() -> None:
    chart = bar_chart("t", "d", [("a", 10.0), ("b", -5.0), ("c", 0.0)])
    a, b, c = chart.bars
    zero = LABEL_WIDTH + (WIDTH - LABEL_WIDTH - MARGIN) * 5 / 15
    assert a.x == round(zero, 1)
    assert abs(b.x + b.width - zero) < 0.2
    assert abs(a.width - 2 * b.width) < 0.2  # rounded to 0.1
    assert c.width == 0
    assert [bar.y for bar in chart.bars] == [0, 22, 44]
    assert chart.height == 66
    assert a.text == "10"


def test_a_series_spans_the_plot_oldest_left() -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    series = [(start + timedelta(hours=h), v) for h, v in [(2, 4.0), (0, 1.0), (1, 9.0)]]
    chart = line_chart("t", "d", series, when=lambda d: d.strftime("%H:%M"))
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs)
    assert xs[0] == MARGIN
    assert xs[-1] == WIDTH - MARGIN
    highest = min(chart.points, key=lambda p: p.y)
    lowest = max(chart.points, key=lambda p: p.y)
    assert (highest.value, lowest.value) == (9.0, 1.0)
    assert chart.span == ("00:00", "02:00")
    assert len(chart.path.split()) == 3


def test_a_single_or_flat_series_is_drawn_mid_plot() -> None:
    chart = line_chart("t", "d", [(datetime(2026, 1, 1, tzinfo=UTC), 3.0)])
    assert chart.points[0].x == WIDTH / 2
    assert [label for _, label in chart.ticks] == ["4", "3", "2"]
