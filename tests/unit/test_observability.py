"""Log lines, request ids and route families (`twin.ops`), without a database."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.routing import APIRoute
from prometheus_client import CollectorRegistry

from twin import errors as twin_errors
from twin.api import catalog, downloads, edit, tiles3d, viewer
from twin.app import health
from twin.ogc import api as ogc_api
from twin.ogc import tiles as ogc_tiles
from twin.ops import metrics
from twin.ops.context import current_request_id, request_id_for, reset_request_id, set_request_id
from twin.ops.logs import NO_REQUEST, JsonFormatter, RequestIdFilter, logging_config

REPO_ROUTERS = (health, ogc_api.router, ogc_tiles.router, catalog.router, downloads.router,
                edit.router, viewer.router, tiles3d.router, metrics.router)


def _record(message: str = "loaded %s", *args: object, name: str = "twin.test",
            exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord(name, logging.WARNING, __file__, 1, message, args or ("x",),
                             exc_info)


def test_json_line_has_the_fields() -> None:
    try:
        raise ValueError("broken\nacross lines")
    except ValueError as exc:
        record = _record("layer %s failed", "cad", exc=exc)
    line = JsonFormatter().format(record)
    assert "\n" not in line  # one object per line, the traceback escaped
    document = json.loads(line)
    assert document["level"] == "WARNING"
    assert document["logger"] == "twin.test"
    assert document["message"] == "layer cad failed"
    assert document["exc_info"].startswith("Traceback")
    assert "ValueError: broken\nacross lines" in document["exc_info"]
    assert document["time"].endswith("Z")
    moment = datetime.fromisoformat(document["time"].replace("Z", "+00:00"))
    assert moment.utcoffset() == timedelta(0)
    assert abs(moment - datetime.fromtimestamp(record.created, UTC)) < timedelta(seconds=0.001)
    assert "request_id" not in document  # outside any request


def test_json_line_carries_the_request_id() -> None:
    token = set_request_id("req-42")
    try:
        record = _record()
        assert RequestIdFilter().filter(record)
    finally:
        reset_request_id(token)
    assert getattr(record, "request_id", None) == "req-42"
    # formatted later (another thread, after the request): the stamped id is kept
    assert json.loads(JsonFormatter().format(record))["request_id"] == "req-42"
    outside = _record()
    RequestIdFilter().filter(outside)
    assert getattr(outside, "request_id", None) == NO_REQUEST
    assert "request_id" not in json.loads(JsonFormatter().format(outside))


def test_json_access_line_names_its_parts() -> None:
    record = _record('%s - "%s %s HTTP/%s" %d', "10.0.0.1:5000", "GET", "/collections", "1.1",
                     200, name="uvicorn.access")
    document = json.loads(JsonFormatter().format(record))
    assert document["message"] == '10.0.0.1:5000 - "GET /collections HTTP/1.1" 200'
    assert (document["method"], document["path"], document["status"]) == \
        ("GET", "/collections", 200)


def test_serve_logging_formats_root_and_uvicorn_lines_as_json() -> None:
    """The configuration ``twin serve`` applies, in a fresh interpreter (it is global)."""
    script = (
        "import logging\n"
        "from twin.ops.logs import configure_logging\n"
        "from twin.ops.context import set_request_id\n"
        "configure_logging('json')\n"
        "logging.getLogger('twin.app').info('started')\n"
        "set_request_id('abc')\n"
        "logging.getLogger('uvicorn.error').warning('in a request')\n"
        "logging.getLogger('uvicorn.access').info('%s - \"%s %s HTTP/%s\" %d',"
        " '1.2.3.4:1', 'GET', '/health', '1.1', 200)\n"
        "logging.getLogger('pygeoapi.api').info('chatter')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=60)
    errors = [json.loads(line) for line in done.stderr.splitlines()]
    access = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(d["logger"], d["message"]) for d in errors] == \
        [("twin.app", "started"), ("uvicorn.error", "in a request")]
    assert "request_id" not in errors[0]
    assert errors[1]["request_id"] == "abc"
    assert [(d["logger"], d["path"], d["request_id"]) for d in access] == \
        [("uvicorn.access", "/health", "abc")]


def test_text_logging_configuration_is_valid() -> None:
    config = logging_config("text")
    configurator = logging.config.DictConfigurator(config)
    formatter = configurator.configure_formatter(config["formatters"]["access"])
    record = _record('%s - "%s %s HTTP/%s" %d', "1.2.3.4:1", "GET", "/x", "1.1", 200,
                     name="uvicorn.access")
    RequestIdFilter().filter(record)
    assert formatter.format(record).endswith('"GET /x HTTP/1.1" 200 OK [-]')


@pytest.mark.parametrize("incoming", ["abc", "A.b_c-9", "x" * 128,
                                      "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"])
def test_sane_request_ids_are_kept(incoming: str) -> None:
    assert request_id_for(incoming) == incoming


@pytest.mark.parametrize("incoming", [None, "", "x" * 129, "a b", "a\nb", "a\"b", "é",
                                      "id;drop", "../etc", "a/b"])
def test_other_request_ids_are_replaced(incoming: str | None) -> None:
    made = request_id_for(incoming)
    assert made != incoming
    assert len(made) == 32
    assert int(made, 16) >= 0
    assert request_id_for(incoming) != made  # a new one each time


def test_error_bodies_name_the_current_request() -> None:
    _, body = twin_errors.http_error(twin_errors.CollectionNotFound("cad"))
    assert "requestId" not in body
    token = set_request_id("r-1")
    try:
        _, body = twin_errors.http_error(twin_errors.CollectionNotFound("cad"))
    finally:
        reset_request_id(token)
    assert body == {"code": "NotFound", "description": "collection not found",
                    "requestId": "r-1"}
    assert current_request_id() is None


@pytest.mark.parametrize(("method", "template", "family"), [
    ("GET", "/", "features"),
    ("GET", "/conformance", "features"),
    ("GET", "/openapi", "features"),
    ("GET", "/collections", "features"),
    ("GET", "/collections/{collection_id}", "features"),
    ("GET", "/collections/{collection_id}/queryables", "features"),
    ("GET", "/collections/{collection_id}/schema", "features"),
    ("GET", "/collections/{collection_id}/items", "items"),
    ("HEAD", "/collections/{collection_id}/items/{item_id}", "items"),
    ("POST", "/collections/{collection_id}/items", "edit"),
    ("PUT", "/collections/{collection_id}/items/{item_id}", "edit"),
    ("patch", "/collections/{collection_id}/items/{item_id}", "edit"),
    ("DELETE", "/collections/{collection_id}/items/{item_id}", "edit"),
    ("GET", "/collections/{collection_id}/tiles/WebMercatorQuad/{z}/{y}/{x}", "mvt"),
    ("GET", "/collections/{collection_id}/tilejson.json", "mvt"),
    ("GET", "/collections/{collection_id}/style.json", "mvt"),
    ("GET", "/TileMatrixSets/{tms_id}", "mvt"),
    ("GET", "/3dtiles/{tileset}/{path:path}", "3dtiles"),
    ("GET", "/terrain/{terrain_id}/{z}/{x}/{y}.terrain", "terrain"),
    ("GET", "/portal/datasets/{layer_id}", "portal"),
    ("POST", "/sta/v1.1/Things", "sensors"),
    ("GET", "/catalog", "catalog"),
    ("GET", "/catalog.{extension}", "catalog"),
    ("GET", "/catalog/datasets/{dataset}", "catalog"),
    ("GET", "/downloads/{name}", "downloads"),
    ("GET", "/viewer", "viewer"),
    ("GET", "/viewer/cesium/{path:path}", "viewer"),
    ("GET", "/sign-in", "viewer"),
    ("GET", "/static", "static"),
    ("GET", "/health", "health"),
    ("GET", "/readyz", "health"),
    ("GET", "/metrics", "health"),
    ("GET", None, "other"),
    ("GET", "/unheard-of", "other"),
    ("GET", "relative", "other"),
])
def test_route_family(method: str, template: str | None, family: str) -> None:
    assert metrics.route_family(method, template) == family
    assert family in metrics.FAMILIES


def test_every_route_of_the_service_has_a_family() -> None:
    """A new router's routes must be given a family, not fall into "other" unnoticed."""
    templates = [(method, route.path) for router in REPO_ROUTERS for route in router.routes
                 if isinstance(route, APIRoute) for method in route.methods or ()]
    assert len(templates) > 25
    unmapped = [(m, t) for m, t in templates if metrics.route_family(m, t) == "other"]
    assert unmapped == []


def test_request_metrics_are_counted_per_family() -> None:
    registry = CollectorRegistry()
    http = metrics.HttpMetrics(registry)
    http.observe("items", "get", 200, 0.02)
    http.observe("items", "GET", 200, 0.2)
    http.observe("items", "BREW", 418, 0.001)
    counted = registry.get_sample_value
    assert counted("twin_http_requests_total",
                   {"family": "items", "method": "GET", "status": "200"}) == 2.0
    assert counted("twin_http_requests_total",
                   {"family": "items", "method": "OTHER", "status": "418"}) == 1.0
    assert counted("twin_http_request_duration_seconds_bucket",
                   {"family": "items", "method": "GET", "le": "0.025"}) == 1.0
    assert counted("twin_http_request_duration_seconds_count",
                   {"family": "items", "method": "GET"}) == 2.0
