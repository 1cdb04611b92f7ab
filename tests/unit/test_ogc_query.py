"""Parsing and compiling of OGC API requests, without a database: what reaches SQL, and how."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.dialects import postgresql

from gis.model import Layer, LayerSpec
from twin.errors import BadRequest, InvalidFilter, UnknownParameter
from twin.ogc import features, sql
from twin.ogc.catalog import Attribute, Collection
from twin.ogc.crs import CRS84, parse_crs, supported_uris
from twin.ogc.query import Limits, parse_bbox, parse_items_query

LIMITS = Limits(default=10, maximum=1000)


def _collection() -> Collection:
    spec = LayerSpec.model_validate({
        "id": "parcels", "title": {"en": "Parcels"}, "producer": "x",
        "contact_point": {"name": "x", "email": "x@example.org"}, "licence": "CC0",
        "update_frequency": "ANNUAL"})
    attributes = {"name": Attribute("name", "text", "string", None),
                  "area": Attribute("area", "double precision", "number", None),
                  "built": Attribute("built", "date", "string", "date")}
    return Collection(Layer(spec=spec, storage_srid=31370), "publish", "parcels", attributes)


def _sql(params: dict[str, list[str]]) -> tuple[str, dict[str, object]]:
    collection = _collection()
    query = parse_items_query(params, collection, LIMITS)
    rel = sql.relation(collection.schema, collection.table, collection.attributes.values())
    where = features.where_clause(rel, collection, query)
    assert where is not None
    compiled = where.compile(dialect=postgresql.dialect())
    return str(compiled), dict(compiled.params)


def test_limit_is_clamped_and_defaults() -> None:
    assert parse_items_query({}, _collection(), LIMITS).limit == 10
    assert parse_items_query({"limit": ["5000"]}, _collection(), LIMITS).limit == 1000


@pytest.mark.parametrize("params", [{"limit": ["unlimited"]}, {"limit": ["0"]},
                                    {"offset": ["-1"]}, {"bbox": ["1,2,3"]},
                                    {"sortby": ["nope"]}, {"properties": ["name,nope"]},
                                    {"crs": ["EPSG:4326"]}, {"datetime": ["soon"]}])
def test_bad_parameters_are_bad_requests(params: dict[str, list[str]]) -> None:
    with pytest.raises(BadRequest):
        parse_items_query(params, _collection(), LIMITS)


def test_unknown_parameters_are_named() -> None:
    with pytest.raises(UnknownParameter, match="colour"):
        parse_items_query({"colour": ["red"]}, _collection(), LIMITS)


def test_queryables_are_parameters() -> None:
    query = parse_items_query({"name": ["x"]}, _collection(), LIMITS)
    assert query.equals == (("name", "x"),)


def test_bbox_six_numbers_keep_the_2d_part() -> None:
    assert parse_bbox("1,2,0,3,4,10") == (1.0, 2.0, 3.0, 4.0)


def test_crs_list_and_axis_order() -> None:
    uris = supported_uris(31370)
    assert uris[0] == CRS84
    assert "http://www.opengis.net/def/crs/EPSG/0/3812" in uris
    assert parse_crs("http://www.opengis.net/def/crs/EPSG/0/4326", 31370).lat_lon
    assert not parse_crs(None, 31370).lat_lon


def test_filter_values_are_bound_and_names_quoted() -> None:
    cql = json.dumps({"op": "and", "args": [
        {"op": "=", "args": [{"property": "name"}, "x'); DROP TABLE t; --"]},
        {"op": ">", "args": [{"property": "area"}, 3]}]})
    text, params = _sql({"filter": [cql], "filter-lang": ["cql2-json"]})
    assert "DROP" not in text
    assert "x'); DROP TABLE t; --" in params.values()
    assert "publish.parcels.name" in text


def test_spatial_filter_uses_the_stored_column_of_its_crs() -> None:
    text, _ = _sql({"filter": ["S_INTERSECTS(geometry, POINT(4.7 50.88))"]})
    assert "geom_4326" in text
    lambert, _ = _sql({"filter": ["S_INTERSECTS(geometry, POINT(173000 174000))"],
                       "filter-crs": ["http://www.opengis.net/def/crs/EPSG/0/31370"]})
    assert "publish.parcels.geom," in lambert


@pytest.mark.parametrize("cql", ["nope = 1", "area = 'text'", "name = 3", "name ==",
                                 "T_AFTER(name, TIMESTAMP('2020-01-01T00:00:00Z'))",
                                 "T_AFTER(built, INTERVAL('2020-01-01'))",
                                 "T_NEVER(built, DATE('2020-01-01'))",
                                 "CASEI(area) = 'x'", "ACCENTI(built) = 'x'",
                                 "S_INTERSECTS(name, POINT(1 2))"])
def test_filters_we_cannot_honour_are_invalid(cql: str) -> None:
    with pytest.raises(InvalidFilter):
        _sql({"filter": [cql]})
