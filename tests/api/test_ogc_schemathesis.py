"""schemathesis over our own OpenAPI document: no 5xx, and every answer matches the document
(status codes, content types, bodies).

Schemathesis' negative-data check is left out on purpose: ``limit`` above its documented
``maximum`` must be clamped, not rejected (OGC API Features /req/core/fc-limit-response-1;
QGIS asks for limit=1000 whatever the maximum). Rejection of every other invalid input is
checked one by one in test_ogc_errors.py."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from ogc_support import OgcLayers
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.api


@pytest.fixture(scope="module")
def ogc_schema(ogc_server: str, ogc_layers: OgcLayers) -> Any:
    schema = schemathesis.openapi.from_url(f"{ogc_server}/openapi")
    own = f"^/(|openapi|conformance|collections|collections/{ogc_layers.open}(/.*)?)$"
    return schema.include(path_regex=own)


schema = schemathesis.pytest.from_fixture("ogc_schema")


@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_openapi_document_holds(case: Any) -> None:
    case.call_and_validate(checks=[
        not_a_server_error, status_code_conformance, content_type_conformance,
        response_schema_conformance,
    ])
