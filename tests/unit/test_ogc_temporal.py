"""CQL2 temporal predicates taken out of filters and compiled, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import column
from sqlalchemy.dialects import postgresql

from twin.errors import InvalidFilter
from twin.ogc import temporal
from twin.ogc.temporal import Interval, Property, TemporalPredicate


def test_text_extraction_leaves_quoted_text_and_other_predicates_alone() -> None:
    found: list[TemporalPredicate] = []
    text = ("name = 'T_AFTER(x, y)' AND T_DURING(\"built on\", INTERVAL('2020-01-01', '..'))"
            " OR t_equals(built, TIMESTAMP('2020-01-01T10:00:00Z'))")
    rewritten = temporal.extract_text(text, found)
    assert rewritten == ("name = 'T_AFTER(x, y)' AND \"twin:temporal:0\" = 0"
                         " OR \"twin:temporal:1\" = 0")
    assert found == [
        TemporalPredicate("t_during", Property("built on"),
                          Interval(date(2020, 1, 1), None)),
        TemporalPredicate("t_equals", Property("built"),
                          datetime(2020, 1, 1, 10, tzinfo=UTC)),
    ]


def test_json_extraction_reads_every_operand_form() -> None:
    found: list[TemporalPredicate] = []
    document = {"op": "not", "args": [{"op": "T_Intersects", "args": [
        {"interval": [{"property": "start"}, {"property": "end"}]},
        {"interval": ["..", {"timestamp": "2021-05-01T00:00:00Z"}]}]}]}
    rewritten = temporal.extract_json(document, found)
    assert rewritten == {"op": "not", "args": [
        {"op": "=", "args": [{"property": "twin:temporal:0"}, 0]}]}
    assert found[0] == TemporalPredicate(
        "t_intersects", Interval(Property("start"), Property("end")),
        Interval(None, datetime(2021, 5, 1, tzinfo=UTC)))


@pytest.mark.parametrize("text", [
    "T_AFTER(built)", "T_AFTER(built, DATE('2020-13-45'))", "T_AFTER(built, 3)",
    "T_AFTER(built, INTERVAL(INTERVAL('..', '..'), '..'))", "T_AFTER(built, DATE('2020-01-01')",
])
def test_malformed_temporal_predicates_are_invalid(text: str) -> None:
    with pytest.raises(InvalidFilter):
        temporal.extract_text(text, [])


def _sql(operator: str, rhs: Interval) -> str:
    day = column("day")
    expression = temporal.relation(operator, (day, day), temporal.ends(rhs, column))
    return str(expression.compile(dialect=postgresql.dialect(),
                                  compile_kwargs={"literal_binds": True}))


def test_open_ends_are_infinite() -> None:
    assert _sql("t_intersects", Interval(None, date(2020, 1, 1))) == "'2020-01-01' >= day"
    assert _sql("t_after", Interval(None, None)) == "false"
    assert _sql("t_before", Interval(date(2020, 1, 1), None)) == "day < '2020-01-01'"
    assert _sql("t_during", Interval(None, None)) == "true"


@pytest.mark.parametrize("value", ["2020-01-01/2019-01-01/..", "../..", "2020-01-01/", "soon"])
def test_bad_datetime_values(value: str) -> None:
    with pytest.raises(InvalidFilter, match="datetime"):
        temporal.parse_datetime_parameter(value)


def _expression(cql: str) -> Any:
    from sqlalchemy import Date, DateTime

    from twin.ogc.cql2 import LON_LAT_BOX, Compiler, parse_filter
    columns = {"day": column("day", Date), "at": column("at", DateTime()),
               "name": column("name")}
    compiler = Compiler(column=lambda n: columns[n],
                        types={"day": "string", "at": "string", "name": "string"},
                        geometry=lambda shape: (column("geom"), shape),
                        temporal_columns=frozenset({"day", "at"}), coordinate_box=LON_LAT_BOX)
    return compiler.compile_filter(parse_filter(cql, None))


def _where(cql: str) -> str:
    return str(_expression(cql).compile(dialect=postgresql.dialect(),
                                        compile_kwargs={"literal_binds": True}))


@pytest.mark.parametrize("cql", [
    "T_AFTER(day, TIMESTAMP('2020-01-01T10:00:00Z'))", "day > TIMESTAMP('2020-01-01T10:00:00Z')",
    "day BETWEEN DATE('2020-01-01') AND TIMESTAMP('2020-01-01T10:00:00Z')",
    "day IN (TIMESTAMP('2020-01-01T10:00:00Z'))", "T_EQUALS(at, DATE('2020-01-01'))",
])
def test_dates_and_timestamps_meet_in_utc_not_in_the_session_zone(cql: str) -> None:
    """A date beside a timestamp is its UTC midnight, a zoneless timestamp is UTC: PostgreSQL
    would otherwise read both in the session's TimeZone."""
    where = _where(cql)
    assert "timezone('UTC', " in where
    assert "day" not in where.replace("timezone('UTC', CAST(day AS TIMESTAMP WITHOUT TIME ZONE))",
                                      "")


def test_dates_among_dates_stay_dates() -> None:
    assert _where("T_AFTER(day, DATE('2020-01-01'))") == "'2020-01-01' < day"


@pytest.mark.parametrize(("cql", "value"), [
    ("name = 'it''s'", "it's"), ("name IN ('a\r\nb', 'c')", "a\r\nb"),
    ("name LIKE 'x''%'", "x'%"),
])
def test_strings_pygeofilter_cannot_lex_are_kept_whole(cql: str, value: str) -> None:
    compiled = _expression(cql).compile(dialect=postgresql.dialect())
    assert value in compiled.params.values()


@pytest.mark.parametrize("cql", ["S_INTERSECTS(geometry, BBOX(1000000, 1, 2000000, 2))",
                                 "S_WITHIN(geometry, POINT(4 95))"])
def test_coordinates_off_the_earth_are_invalid(cql: str) -> None:
    with pytest.raises(InvalidFilter, match="outside the range"):
        _where(cql)
