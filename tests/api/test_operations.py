"""Operations through the app: /health, /ready, /metrics, request ids in headers, bodies, logs."""

from __future__ import annotations

import io
import json
import logging
import time
import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from ogc_support import OgcLayers, app_settings, free_port
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from gis import access, builds, migrate
from gis.db import make_engine
from twin.app import create_app
from twin.ops.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.api


@pytest.fixture(scope="module")
def staff(engine: Engine) -> dict[str, str]:
    with engine.begin() as conn:
        _, token = access.create_key(conn, "staff", label="ops-test")
    return {"X-API-Key": token}


@pytest.fixture(scope="module")
def partner(engine: Engine) -> dict[str, str]:
    with engine.begin() as conn:
        _, token = access.create_key(conn, "partner", ["ops"], label="ops-test")
    return {"X-API-Key": token}


@pytest.fixture(scope="module")
def client(database_url: str, ogc_layers: OgcLayers) -> Iterator[TestClient]:
    """The app as deployed by default (metrics for staff keys only)."""
    with TestClient(create_app(app_settings(database_url))) as client:
        yield client


def _client(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def _sample(text: str, name: str, labels: dict[str, str]) -> float | None:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return None


def _requests(client: TestClient, staff: dict[str, str], family: str, status: str = "200",
              method: str = "GET") -> float:
    scraped = client.get("/metrics", headers=staff)
    assert scraped.status_code == 200, scraped.text
    labels = {"family": family, "method": method, "status": status}
    return _sample(scraped.text, "twin_http_requests_total", labels) or 0.0


# --- liveness and readiness ------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/health", "/healthz"])
def test_liveness(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize("path", ["/ready", "/readyz"])
def test_ready_on_a_migrated_database(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["detail"]) == ("ok", "ready")
    assert body["checks"]["database_ready"] == "ready"
    assert body["checks"]["grids_exact"].startswith(
        "the service's transforms use the official grids;")
    assert "all grid-exact" in body["checks"]["grids_exact"]  # the test cluster has the grids


def test_not_ready_when_the_database_is_unreachable(database_url: str) -> None:
    closed = make_url(database_url).set(host="127.0.0.1", port=free_port())
    app = create_app(app_settings(closed.render_as_string(hide_password=False)))
    with _client(app) as client:
        assert client.get("/health").status_code == 200  # alive all the same
        response = client.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["detail"].startswith("database unreachable")


def test_not_ready_when_a_migration_is_missing(database_url: str) -> None:
    """A real database migrated to the registry revision only: the other heads are named."""
    name = f"twin_ops_{uuid.uuid4().hex[:10]}"
    admin = make_engine(database_url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    partial = make_engine(url)
    try:
        migrate.upgrade(partial, "0001")
        with _client(create_app(app_settings(url))) as client:
            response = client.get("/ready")
    finally:
        partial.dispose()
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    assert response.status_code == 503
    detail = response.json()["detail"]
    assert detail.startswith("schema not migrated")
    assert "0010_build_run" in detail
    assert "twin db migrate" in detail


def test_readiness_checks_are_extensible(database_url: str) -> None:
    """Further checks (the grids probe) run after the database's; the first failure answers."""
    app = create_app(app_settings(database_url))

    def grids_exact(_: object) -> tuple[bool, str]:
        return False, "3 CRS pairs inexact"

    app.state.readiness_checks.append(grids_exact)
    with _client(app) as client:
        response = client.get("/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable", "detail": "3 CRS pairs inexact",
        "checks": {"database_ready": "ready", "grids_exact": "3 CRS pairs inexact"}}


# --- request ids -----------------------------------------------------------------------------

def test_request_id_is_echoed_when_sane(client: TestClient) -> None:
    response = client.get("/health", headers={"X-Request-ID": "lb-7f3a.2_x"})
    assert response.headers["x-request-id"] == "lb-7f3a.2_x"


@pytest.mark.parametrize("incoming", [None, "has space", "x" * 129, "semi;colon"])
def test_request_id_is_made_otherwise(client: TestClient, incoming: str | None) -> None:
    headers = {"X-Request-ID": incoming} if incoming is not None else {}
    first = client.get("/health", headers=headers).headers["x-request-id"]
    second = client.get("/health", headers=headers).headers["x-request-id"]
    assert first != second
    assert first != incoming
    assert len(first) == 32
    assert int(first, 16) >= 0
    assert len(client.get("/health").headers.get_list("x-request-id")) == 1


def test_cors_exposes_the_request_id(client: TestClient) -> None:
    response = client.get("/health", headers={"Origin": "https://viewer.example"})
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()


def test_error_bodies_carry_the_request_id(client: TestClient,
                                           ogc_layers: OgcLayers) -> None:
    unknown = client.get("/collections/no_such_layer")
    assert unknown.status_code == 404
    assert unknown.json()["requestId"] == unknown.headers["x-request-id"]
    given = client.get("/collections/no_such_layer", headers={"X-Request-ID": "support-1"})
    assert given.json() == {"code": "NotFound", "description": "collection not found",
                            "requestId": "support-1"}
    invalid = client.get(f"/collections/{ogc_layers.open}/items", params={"limit": "many"})
    assert invalid.status_code == 400
    assert invalid.json()["requestId"] == invalid.headers["x-request-id"]
    no_route = client.get("/no/such/route")
    assert no_route.status_code == 404
    assert no_route.json()["requestId"] == no_route.headers["x-request-id"]


def test_unexpected_errors_are_a_500_with_the_request_id(database_url: str) -> None:
    app = create_app(app_settings(database_url))

    async def broken() -> None:
        raise RuntimeError("secret detail")

    app.add_api_route("/broken", broken)
    with _client(app) as client:
        response = client.get("/broken", headers={"X-Request-ID": "crash-1"})
    assert response.status_code == 500
    assert response.json() == {"code": "NoApplicableCode", "description": "internal error",
                               "requestId": "crash-1"}
    assert response.headers["x-request-id"] == "crash-1"


def test_json_log_lines_carry_the_request_id(database_url: str) -> None:
    """A line logged while answering (here: why the service is not ready, from the thread
    pool) names the request's id, as the header does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("twin.app")
    logger.addHandler(handler)
    closed = make_url(database_url).set(host="127.0.0.1", port=free_port())
    try:
        with _client(create_app(app_settings(closed.render_as_string(
                hide_password=False)))) as client:
            response = client.get("/ready", headers={"X-Request-ID": "ready-probe-1"})
            made = client.get("/ready")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(d["request_id"], d["message"][:10]) for d in lines] == [
        ("ready-probe-1", "not ready:"), (made.headers["x-request-id"], "not ready:")]
    assert response.headers["x-request-id"] == "ready-probe-1"


# --- metrics ---------------------------------------------------------------------------------

def test_metrics_need_a_staff_key_by_default(client: TestClient, staff: dict[str, str],
                                             partner: dict[str, str]) -> None:
    anonymous = client.get("/metrics")
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "InvalidCredentials"
    assert b"twin_http" not in anonymous.content
    assert client.get("/metrics", headers=partner).status_code == 403
    scraped = client.get("/metrics", headers=staff)
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain")
    assert "# TYPE twin_http_requests_total counter" in scraped.text


def test_metrics_count_requests_per_family(client: TestClient, staff: dict[str, str],
                                           ogc_layers: OgcLayers) -> None:
    items = f"/collections/{ogc_layers.open}/items"
    tile = f"/collections/{ogc_layers.open}/tiles/WebMercatorQuad/14/5480/8410"
    before = {family: _requests(client, staff, family)
              for family in ("items", "mvt", "features")}
    missing_before = _requests(client, staff, "features", "404")
    for _ in range(3):
        assert client.get(items, params={"limit": 2}).status_code == 200
    assert client.get(f"{items}/1").status_code == 200
    assert client.get(tile).status_code in (200, 204)
    assert client.get(f"/collections/{ogc_layers.open}").status_code == 200
    assert client.get("/collections/no_such_layer").status_code == 404
    tile_status = str(client.get(tile).status_code)
    assert _requests(client, staff, "items") == before["items"] + 4
    assert _requests(client, staff, "features") == before["features"] + 1
    assert _requests(client, staff, "features", "404") == missing_before + 1
    assert _requests(client, staff, "mvt", tile_status) >= 2
    scraped = client.get("/metrics", headers=staff).text
    assert (_sample(scraped, "twin_http_request_duration_seconds_count",
                    {"family": "items", "method": "GET"}) or 0) >= 4
    assert ogc_layers.open not in scraped  # families, never paths


def test_metrics_show_the_last_builds(database_url: str, engine: Engine, staff: dict[str, str],
                                      ogc_layers: OgcLayers) -> None:
    layer = ogc_layers.closed
    with builds.recorded_build(engine, layer, "buildings"):
        time.sleep(0.05)
    with builds.recorded_build(engine, layer, "pointcloud") as skipped:
        skipped.skip()  # unchanged sources: nothing built, nothing recorded
    with pytest.raises(RuntimeError), builds.recorded_build(engine, layer, "heights"):
        raise RuntimeError("the LiDAR layer is gone")
    with _client(create_app(app_settings(database_url))) as client:
        scraped = client.get("/metrics", headers=staff).text
    labels = {"layer": layer, "product": "buildings"}
    assert _sample(scraped, "twin_build_records_up", {}) == 1.0
    duration = _sample(scraped, "twin_build_duration_seconds", labels)
    assert duration is not None
    assert 0.05 <= duration < 5
    finished = _sample(scraped, "twin_build_last_success_timestamp_seconds", labels)
    assert finished is not None
    assert abs(finished - time.time()) < 60
    assert _sample(scraped, "twin_build_last_failed", labels) == 0.0
    failed = {"layer": layer, "product": "heights"}
    assert _sample(scraped, "twin_build_last_failed", failed) == 1.0
    assert _sample(scraped, "twin_build_duration_seconds", failed) is None  # never succeeded
    assert _sample(scraped, "twin_build_last_failed",
                   {"layer": layer, "product": "pointcloud"}) is None


def test_metrics_can_be_public_or_off(database_url: str) -> None:
    public = app_settings(database_url).model_copy(update={"metrics_public": True})
    with _client(create_app(public)) as client:
        assert client.get("/health").status_code == 200
        scraped = client.get("/metrics")
    assert scraped.status_code == 200
    assert _sample(scraped.text, "twin_http_requests_total",
                   {"family": "health", "method": "GET", "status": "200"}) == 1.0
    off = app_settings(database_url).model_copy(update={"metrics_enabled": False})
    with _client(create_app(off)) as client:
        response = client.get("/metrics")
    assert response.status_code == 404
    assert response.json()["requestId"] == response.headers["x-request-id"]
