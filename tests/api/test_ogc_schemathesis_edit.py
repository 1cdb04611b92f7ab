"""schemathesis over the Part 4 operations of the OpenAPI document, as an editing caller sees
it: no 5xx, and every answer matches the document (status codes, content types, headers).

Why a separate run: test_ogc_schemathesis.py reads the document as an anonymous caller (who
is shown no edit operation) against the session's shared layers, which other tests count;
fuzzing writes there would change what they see. Here the writes go to a throwaway layer of
this module, with a key that may edit it, and only the edit operations are generated (the
read operations are fuzzed by the anonymous run). As there, the negative-data check is left
out: the server is lenient where the document is strict on purpose (a bare Content-Crs URI is
accepted as well as the ``<uri>`` form the document lists)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from access_support import make_cadastral_layer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from gis import access
from twin.app import create_app
from twin.settings import Settings

pytestmark = pytest.mark.api


@pytest.fixture(scope="module")
def writer_key(engine: Engine) -> dict[str, str]:
    with engine.begin() as conn:
        _, token = access.create_key(conn, "partner", ["notaries"], can_write=True)
    return {"X-API-Key": token}


@pytest.fixture(scope="module")
def edit_schema(engine: Engine, database_url: str, writer_key: dict[str, str],
                tmp_path_factory: pytest.TempPathFactory) -> Any:
    layer_id = f"ste_shared_{uuid.uuid4().hex[:8]}"
    make_cadastral_layer(engine, layer_id, "shared", ("notaries",), limit=5,
                         folder=tmp_path_factory.mktemp("cadastre"))
    settings_ = Settings(database_url=database_url, public_url="http://testserver",
                         data_dir=Path(tmp_path_factory.mktemp("var")), ogc_registry_ttl=0.0)
    schema = schemathesis.openapi.from_asgi("/openapi", create_app(settings_),
                                            headers=writer_key)
    return schema.include(path_regex=f"^/collections/{layer_id}/items(/.*)?$",
                          method=["POST", "PUT", "PATCH", "DELETE"])


schema = schemathesis.pytest.from_fixture("edit_schema")


@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_edit_operations_answer_as_documented(case: Any, writer_key: dict[str, str]) -> None:
    case.call_and_validate(headers=writer_key, checks=[
        not_a_server_error, status_code_conformance, content_type_conformance,
        response_headers_conformance,
    ])
