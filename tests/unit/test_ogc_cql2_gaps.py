"""CQL2 forms pygeofilter misreads, and what is refused, compiled without a database.

Each case is a valid CQL2 1.0 expression that pygeofilter alone rejected or misread (BETWEEN
and functions in CQL2-JSON, boolean literals), or one we do not support, which must be a 400
naming what is unsupported rather than a parse error or a wrong answer.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.dialects import postgresql

from gis.model import Layer, LayerSpec
from twin.errors import BadRequest, InvalidFilter
from twin.ogc import features, sql
from twin.ogc.catalog import Attribute, Collection
from twin.ogc.query import Limits, parse_items_query

LIMITS = Limits(default=10, maximum=1000)


def _collection(temporal_property: str | None = None) -> Collection:
    spec = LayerSpec.model_validate({
        "id": "parcels", "title": {"en": "Parcels"}, "producer": "x",
        "contact_point": {"name": "x", "email": "x@example.org"}, "licence": "CC0",
        "update_frequency": "ANNUAL", "temporal_property": temporal_property})
    attributes = {"name": Attribute("name", "text", "string", None),
                  "area": Attribute("area", "double precision", "number", None),
                  "built": Attribute("built", "date", "string", "date")}
    return Collection(Layer(spec=spec, storage_srid=31370), "publish", "parcels", attributes)


def _where(params: dict[str, list[str]], collection: Collection | None = None) -> str:
    collection = collection or _collection()
    query = parse_items_query(params, collection, LIMITS)
    rel = sql.relation(collection.schema, collection.table, collection.attributes.values())
    where = features.where_clause(rel, collection, query)
    assert where is not None
    return str(where.compile(dialect=postgresql.dialect(),
                             compile_kwargs={"literal_binds": True}))


def _json(document: Any) -> str:
    return _where({"filter": [json.dumps(document)], "filter-lang": ["cql2-json"]})


def test_json_between_takes_three_arguments() -> None:
    where = _json({"op": "between", "args": [{"property": "area"}, 100, 200]})
    assert where == "publish.parcels.area BETWEEN 100 AND 200"


@pytest.mark.parametrize(("document", "expected"), [
    ({"op": "=", "args": [{"op": "accenti", "args": [{"property": "name"}]},
                          {"op": "accenti", "args": ["Émile"]}]},
     "unaccent(publish.parcels.name) = unaccent('Émile')"),
    ({"op": "like", "args": [{"op": "casei", "args": [{"op": "accenti", "args": [
        {"property": "name"}]}]}, {"op": "casei", "args": [{"op": "accenti", "args": [
            "%ÉMILE%"]}]}]},
     "lower(unaccent(publish.parcels.name)) LIKE lower(unaccent('%%ÉMILE%%'))"),
    ({"op": "in", "args": [{"op": "accenti", "args": [{"property": "name"}]},
                           [{"op": "accenti", "args": ["Gênets"]}, "Loth"]]},
     "unaccent(publish.parcels.name) IN (unaccent('Gênets'), 'Loth')"),
])
def test_json_accenti_applies_unaccent(document: Any, expected: str) -> None:
    assert _json(document) == expected


def test_boolean_literals_are_predicates() -> None:
    assert _json(True) == "true"
    name_is_x = {"op": "=", "args": [{"property": "name"}, "x"]}
    assert _json({"op": "and", "args": [False, name_is_x]}) == "false"
    assert _json({"op": "or", "args": [False, name_is_x]}) == "publish.parcels.name = 'x'"


@pytest.mark.parametrize(("lang", "cql", "named"), [
    ("cql2-text", "UPPER(name) = 'X'", "'upper'"),
    ("cql2-json", {"op": "=", "args": [{"op": "upper", "args": [{"property": "name"}]}, "X"]},
     "'upper'"),
    ("cql2-json", {"op": "s_dwithin", "args": [{"property": "geometry"},
                                               {"type": "Point", "coordinates": [4, 50]}, 10]},
     "'s_dwithin'"),
    ("cql2-json", {"op": "a_contains", "args": [{"property": "name"}, ["x"]]}, "ArrayContains"),
    ("cql2-json", {"op": ">", "args": [{"op": "+", "args": [{"property": "area"}, 1]}, 2]},
     "Add"),
    ("cql2-text", "RELATE(geometry, POINT(4 50), 'T********')", "Relate"),
    ("cql2-text", "BBOX(geometry, 4, 50, 5, 51)", "BBox"),
    ("cql2-json", {"op": "t_begins", "args": [{"property": "built"}, {"date": "2020-01-01"}]},
     "TimeBegins"),
])
def test_unsupported_functions_and_operators_are_named(lang: str, cql: Any,
                                                       named: str) -> None:
    text = cql if isinstance(cql, str) else json.dumps(cql)
    with pytest.raises(InvalidFilter, match=named):
        _where({"filter": [text], "filter-lang": [lang]})


def test_datetime_keeps_features_without_a_time() -> None:
    """/req/core/fc-time-response C: features with no temporal value match any datetime."""
    where = _where({"datetime": ["2020-01-01/.."]}, _collection("built"))
    assert where.startswith("publish.parcels.built IS NULL OR ")


def test_datetime_without_temporal_property_filters_nothing() -> None:
    collection = _collection()
    query = parse_items_query({"datetime": ["2020-01-01/.."]}, collection, LIMITS)
    assert query.datetime is None
    assert not query.filtered
    with pytest.raises(BadRequest, match="datetime"):
        parse_items_query({"datetime": ["2020-13-01"]}, collection, LIMITS)
