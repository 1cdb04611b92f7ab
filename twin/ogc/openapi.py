"""The OpenAPI 3.0 document of the OGC API, self-contained and per caller.

It lists one set of paths per collection the caller may see (the official test suite discovers
its test points from these explicit paths), defines every parameter the server accepts with
the constraints the suite checks (``limit``: form, not exploded, integer with minimum, maximum
and default; ``bbox``: 4 to 6 numbers) and documents the 400/404 answers. The collections the
caller may edit also get their Part 4 operations (`twin.ogc.openapi_edit`); nobody else sees
them. No external $ref: validators and schemathesis work offline.
"""

from __future__ import annotations

from typing import Any

from twin.ogc.catalog import Collection
from twin.ogc.crs import supported_uris
from twin.ogc.openapi_edit import edit_components, edit_operations, edit_schemas
from twin.ogc.records import CATALOG_ID, QUERYABLES
from twin.settings import Settings

OPENAPI_MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"
_REF = "#/components/"


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"{_REF}{kind}/{name}"}


def _parameter_ref(name: str) -> dict[str, str]:
    return _ref("parameters", name)


def _json(schema: str, media: str = "application/json") -> dict[str, Any]:
    return {"content": {media: {"schema": _ref("schemas", schema)}}}


def _error() -> dict[str, Any]:
    """An OGC exception: JSON, or an HTML page when the request asked for HTML."""
    error = _json("exception")
    error["content"]["text/html"] = {"schema": {"type": "string"}}
    return error


def _responses(ok: str, schema: str, media: str = "application/json",
               not_found: bool = True, html: bool = True) -> dict[str, Any]:
    """200 (in ``media``, and as HTML when ``f=html`` is offered), 400 and 404."""
    success = _json(schema, media)
    if html:
        success["content"]["text/html"] = {"schema": {"type": "string"}}
    responses: dict[str, Any] = {
        "200": {"description": ok, **success},
        "400": _ref("responses", "BadRequest"),
    }
    if not_found:
        responses["404"] = _ref("responses", "NotFound")
    return responses


def _query(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description, "style": "form", "explode": False, **extra}


def _parameters(settings: Settings) -> dict[str, Any]:
    return {
        "f": _query("f", {"type": "string", "enum": ["json", "html"]}, "Output format"),
        "limit": _query("limit", {"type": "integer", "minimum": 1,
                                  "maximum": settings.ogc_max_limit,
                                  "default": settings.ogc_default_limit},
                        "Items per page; larger values are clamped to the maximum"),
        "offset": _query("offset", {"type": "integer", "minimum": 0, "default": 0},
                         "Items to skip"),
        "bbox": _query("bbox", {"type": "array", "minItems": 4, "maxItems": 6,
                                "items": {"type": "number"}},
                       "minx,miny,maxx,maxy (in bbox-crs, CRS84 by default)"),
        "datetime": _query("datetime", {"type": "string"},
                           "RFC 3339 instant or interval (layers have no temporal property)"),
        "sortby": _query("sortby", {"type": "string"}, "Comma-separated [+|-]property"),
        "properties": _query("properties", {"type": "string"}, "Comma-separated properties"),
        "skipGeometry": _query("skipGeometry", {"type": "boolean", "default": False},
                               "Leave the geometry out"),
        "filter": _query("filter", {"type": "string"}, "A CQL2 filter (see filter-lang)"),
        "filter-lang": _query("filter-lang", {"type": "string", "default": "cql2-text",
                                              "enum": ["cql2-text", "cql2-json"]},
                              "Language of the filter"),
        "featureId": {"name": "featureId", "in": "path", "required": True,
                      "schema": {"type": "string"}, "description": "Feature identifier"},
        "tileMatrix": {"name": "tileMatrix", "in": "path", "required": True,
                       "schema": {"type": "integer", "minimum": 0, "maximum": 22}},
        "tileRow": {"name": "tileRow", "in": "path", "required": True,
                    "schema": {"type": "integer", "minimum": 0}},
        "tileCol": {"name": "tileCol", "in": "path", "required": True,
                    "schema": {"type": "integer", "minimum": 0}},
    }


def _crs_parameters(collection: Collection) -> list[dict[str, Any]]:
    uris = supported_uris(collection.layer.storage_srid)
    schema = {"type": "string", "format": "uri", "enum": uris}
    return [
        _query("crs", schema, "CRS of the returned geometries"),
        _query("bbox-crs", schema, "CRS of the bbox"),
        _query("filter-crs", schema, "CRS of the geometries in the filter"),
    ]


def _schemas() -> dict[str, Any]:
    link = {"type": "object", "required": ["href"],
            "properties": {"href": {"type": "string"}, "rel": {"type": "string"},
                           "type": {"type": "string"}, "title": {"type": "string"}}}
    links = {"type": "array", "items": _ref("schemas", "link")}
    return {
        "link": link,
        "exception": {"type": "object", "required": ["code"],
                      "properties": {"code": {"type": "string"},
                                     "description": {"type": "string"},
                                     "requestId": {"type": "string"}}},
        "landingPage": {"type": "object", "required": ["links"],
                        "properties": {"title": {"type": "string"}, "links": links}},
        "confClasses": {"type": "object", "required": ["conformsTo"],
                        "properties": {"conformsTo": {"type": "array",
                                                      "items": {"type": "string"}}}},
        "collection": {"type": "object", "required": ["id", "links"],
                       "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                                      "links": links, "crs": {"type": "array"},
                                      "storageCrs": {"type": "string"}}},
        "collections": {"type": "object", "required": ["links", "collections"],
                        "properties": {"links": links, "collections": {
                            "type": "array", "items": _ref("schemas", "collection")}}},
        "featureCollectionGeoJSON": {
            "type": "object", "required": ["type", "features"],
            "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                           "features": {"type": "array", "items": _ref("schemas",
                                                                       "featureGeoJSON")},
                           "links": links, "numberMatched": {"type": "integer", "minimum": 0},
                           "numberReturned": {"type": "integer", "minimum": 0},
                           "timeStamp": {"type": "string", "format": "date-time"}}},
        "featureGeoJSON": {
            "type": "object", "required": ["type", "geometry", "properties"],
            "properties": {"type": {"type": "string", "enum": ["Feature"]},
                           "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                           "geometry": {"nullable": True, "type": "object"},
                           "properties": {"nullable": True, "type": "object"},
                           "links": links}},
        "queryables": {"type": "object", "required": ["properties"],
                       "properties": {"properties": {"type": "object"}}},
        "json": {"type": "object"},
        "binary": {"type": "string", "format": "binary"},
    }


def _collection_paths(c: Collection, title: str) -> dict[str, Any]:
    base = f"/collections/{c.id}"
    p = _parameter_ref
    crs = _crs_parameters(c)
    equals = [_query(name, {"type": "string"}, f"Items whose {name} equals this value")
              for name in c.attributes]
    items = [p(n) for n in ("f", "limit", "offset", "bbox", "datetime", "sortby", "properties",
                            "skipGeometry", "filter", "filter-lang")]
    tile = [p("tileMatrix"), p("tileRow"), p("tileCol")]

    def op(summary: str, op_id: str, responses: dict[str, Any], params: list[Any],
           tag: str = c.id) -> dict[str, Any]:
        return {"get": {"summary": summary, "operationId": f"{op_id}_{c.id}", "tags": [tag],
                        "parameters": params, "responses": responses}}

    return {
        base: op(f"{title}: description", "describeCollection",
                 _responses("The collection", "collection"), [p("f")]),
        f"{base}/items": op(f"{title}: items", "getFeatures",
                            _responses("A page of items", "featureCollectionGeoJSON",
                                       "application/geo+json"), [*items, *crs, *equals]),
        f"{base}/items/{{featureId}}": op(
            f"{title}: one item", "getFeature",
            _responses("The item", "featureGeoJSON", "application/geo+json"),
            [p("featureId"), p("f"), crs[0], p("properties"), p("skipGeometry")]),
        f"{base}/queryables": op(f"{title}: queryables", "getQueryables",
                                 _responses("Queryables", "queryables",
                                            "application/schema+json"), [p("f")]),
        f"{base}/tiles": op(f"{title}: tilesets", "getTileSets",
                            _responses("Tilesets", "json", html=False), []),
        f"{base}/tiles/WebMercatorQuad": op(f"{title}: tileset", "getTileSet",
                                            _responses("Tileset", "json", html=False), []),
        f"{base}/tiles/WebMercatorQuad/{{tileMatrix}}/{{tileRow}}/{{tileCol}}": op(
            f"{title}: vector tile", "getTile",
            _responses("A Mapbox vector tile", "binary", "application/vnd.mapbox-vector-tile",
                       html=False),
            tile),
        f"{base}/tilejson.json": op(f"{title}: TileJSON 3.0", "getTileJSON",
                                    _responses("TileJSON", "json", html=False), []),
        f"{base}/style.json": op(f"{title}: MapLibre style", "getStyle",
                                 _responses("MapLibre style", "json", html=False), []),
    }


def _record_paths() -> dict[str, Any]:
    """The record collection ``catalog`` (OGC API Records, `twin.ogc.records`): the same for
    every caller, its items filtered by the caller's access."""
    base = f"/collections/{CATALOG_ID}"
    p = _parameter_ref
    equals = [_query(name, {"type": "string"}, f"Records whose {name} equals this value")
              for name in QUERYABLES]
    q = _query("q", {"type": "string"},
               "Comma-separated terms, any of which appears in title, description or "
               "keywords (case and accents ignored)")
    ids = _query("ids", {"type": "string"}, "Comma-separated record ids")
    items = [p(n) for n in ("f", "limit", "offset", "bbox", "datetime", "sortby", "filter",
                            "filter-lang")]
    record_id = {"name": "recordId", "in": "path", "required": True,
                 "schema": {"type": "string"}, "description": "Record (dataset) identifier"}

    def op(summary: str, op_id: str, responses: dict[str, Any],
           params: list[Any]) -> dict[str, Any]:
        return {"get": {"summary": summary, "operationId": op_id, "tags": [CATALOG_ID],
                        "parameters": params, "responses": responses}}

    return {
        base: op("Record catalogue: description", "describeRecordCollection",
                 _responses("The record collection", "collection"), [p("f")]),
        f"{base}/items": op("Record catalogue: records", "getRecords",
                            _responses("A page of records", "featureCollectionGeoJSON",
                                       "application/geo+json"), [*items, q, ids, *equals]),
        f"{base}/items/{{recordId}}": op(
            "Record catalogue: one record", "getRecord",
            _responses("The record", "featureGeoJSON", "application/geo+json"),
            [record_id, p("f")]),
        f"{base}/queryables": op("Record catalogue: queryables", "getRecordQueryables",
                                 _responses("Queryables", "queryables",
                                            "application/schema+json"), [p("f")]),
        f"{base}/sortables": op("Record catalogue: sortables", "getRecordSortables",
                                _responses("Sortables", "queryables",
                                           "application/schema+json", not_found=False,
                                           html=False), [p("f")]),
    }


def _add_edits(document: dict[str, Any], editable: list[Collection]) -> None:
    """Merge the Part 4 operations of ``editable`` (and what they refer to) into the document."""
    if not editable:
        return
    paths, components = document["paths"], document["components"]
    for collection in editable:
        for path, operations in edit_operations(collection,
                                                collection.layer.spec.label()).items():
            paths.setdefault(path, {}).update(operations)
    components["schemas"].update(edit_schemas())
    for kind, entries in edit_components().items():
        components.setdefault(kind, {}).update(entries)


def openapi_document(settings: Settings, visible: dict[str, Collection],
                     editable: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The OpenAPI 3.0 document for a caller who sees ``visible`` and may edit ``editable``
    (ids; only visible ones count)."""
    p = _parameter_ref

    def simple(summary: str, op_id: str, ok: str, schema: str,
               media: str = "application/json") -> dict[str, Any]:
        return {"get": {"summary": summary, "operationId": op_id, "tags": ["server"],
                        "parameters": [p("f")],
                        "responses": _responses(ok, schema, media, not_found=False)}}

    paths: dict[str, Any] = {
        "/": simple("Landing page", "getLandingPage", "Landing page", "landingPage"),
        "/openapi": simple("This document", "getOpenapi", "OpenAPI", "json", OPENAPI_MEDIA_TYPE),
        "/conformance": simple("Conformance classes", "getConformance", "Conformance",
                               "confClasses"),
        "/collections": simple("Collections", "getCollections", "Collections", "collections"),
    }
    for collection in visible.values():
        paths.update(_collection_paths(collection, collection.layer.spec.label()))
    paths.update(_record_paths())
    document: dict[str, Any] = {
        "openapi": "3.0.2",
        "info": {"title": "Commune geodata: OGC API Features and Tiles", "version": "1.0.0",
                 "license": {"name": "EUPL-1.2"}},
        "servers": [{"url": settings.base_url}],
        "tags": [{"name": "server"}, {"name": CATALOG_ID}, *({"name": cid} for cid in visible)],
        "paths": paths,
        "components": {
            "parameters": _parameters(settings),
            "schemas": _schemas(),
            "responses": {
                "BadRequest": {"description": "Bad request", **_error()},
                "NotFound": {"description": "Not found", **_error()},
            },
        },
    }
    _add_edits(document, [c for cid, c in visible.items() if cid in editable])
    return document
