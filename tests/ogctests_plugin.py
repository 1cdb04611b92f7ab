"""A pytest plugin for running ``ogctests`` (0.1.15, the latest release) filtering tests
against our server, with the suite's defective tests corrected instead of waived, and its
feature schema given the null geometry RFC 7946 allows (`NULL_GEOMETRY`).

ogctests' test_ct2 parses the ``Link`` header itself, keeps the quotes around ``rel`` values
(RFC 8288 requires them for URI relation types) and reads a non-existent ``href`` member, so it
never stores the Queryables URI that test_ct3 and the filter tests need. This plugin stores
that URI, read from our real ``Link`` header with httpx's RFC 8288 parser, after ogctests
built its list of filterable resources.

Five tests of the suite cannot pass against any server (test_ct2: the quoted ``rel``;
test_ct5: ``[invalid-value]`` is a valid value of a string queryable, ``valid-value`` an
invalid one of a number; test_ct7: sends the dict ``{'name': ..., 'default': ...}`` as
``filter-lang`` and expects ``{queryable}=valid`` -- a comparison with an unknown property --
to succeed; test_ct8: indexes the queryable's name, a str, with ``['key']``; test_ct10: builds
its CQL2-JSON with ``str.format`` on a template containing braces, which raises before any
request). Waiving them would leave five abstract tests of OGC API Features Part 3 unchecked,
so `pytest_pyfunc_call` runs, under the same test names and fixtures, a port of each written
from the abstract test the suite quotes in its docstring; every other test runs unchanged.
"""

from __future__ import annotations

import inspect
import json
import shutil
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
GEOJSON = "application/geo+json"
SUCCESS = (200, 204)


#: RFC 7946 §3.2: "the value of the geometry member SHALL be either a Geometry object ... or,
#: in the case that the Feature is unlocated, a JSON null value". The suite's copy of
#: geometryGeoJSON.yaml has no null, so the unlocated features the product serves on purpose
#: (rows of tables, issue 21) would fail the core tests' feature schema: this alternative is
#: added to the copy the core tests read, and nothing else in the schemas changes.
NULL_GEOMETRY = {"type": "null"}


def _schemas_with_null_geometry(original: Path, target: Path) -> Path:
    shutil.copytree(original, target, dirs_exist_ok=True)
    geometry = target / "geometryGeoJSON.yaml"
    document = yaml.safe_load(geometry.read_text())
    document["oneOf"].append(NULL_GEOMETRY)
    geometry.write_text(yaml.safe_dump(document))
    return target


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: Any) -> Generator[None, Any, None]:
    outcome = yield
    if outcome.excinfo is not None:
        return
    if fixturedef.argname == "schema_dir":
        target = request.getfixturevalue("tmp_path_factory").mktemp("schemas")
        patched = _schemas_with_null_geometry(outcome.get_result(), target)
        _, cache_key, error = fixturedef.cached_result  # what dependants are given
        fixturedef.cached_result = (patched, cache_key, error)
        outcome.force_result(patched)
        return
    if fixturedef.argname != "filterable_resources":
        return
    client = request.getfixturevalue("http_client")
    for resource in outcome.get_result():
        links = client.get(resource["url"], headers={"Accept": "application/json"}).links
        if QUERYABLES_REL in links:
            resource["queryables_uri"] = links[QUERYABLES_REL]["url"]


# --- helpers of the corrected tests -----------------------------------------------------------
def _queryables(client: httpx.Client, resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The non-spatial queryables of a resource (name -> JSON schema)."""
    response = client.get(resource["queryables_uri"],
                          headers={"Accept": "application/schema+json"})
    assert response.status_code == 200
    properties: dict[str, dict[str, Any]] = response.json()["properties"]
    return {name: schema for name, schema in properties.items()
            if not str(schema.get("format", "")).startswith("geometry-")}


def _features(client: httpx.Client, url: str, **params: str) -> list[dict[str, Any]]:
    response = client.get(url, headers={"Accept": GEOJSON}, params={"limit": "1000", **params})
    assert response.status_code in SUCCESS, (url, params, response.text[:300])
    assert response.headers.get("Content-Type") == GEOJSON
    features: list[dict[str, Any]] = response.json().get("features", [])
    return features


def _samples(client: httpx.Client, resource: dict[str, Any]
             ) -> list[tuple[str, dict[str, Any], Any]]:
    """(queryable, schema, a value some feature has) for every queryable with a value that
    a filter can carry (no quote, which pygeofilter's CQL2-text grammar cannot escape; no
    array -- the record catalogue's ``keywords`` -- which basic CQL2 has no literal for)."""
    features = _features(client, resource["url"], limit="100")
    found = []
    for name, schema in _queryables(client, resource).items():
        if schema.get("type") == "array":
            continue
        values = [f["properties"].get(name) for f in features]
        usable = [v for v in values if v is not None and not (isinstance(v, str) and "'" in v)]
        if usable:
            found.append((name, schema, usable[0]))
    assert found, f"no queryable of {resource['id']} has a value to filter on"
    return found


def _text_literal(schema: dict[str, Any], value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return json.dumps(value)
    if schema.get("format") == "date":
        return f"DATE('{value}')"
    if schema.get("format") == "date-time":
        return f"TIMESTAMP('{value}')"
    return f"'{value}'"


def _json_literal(schema: dict[str, Any], value: Any) -> Any:
    if schema.get("format") == "date":
        return {"date": value}
    if schema.get("format") == "date-time":
        return {"timestamp": value}
    return value


def _equality(lang: str, name: str, schema: dict[str, Any], value: Any) -> str:
    if lang == "cql2-json":
        return json.dumps({"op": "=", "args": [{"property": name},
                                               _json_literal(schema, value)]})
    return f'"{name}" = {_text_literal(schema, value)}'


def _check_equality_filter(client: httpx.Client, resource: dict[str, Any], name: str,
                           schema: dict[str, Any], value: Any, lang: str | None) -> None:
    params = {"filter": _equality(lang or "cql2-text", name, schema, value)}
    if lang is not None:
        params["filter-lang"] = lang
    features = _features(client, resource["url"], **params)
    assert features, f"{params} matched nothing, though a feature has that value"
    for feature in features:
        assert feature["properties"].get(name) == value, (params, feature["properties"])


# --- the corrected tests ----------------------------------------------------------------------
def ct2_get_queryables_uris(http_client: httpx.Client,
                            filterable_resources: list[dict[str, Any]]) -> None:
    """/conf/queryables/get-queryables-uris, with the Link header parsed as RFC 8288 says."""
    assert filterable_resources
    for resource in filterable_resources:
        response = http_client.head(resource["url"], headers={"Accept": "application/json"})
        if response.status_code == 405:
            response = http_client.get(resource["url"], headers={"Accept": "application/json"})
        assert response.status_code == 200, resource["id"]
        links = response.links
        assert QUERYABLES_REL in links or "[ogc-rel:queryables]" in links, resource["id"]
        resource["queryables_uri"] = links[QUERYABLES_REL]["url"]


def ct5_query_param(http_client: httpx.Client,
                    filterable_resources: list[dict[str, Any]]) -> None:
    """/conf/queryables-query-parameters/query-param: every queryable with a valid value of
    its type (one a feature has) selects only matching features; an invalid value of its
    type (text for a number, a boolean or a date) is a 400. A string queryable has no
    invalid value."""
    for resource in filterable_resources:
        for name, schema, value in _samples(http_client, resource):
            parameter = str(value).lower() if isinstance(value, bool) else str(value)
            features = _features(http_client, resource["url"], **{name: parameter})
            assert features, (resource["id"], name, parameter)
            for feature in features:
                assert feature["properties"].get(name) == value, (name, feature["properties"])
            if schema.get("type") != "string" or schema.get("format") in ("date", "date-time"):
                response = http_client.get(resource["url"], headers={"Accept": GEOJSON},
                                           params={name: "[invalid-value]"})
                assert response.status_code == 400, (resource["id"], name)


def ct7_filter_param(http_client: httpx.Client,
                     filterable_resources: list[dict[str, Any]]) -> None:
    """/conf/filter/filter-param in both filter languages: a valid filter on every sample
    queryable selects only matching features, an invalid one is a 400."""
    assert filterable_resources
    for resource in filterable_resources:
        assert _features(http_client, resource["url"]) is not None
        for lang in ("cql2-text", "cql2-json"):
            for name, schema, value in _samples(http_client, resource):
                _check_equality_filter(http_client, resource, name, schema, value, lang)
            invalid = {"cql2-text": "this is = not CQL2 (",
                       "cql2-json": '{"op": "=", "args": [{"property": '}[lang]
            response = http_client.get(resource["url"], headers={"Accept": GEOJSON},
                                       params={"filter-lang": lang, "filter": invalid})
            assert response.status_code == 400, (resource["id"], lang)


def ct8_filter_lang_default(http_client: httpx.Client,
                            filterable_resources: list[dict[str, Any]]) -> None:
    """/conf/filter/filter-lang-default: without filter-lang, a filter is CQL2 text."""
    for resource in filterable_resources:
        name, schema, value = _samples(http_client, resource)[0]
        _check_equality_filter(http_client, resource, name, schema, value, None)
        response = http_client.get(resource["url"], headers={"Accept": GEOJSON},
                                   params={"filter": "ooga=booga"})
        assert response.status_code == 400, resource["id"]


def ct10_filter_crs_wgs84(http_client: httpx.Client,
                          filterable_resources: list[dict[str, Any]]) -> None:
    """/conf/filter/filter-crs-wgs84: a spatial predicate on the collection's WGS 84 extent
    selects the same features as no filter; coordinates outside WGS 84 are a 400."""
    for resource in filterable_resources:
        if not resource.get("spatial_queryable"):
            continue
        collection = http_client.get(f"/collections/{resource['id']}",
                                     headers={"Accept": "application/json"}).json()
        x1, y1, x2, y2 = collection["extent"]["spatial"]["bbox"][0][:4]
        geometry = resource["spatial_queryable"]
        everything = _features(http_client, resource["url"])
        for lang, text in (
                ("cql2-text", f'S_INTERSECTS("{geometry}", BBOX({x1}, {y1}, {x2}, {y2}))'),
                ("cql2-json", json.dumps({"op": "s_intersects", "args": [
                    {"property": geometry}, {"bbox": [x1, y1, x2, y2]}]}))):
            selected = _features(http_client, resource["url"], filter=text,
                                 **{"filter-lang": lang})
            assert [f["id"] for f in selected] == [f["id"] for f in everything], lang
        response = http_client.get(resource["url"], headers={"Accept": GEOJSON}, params={
            "filter": f'S_INTERSECTS("{geometry}", BBOX(1000000, 1000000, 2000000, 2000000))'})
        assert response.status_code == 400, resource["id"]


#: suite test -> the port that runs in its place
CORRECTED: dict[str, Callable[..., None]] = {
    "test_ct2": ct2_get_queryables_uris,
    "test_ct5": ct5_query_param,
    "test_ct7": ct7_filter_param,
    "test_ct8": ct8_filter_lang_default,
    "test_ct10": ct10_filter_crs_wgs84,
}


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: Any) -> bool | None:
    """Run the port of a defective filtering test instead of the suite's body."""
    port = CORRECTED.get(pyfuncitem.name)
    if port is None or "features/filtering" not in str(pyfuncitem.path).replace("\\", "/"):
        return None
    pyfuncitem.user_properties.append(("corrected", "true"))  # in the JUnit report
    port(**{name: pyfuncitem.funcargs[name] for name in inspect.signature(port).parameters})
    return True
