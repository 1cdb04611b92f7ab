"""The OpenAPI document describes the OGC API Features Part 4 operations to those who may use
them, and only to them; every documented edit operation, driven against the live app, answers
only with status codes the document lists, and every listed code is really answered."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from access_support import make_cadastral_layer
from fastapi.testclient import TestClient
from httpx import Response
from ogc_support import resolve_ref
from pygeoapi.openapi import validate_openapi_document
from sqlalchemy import Engine

from gis import access
from gis.geodesy import transformer
from twin.api import edit as edit_api
from twin.app import create_app
from twin.ogc.openapi_edit import FEATURE_MEDIA_TYPES, PATCH_MEDIA_TYPES
from twin.settings import Settings

pytestmark = pytest.mark.api
EDIT_METHODS = ("post", "put", "patch", "delete")
SQUARE_31370 = [[173100.0, 170200.0], [173110.0, 170200.0], [173110.0, 170210.0],
                [173100.0, 170210.0], [173100.0, 170200.0]]
CRS_31370 = "<http://www.opengis.net/def/crs/EPSG/0/31370>"


@dataclass
class World:
    client: TestClient
    open_id: str
    shared_id: str
    writer: dict[str, str]
    reader: dict[str, str]
    outsider: dict[str, str]
    staff_reader: dict[str, str]


@pytest.fixture(scope="module")
def world(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[World]:
    suffix = uuid.uuid4().hex[:8]
    folder = tmp_path_factory.mktemp("cadastre")
    open_id, shared_id = f"oae_open_{suffix}", f"oae_shared_{suffix}"
    make_cadastral_layer(engine, open_id, "open", limit=5, folder=folder)
    make_cadastral_layer(engine, shared_id, "shared", ("notaries",), limit=5, folder=folder)
    with engine.begin() as conn:
        _, writer = access.create_key(conn, "partner", ["notaries"], can_write=True)
        _, reader = access.create_key(conn, "partner", ["notaries"])
        _, outsider = access.create_key(conn, "partner", ["police"], can_write=True)
        _, staff_reader = access.create_key(conn, "staff", [])
    settings = Settings(database_url=database_url, public_url="http://testserver",
                        data_dir=Path(tmp_path_factory.mktemp("var")), ogc_registry_ttl=0.0)
    with TestClient(create_app(settings)) as client:
        yield World(client, open_id, shared_id, {"X-API-Key": writer}, {"X-API-Key": reader},
                    {"X-API-Key": outsider}, {"X-API-Key": staff_reader})


def _document(world: World, headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = world.client.get("/openapi", headers=headers or {})
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def _edit_operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(path, method): operation for path, item in document["paths"].items()
            for method, operation in item.items() if method in EDIT_METHODS}


def _feature(**properties: Any) -> dict[str, Any]:
    to_wgs84 = transformer(31370, 4326)
    ring = [list(to_wgs84.transform(x, y)) for x, y in SQUARE_31370]
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": {"capakey": "24000A0001/00A000", "price": 1000.5, **properties}}


@pytest.mark.parametrize("who", ["anonymous", "reader", "writer", "outsider", "staff_reader"])
def test_the_document_is_valid_openapi_3_0_for_every_caller(world: World, who: str) -> None:
    headers = {} if who == "anonymous" else getattr(world, who)
    document = _document(world, headers)
    assert document["openapi"].startswith("3.0")
    assert validate_openapi_document(document)  # the official OAS 3.0 JSON Schema (pygeoapi's)
    schemathesis.openapi.from_dict(document).validate()  # and schemathesis' own check
    assert all(ref.startswith("#/") for ref in _refs(document)), "external $ref"
    for ref in _refs(document):
        resolve_ref(document, {"$ref": ref})  # every internal $ref resolves


def test_an_editing_caller_sees_the_four_operations(world: World) -> None:
    document = _document(world, world.writer)
    for layer_id in (world.open_id, world.shared_id):
        items = document["paths"][f"/collections/{layer_id}/items"]
        item = document["paths"][f"/collections/{layer_id}/items/{{featureId}}"]
        assert {"get", "post"} <= set(items)
        assert {"get", "put", "patch", "delete"} <= set(item)
        post = items["post"]
        assert set(post["responses"]) == {"201", "400", "401", "403", "404"}
        assert {"Location", "ETag"} <= set(post["responses"]["201"]["headers"])
        assert "application/geo+json" in post["requestBody"]["content"]
        assert post["requestBody"]["required"] is True
        for method in ("put", "patch", "delete"):
            operation = item[method]
            bad_request = {"400"} if method != "delete" else set()
            assert set(operation["responses"]) == {"204", "401", "403", "404", "412",
                                                   *bad_request}
            names = {resolve_ref(document, p)["name"] for p in operation["parameters"]}
            assert {"featureId", "If-Match"} <= names
            assert operation["security"]
        assert "application/geo+json" in item["put"]["requestBody"]["content"]
        assert "application/merge-patch+json" in item["patch"]["requestBody"]["content"]
        assert "requestBody" not in item["delete"]
        assert "ETag" in item["put"]["responses"]["204"]["headers"]
    schemes = document["components"]["securitySchemes"]
    assert schemes["apiKey"] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}


def test_the_documented_media_types_are_the_ones_the_code_accepts() -> None:
    """A media type documented but refused (or added to the code only) fails here."""
    assert set(PATCH_MEDIA_TYPES) == set(edit_api.MERGE_PATCH)
    assert set(FEATURE_MEDIA_TYPES) <= set(edit_api.MERGE_PATCH)


@pytest.mark.parametrize(("who", "editable"), [
    ("anonymous", set()),
    ("reader", set()),          # sees the shared layer, may not edit anything
    ("staff_reader", set()),    # sees everything, may not edit anything
    ("outsider", {"open"}),     # a write key, but the shared layer does not exist for it
])
def test_others_do_not_see_edit_operations_they_cannot_use(world: World, who: str,
                                                           editable: set[str]) -> None:
    headers = {} if who == "anonymous" else getattr(world, who)
    document = _document(world, headers)
    ids = {"open": world.open_id, "shared": world.shared_id}
    edited = {path.split("/")[2] for path, _ in _edit_operations(document)}
    # other modules' open layers share the session's database: look at this module's two
    assert edited & set(ids.values()) == {ids[name] for name in editable}
    if not editable:  # a key without write rights edits nothing anywhere
        assert edited == set()
        assert "securitySchemes" not in document["components"]
        assert "featureInput" not in document["components"]["schemas"]
    assert f"/collections/{world.open_id}/items" in document["paths"]  # still readable


@dataclass(frozen=True)
class Attempt:
    """One request against a documented edit operation."""

    why: str
    headers: dict[str, str]
    body: bytes | None = None
    fid: str | None = None  # None: the feature created for the attempt


def _attempts(world: World, method: str, media_types: list[str]) -> list[Attempt]:
    """Good and bad requests of every kind the code tells apart."""
    json_type = {"Content-Type": "application/geo+json"}
    good = json.dumps(_feature(price=2.5)).encode()
    attempts = [
        Attempt("invalid key", {"X-API-Key": "nobody.nothing", **json_type}, good),
        Attempt("read-only key", {**world.reader, **json_type}, good),
        Attempt("key that cannot see the layer", {**world.outsider, **json_type}, good),
    ]
    if method != "delete":
        attempts += [Attempt(f"good body as {media}", {**world.writer, "Content-Type": media},
                             good) for media in media_types]
        attempts += [
            Attempt("not JSON", {**world.writer, **json_type}, b"{nope"),
            Attempt("not an object", {**world.writer, **json_type}, b"[1, 2]"),
            Attempt("unsupported media type", {**world.writer, "Content-Type": "text/plain"},
                    good),
            Attempt("unknown property", {**world.writer, **json_type},
                    json.dumps(_feature(colour="red")).encode()),
            Attempt("wrong geometry family", {**world.writer, **json_type}, json.dumps(
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [4.7, 50.9]},
                 "properties": {}}).encode()),
            Attempt("CRS not offered", {**world.writer, **json_type,
                                        "Content-Crs": "<http://www.opengis.net/def/crs/"
                                                       "EPSG/0/2154>"}, good),
            Attempt("payload in the storage CRS", {**world.writer, **json_type,
                                                   "Content-Crs": CRS_31370},
                    json.dumps({"type": "Feature", "properties": {}, "geometry": {
                        "type": "Polygon", "coordinates": [SQUARE_31370]}}).encode()),
        ]
    else:
        attempts.append(Attempt("delete", dict(world.writer)))
    if method != "post":
        attempts += [
            Attempt("stale If-Match", {**world.writer, **json_type, "If-Match": '"stale"'},
                    good),
            Attempt("unknown feature", {**world.writer, **json_type}, good, "999999999"),
            Attempt("feature id not a number", {**world.writer, **json_type}, good, "abc"),
        ]
    return attempts


def _create(world: World) -> str:
    response = world.client.post(f"/collections/{world.shared_id}/items",
                                 content=json.dumps(_feature()), headers={
                                     **world.writer, "Content-Type": "application/geo+json"})
    assert response.status_code == 201, response.text
    return str(response.headers["location"].rsplit("/", 1)[-1])


def _check_answer(document: dict[str, Any], operation: dict[str, Any], attempt: Attempt,
                  response: Response) -> None:
    status = str(response.status_code)
    where = f"{attempt.why}: {response.status_code} {response.text[:200]}"
    assert status in operation["responses"], f"undocumented answer to {where}"
    documented = resolve_ref(document, operation["responses"][status])
    for header in documented.get("headers", {}):
        assert header.lower() in response.headers, f"{header} missing in {where}"
    content = documented.get("content")
    if content:
        media = response.headers["content-type"].split(";")[0]
        assert media in content, f"{media} not documented for {where}"
    else:
        assert response.content == b"", f"a body not documented for {where}"


def test_every_documented_edit_operation_answers_as_documented(world: World) -> None:
    """Drives each edit operation of the writer's document with good and bad requests: each
    answer's status (and its documented headers and media type) must be in the document, and
    each documented status must really be answered (document and code cannot drift apart)."""
    document = _document(world, world.writer)
    operations = {key: op for key, op in _edit_operations(document).items()
                  if key[0].split("/")[2] == world.shared_id}
    assert {method for _, method in operations} == set(EDIT_METHODS)
    for (path, method), operation in operations.items():
        media_types = list(operation.get("requestBody", {}).get("content", {}))
        answered = set()
        for attempt in _attempts(world, method, media_types):
            fid = attempt.fid or _create(world)
            url = path.replace("{featureId}", fid)
            response = world.client.request(method.upper(), url, headers=attempt.headers,
                                            content=attempt.body)
            _check_answer(document, operation, attempt, response)
            answered.add(str(response.status_code))
        assert answered == set(operation["responses"]), (path, method)
