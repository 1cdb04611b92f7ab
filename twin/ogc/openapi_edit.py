"""The OGC API Features Part 4 operations in the OpenAPI document, for the collections a
caller may edit.

Part 4 (OGC 20-002, requirements class OpenAPI 3.0) wants every operation the server offers a
client in its API definition; `twin.api.edit` serves them outside FastAPI's schema, so this
module describes them by hand and must say exactly what that code does:

* bodies: POST/PUT a GeoJSON Feature, PATCH a JSON merge patch of one; ``_body`` accepts the
  three media types of ``twin.api.edit.MERGE_PATCH`` for all three methods (no Content-Type
  reads as JSON) and answers anything else with 400, not 415;
* headers: ``Content-Crs`` (the CRS of the payload, CRS84 by default), ``If-Match`` on PUT,
  PATCH and DELETE (optimistic locking: a stale ETag is a 412; ``*`` or none skips the check);
* answers: 201 + Location + ETag (POST), 204 + ETag (PUT, PATCH), 204 (DELETE); 400 for bad
  bodies, headers or features (DELETE reads neither, so it has no 400); 401 without (or with
  an invalid) key; 403 for a key that may read but not edit; 404 for an unknown or invisible
  collection or item; 412 on a stale ETag. Errors are OGC exception documents in JSON.

``tests/api/test_ogc_openapi_edit.py`` drives every documented operation and checks each
answer's status against this document, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from twin.ogc.catalog import Collection
from twin.ogc.crs import supported_uris

#: the media types ``twin.api.edit._body`` accepts, most specific first
FEATURE_MEDIA_TYPES = ("application/geo+json", "application/json")
PATCH_MEDIA_TYPES = ("application/merge-patch+json", "application/geo+json", "application/json")
#: each caller may authenticate in any of these ways (`twin.access.presented_token`)
SECURITY: list[dict[str, list[str]]] = [{"apiKey": []}, {"bearer": []}, {"basic": []}]
_REF = "#/components/"


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"{_REF}{kind}/{name}"}


def edit_schemas() -> dict[str, Any]:
    """Request bodies: a Feature to create or replace, a merge patch of one."""
    geometry = {"type": "object", "required": ["type"],
                "properties": {"type": {"type": "string"}},
                "description": "A GeoJSON geometry of the layer's family (multi-types are "
                               "promoted), valid and not empty"}
    properties = {"type": "object", "nullable": True,
                  "description": "Columns of the layer; unknown names are refused (400). "
                                 "On replace, a missing property becomes null."}
    return {
        "featureInput": {
            "type": "object", "required": ["geometry"],
            "properties": {"type": {"type": "string", "enum": ["Feature"]},
                           "geometry": geometry, "properties": properties}},
        "featurePatch": {
            "type": "object",
            "description": "RFC 7396 merge patch: the given properties change (null clears "
                           "one), a geometry replaces the stored one",
            "properties": {"type": {"type": "string", "enum": ["Feature"]},
                           "geometry": {**geometry, "nullable": True},
                           "properties": {**properties, "description": "Properties to change"}}},
    }


def edit_components() -> dict[str, Any]:
    """Parameters, headers, responses and security schemes the edit operations refer to."""
    error = {"content": {"application/json": {"schema": _ref("schemas", "exception")}}}
    etag = {"description": "Entity tag of the stored feature (send it back in If-Match)",
            "schema": {"type": "string"}}
    return {
        "parameters": {
            "ifMatch": {"name": "If-Match", "in": "header", "required": False,
                        "schema": {"type": "string"},
                        "description": "ETag(s) of the version read; the change is refused "
                                       "with 412 if the feature changed since ('*' or no "
                                       "header: no check)"},
        },
        "headers": {
            "ETag": etag,
            "Location": {"description": "URL of the new feature",
                         "schema": {"type": "string", "format": "uri"}},
        },
        "responses": {
            "EditBadRequest": {"description": "Unreadable body, unsupported Content-Type or "
                                              "Content-Crs, or an invalid feature (the "
                                              "description names the property or geometry "
                                              "problem)", **error},
            "Unauthorized": {"description": "No API key with write rights was presented, or "
                                            "the key is invalid or revoked", **error},
            "Forbidden": {"description": "This key may read but not edit the collection",
                          **error},
            "EditNotFound": {"description": "The collection or feature does not exist or "
                                            "is not visible to this key", **error},
            "PreconditionFailed": {"description": "If-Match does not match: the feature "
                                                  "changed since it was read", **error},
        },
        "securitySchemes": {
            "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "bearer": {"type": "http", "scheme": "bearer"},
            "basic": {"type": "http", "scheme": "basic",
                      "description": "password = API token (or user = key id, password = "
                                     "secret)"},
        },
    }


def _body(schema: str, media_types: tuple[str, ...], description: str) -> dict[str, Any]:
    return {"required": True, "description": description,
            "content": {media: {"schema": _ref("schemas", schema)} for media in media_types}}


def _errors(*, body: bool, precondition: bool) -> dict[str, Any]:
    """The error answers of an edit: 400 only where a body or Content-Crs is read."""
    responses = {"400": _ref("responses", "EditBadRequest")} if body else {}
    responses |= {"401": _ref("responses", "Unauthorized"),
                 "403": _ref("responses", "Forbidden"),
                 "404": _ref("responses", "EditNotFound")}
    if precondition:
        responses["412"] = _ref("responses", "PreconditionFailed")
    return responses


def _content_crs(collection: Collection) -> dict[str, Any]:
    uris = supported_uris(collection.layer.storage_srid)
    return {"name": "Content-Crs", "in": "header", "required": False,
            "schema": {"type": "string", "enum": [f"<{uri}>" for uri in uris]},
            "description": "CRS of the geometry in the body (CRS84 when absent)"}


def edit_operations(collection: Collection, title: str) -> dict[str, dict[str, Any]]:
    """{path: {method: operation}} of the Part 4 operations on one editable collection."""
    cid = collection.id
    crs = _content_crs(collection)
    if_match = _ref("parameters", "ifMatch")
    feature_id = _ref("parameters", "featureId")

    def op(summary: str, op_id: str, params: list[Any], responses: dict[str, Any],
           body: dict[str, Any] | None = None) -> dict[str, Any]:
        operation = {"summary": f"{title}: {summary}", "operationId": f"{op_id}_{cid}",
                     "tags": [cid], "parameters": params, "security": SECURITY,
                     "responses": responses}
        if body is not None:
            operation["requestBody"] = body
        return operation

    changed = {"204": {"description": "Changed", "headers": {"ETag": _ref("headers", "ETag")}}}
    return {
        f"/collections/{cid}/items": {"post": op(
            "create an item", "createFeature", [crs],
            {"201": {"description": "Created",
                     "headers": {"Location": _ref("headers", "Location"),
                                 "ETag": _ref("headers", "ETag")}},
             **_errors(body=True, precondition=False)},
            _body("featureInput", FEATURE_MEDIA_TYPES, "The new feature"))},
        f"/collections/{cid}/items/{{featureId}}": {
            "put": op("replace an item", "replaceFeature", [feature_id, crs, if_match],
                      {**changed, **_errors(body=True, precondition=True)},
                      _body("featureInput", FEATURE_MEDIA_TYPES, "The whole new feature")),
            "patch": op("update an item", "updateFeature", [feature_id, crs, if_match],
                        {**changed, **_errors(body=True, precondition=True)},
                        _body("featurePatch", PATCH_MEDIA_TYPES, "The changes")),
            "delete": op("delete an item", "deleteFeature", [feature_id, if_match],
                         {"204": {"description": "Deleted"},
                          **_errors(body=False, precondition=True)}),
        },
    }
