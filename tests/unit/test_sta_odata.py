"""The SensorThings query options parser (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gis.errors import SensorEntityNotFound, SensorQueryError
from gis.sensors import odata
from gis.sensors.paths import parse_path


def test_filter_precedence_and_literals() -> None:
    expr = odata.parse_filter("result gt 2.5 add 1 and not (name eq 'O''Neil' or "
                              "phenomenonTime lt 2026-01-01T00:00:00Z)")
    assert isinstance(expr, odata.Binary)
    assert expr.op == "and"
    left = expr.left
    assert left == odata.Binary("gt", odata.Path(("result",)), odata.Binary(
        "add", odata.Literal(2.5), odata.Literal(1)))
    assert isinstance(expr.right, odata.Not)
    inner = expr.right.operand
    assert isinstance(inner, odata.Binary)
    assert inner.left == odata.Binary("eq", odata.Path(("name",)), odata.Literal("O'Neil"))
    assert inner.right == odata.Binary("lt", odata.Path(("phenomenonTime",)), odata.Literal(
        datetime(2026, 1, 1, tzinfo=UTC)))


def test_functions_and_paths() -> None:
    expr = odata.parse_filter("substringof('PM', Datastream/ObservedProperty/name)")
    assert expr == odata.Call("substringof", (odata.Literal("PM"), odata.Path(
        ("Datastream", "ObservedProperty", "name"))))


@pytest.mark.parametrize("text", ["name eq", "name eq 'x", "(name eq 1", "foo(1)", "eq 1"])
def test_bad_filters_name_the_option(text: str) -> None:
    with pytest.raises(SensorQueryError, match=r"\$filter"):
        odata.parse_filter(text)


def test_nested_expand_and_options() -> None:
    options = odata.parse_options({
        "$expand": "Datastreams($select=name;$expand=Observations($top=2;$orderby="
                   "phenomenonTime desc)),Locations", "$top": "5", "$count": "true",
        "$orderby": "name desc,id"})
    first, second = options.expand
    assert first.path == ("Datastreams",)
    assert first.options.select == ("name",)
    nested = first.options.expand[0]
    assert nested.path == ("Observations",)
    assert nested.options.top == 2
    assert nested.options.orderby[0].descending
    assert second.path == ("Locations",)
    assert options.top == 5
    assert options.count
    assert [o.descending for o in options.orderby] == [True, False]
    with pytest.raises(SensorQueryError, match=r"\$top"):
        odata.parse_options({"$top": "-1"})
    with pytest.raises(SensorQueryError, match="unknown query option"):
        odata.parse_options({"$foo": "1"})


def test_resource_paths() -> None:
    path = parse_path("Things(3)/Datastreams(4)/Observations")
    assert [s.entity_set.name for s in path.segments] == ["Things", "Datastreams",
                                                          "Observations"]
    assert not path.last.single
    one = parse_path("Datastreams(2)/Thing/name/$value")
    assert one.last.single
    assert one.attribute == "name"
    assert one.value
    with pytest.raises(SensorEntityNotFound):
        parse_path("Things/Datastreams")  # a navigation needs one entity
    with pytest.raises(SensorEntityNotFound):
        parse_path("Gadgets(1)")
