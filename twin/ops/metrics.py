"""Prometheus metrics of one app: requests per route family, and the store's last builds.

Each app gets its own `CollectorRegistry` (`Operations`), never the process-wide default:
tests build many apps in one process, and two apps must not share or double-register
series. Request series are labelled by *route family* (`route_family`), derived from the
matched route's path template, never from the raw path: a label per layer, item or tile
would grow without bound, and layer names of closed layers must not appear to anyone.
Builds run in other processes (``twin build ...``), so their durations are read from the
store at scrape time (`BuildCollector`, `gis.builds.latest_builds`), cached a few seconds.

``/metrics`` answers staff keys only unless ``TWIN_METRICS_PUBLIC=true``: the build gauges
name layers, closed ones included. ``TWIN_METRICS_ENABLED=false`` removes the route and the
per-request bookkeeping.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    gc_collector,
    process_collector,
)
from prometheus_client.exposition import generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool

from gis import builds
from twin.access import Caller, get_caller
from twin.errors import StaffKeyRequired, StaffOnly

log = logging.getLogger(__name__)

#: families of the service's routes; every label value of ``family`` is one of these
FAMILIES = ("features", "items", "edit", "mvt", "3dtiles", "terrain", "catalog", "downloads",
            "viewer", "portal", "sensors", "static", "health", "other")
HEALTH_PATHS = frozenset({"/health", "/healthz", "/ready", "/readyz", "/metrics"})
#: first path segment of a route template -> family (``/collections/...`` is decided apart)
_BY_SEGMENT = {
    "": "features",  # the landing page
    "conformance": "features",
    "openapi": "features",
    "TileMatrixSets": "mvt",
    "3dtiles": "3dtiles",
    "terrain": "terrain",
    "catalog": "catalog",
    "catalog.{extension}": "catalog",
    "downloads": "downloads",
    "viewer": "viewer",
    "sign-in": "viewer",
    "portal": "portal",
    "sta": "sensors",
    "static": "static",
}
_MVT_PARTS = frozenset({"tiles", "style.json", "tilejson.json"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: the methods kept as label values; anything else a client sends is counted as OTHER
METHODS = frozenset({"GET", "HEAD", "OPTIONS"}) | WRITE_METHODS
#: request durations: from a cached tile (ms) to a large download or first 3D Tiles read
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def route_family(method: str, template: str | None) -> str:
    """The family of a request from its matched route's template (None: no route matched).

    Items are reads unless the method writes (Part 4 edits are their own family); vector
    tiles, their TileJSON, styles and tile matrix sets are ``mvt``; every other
    ``/collections`` route is ``features``.
    """
    if template is None:
        return "other"
    if template in HEALTH_PATHS:
        return "health"
    segments = template.split("/")
    if len(segments) < 2 or segments[0] != "":
        return "other"
    first = segments[1]
    if first == "collections":
        part = segments[3] if len(segments) > 3 else None
        if part == "items":
            return "edit" if method.upper() in WRITE_METHODS else "items"
        if part in _MVT_PARTS:
            return "mvt"
        return "features"
    return _BY_SEGMENT.get(first, "other")


def method_label(method: str) -> str:
    """The method as a label value: the methods the service knows, or OTHER."""
    upper = method.upper()
    return upper if upper in METHODS else "OTHER"


class HttpMetrics:
    """The request counter and duration histogram of one app."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "twin_http_requests", "HTTP requests answered, per route family, method and status",
            ["family", "method", "status"], registry=registry)
        self.duration = Histogram(
            "twin_http_request_duration_seconds",
            "Time from receiving a request to the end of its answer, per route family",
            ["family", "method"], buckets=DURATION_BUCKETS, registry=registry)

    def observe(self, family: str, method: str, status: int, seconds: float) -> None:
        label = method_label(method)
        self.requests.labels(family, label, str(status)).inc()
        self.duration.labels(family, label).observe(seconds)


@dataclass(eq=False)  # registered by identity: it must stay hashable
class BuildCollector:
    """The last build of every (layer, product), read from the store when scraped.

    A scrape costs one small query at most every ``ttl`` seconds (several Prometheus
    servers, or a dashboard refreshing, share the answer). A store that cannot be read
    gives ``twin_build_records_up 0`` and no build series, never a failed scrape.
    """

    engine: Engine
    ttl: float = 5.0
    _cached: tuple[float, list[builds.LatestBuild] | None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def latest(self) -> list[builds.LatestBuild] | None:
        """The store's latest builds (None: unreadable), at most ``ttl`` seconds old."""
        with self._lock:
            now = time.monotonic()
            if self._cached is not None and self._cached[0] > now:
                return self._cached[1]
            found: list[builds.LatestBuild] | None
            try:
                with self.engine.connect() as conn:
                    found = builds.latest_builds(conn)
            except DBAPIError as exc:
                log.warning("build records not readable: %s", type(exc.orig).__name__)
                found = None
            self._cached = (now + self.ttl, found)
            return found

    def collect(self) -> Iterable[Metric]:
        found = self.latest()
        up = GaugeMetricFamily("twin_build_records_up",
                               "1 when the build records could be read from the store")
        up.add_metric([], 0.0 if found is None else 1.0)
        yield up
        if found is None:
            return
        labels = ["layer", "product"]
        duration = GaugeMetricFamily(
            "twin_build_duration_seconds",
            "Wall-clock duration of the last successful build of a product", labels=labels)
        finished = GaugeMetricFamily(
            "twin_build_last_success_timestamp_seconds",
            "When the last successful build of a product finished (Unix time)", labels=labels)
        failed = GaugeMetricFamily(
            "twin_build_last_failed", "1 when the most recent build of a product failed",
            labels=labels)
        for build in found:
            names: Sequence[str] = (build.layer_id, build.product)
            if build.ok_duration_seconds is not None and build.ok_finished_at is not None:
                duration.add_metric(names, build.ok_duration_seconds)
                finished.add_metric(names, build.ok_finished_at.timestamp())
            failed.add_metric(names, 1.0 if build.last_status == "failed" else 0.0)
        yield from (duration, finished, failed)


class Operations:
    """What one app measures: its registry, request metrics and build collector."""

    def __init__(self, engine: Engine, public: bool, build_ttl: float = 5.0) -> None:
        self.registry = CollectorRegistry()
        self.public = public
        self.http = HttpMetrics(self.registry)
        self.builds = BuildCollector(engine, build_ttl)
        self.registry.register(self.builds)
        process_collector.ProcessCollector(registry=self.registry)
        gc_collector.GCCollector(registry=self.registry)

    def exposition(self) -> bytes:
        """The registry in Prometheus' text format (reads the store: call off the loop)."""
        return generate_latest(self.registry)


router = APIRouter(tags=["operations"])


def _allowed(caller: Caller, public: bool) -> None:
    if public or caller.role == "staff":
        return
    raise StaffKeyRequired() if caller.role == "anonymous" else StaffOnly()


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request,
                  caller: Annotated[Caller, Depends(get_caller)]) -> Response:
    """Prometheus' scrape target (text exposition format)."""
    operations: Operations = request.app.state.operations
    _allowed(caller, operations.public)
    body = await run_in_threadpool(operations.exposition)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
