"""Pure functions of access, anonymisation SQL, catalogue negotiation, freshness and MQA."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from starlette.requests import Request

from gis.model import Layer, LayerSpec
from gis.publish_sql import class_label
from twin.access import presented_token
from twin.catalog import mqa
from twin.catalog.freshness import freshness, overdue_layers
from twin.catalog.service import negotiate
from twin.errors import InvalidCredentials


def _request(headers: dict[str, str]) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": raw,
                    "query_string": b""})


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(("headers", "expected"), [
    ({}, None),
    ({"X-API-Key": "tkabc.s3cr3t"}, ("tkabc", "s3cr3t")),
    ({"Authorization": "Bearer tkabc.s3cr3t"}, ("tkabc", "s3cr3t")),
    ({"Authorization": _basic("anyone", "tkabc.s3cr3t")}, ("tkabc", "s3cr3t")),
    ({"Authorization": _basic("tkabc", "s3cr3t")}, ("tkabc", "s3cr3t")),
])
def test_credentials_are_read_from_every_scheme(headers: dict[str, str],
                                                expected: tuple[str, str] | None) -> None:
    assert presented_token(_request(headers)) == expected


@pytest.mark.parametrize("headers", [
    {"X-API-Key": "no-dot"}, {"Authorization": "Bearer "}, {"Authorization": "Digest x"},
    {"Authorization": "Basic !!notbase64"}, {"Authorization": _basic("user", "")},
])
def test_malformed_credentials_are_refused(headers: dict[str, str]) -> None:
    with pytest.raises(InvalidCredentials):
        presented_token(_request(headers))


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "ttl"), ("text/turtle", "ttl"), ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "rdf"), ("text/html,application/xhtml+xml", "html"),
    ("application/rdf+xml;q=0.5, text/turtle;q=0.9", "ttl"), ("image/png", "ttl"),
    ("application/json", "jsonld"),
])
def test_negotiate(accept: str | None, expected: str) -> None:
    assert negotiate(accept) == expected


def test_class_labels() -> None:
    assert class_label(None, 100000.0) == "< 100000"
    assert class_label(100000.0, 200000.0) == "100000 - 200000"
    assert class_label(2.5, None) == ">= 2.5"


def _layer(frequency: str, days_ago: float | None) -> Layer:
    spec = LayerSpec.model_validate({
        "id": "f_layer", "title": {"en": "x"}, "producer": "p",
        "contact_point": {"name": "n", "email": "a@b.c"}, "licence": "CC0",
        "update_frequency": frequency})
    last = None if days_ago is None else datetime.now(UTC) - timedelta(days=days_ago)
    return Layer(spec=spec, storage_srid=31370, last_load=last)


def test_freshness() -> None:
    assert not freshness(_layer("WEEKLY", 3)).overdue
    assert freshness(_layer("WEEKLY", 10)).overdue
    assert freshness(_layer("DAILY", None)).overdue
    assert not freshness(_layer("IRREG", 4000)).overdue
    late = overdue_layers([_layer("WEEKLY", 10), _layer("ANNUAL", 10)])
    assert [f.frequency for f in late] == ["WEEKLY"]


def test_mqa_rating_thresholds() -> None:
    assert mqa.rating(405) == mqa.rating(351) == "Excellent"
    assert mqa.rating(350) == "Good"
    assert mqa.rating(121) == "Sufficient"
    assert mqa.rating(0) == "Bad"
