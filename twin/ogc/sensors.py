"""The collection ``sensors``: the SensorThings Things with their latest observations as an
OGC API Features collection (one point per Thing, flat latest values; `gis.sensors.latest`).

It is a reserved collection id (`gis.model.RESERVED_LAYER_IDS`), like the records collection
``catalog``: no registry layer backs it, so it is served by its own small provider, not by
the layers' SQL. Access is the SensorThings API's (`twin.sta.api.scope_for`): a Thing of a
layer the caller may not read is not in any page, count or extent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import orjson
import psycopg
from sqlalchemy import ColumnElement, Engine, Subquery, and_
from sqlalchemy.exc import DataError, InternalError, ProgrammingError

from gis.sensors import latest
from gis.sensors.latest import Box, Where
from gis.sensors.scope import Scope
from twin.errors import BadRequest, InvalidFilter, UnknownParameter
from twin.ogc import sql
from twin.ogc.cql2 import LAT_LON_BOX, LON_LAT_BOX, Compiler, Filter, parse_filter
from twin.ogc.crs import OutputCrs, parse_crs
from twin.ogc.query import Limits, parse_bbox, parse_int, single

SENSORS_ID = "sensors"
GEOJSON = "application/geo+json"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
ITEMS_PARAMETERS = frozenset({"f", "lang", "limit", "offset", "bbox", "bbox-crs", "filter",
                              "filter-lang", "filter-crs"})
#: what a CQL2 filter may name (`gis.sensors.latest_sql.thing_rows`): the Thing's own
#: members; latest values differ from Thing to Thing and are not queryable
QUERYABLE_TYPES = {"name": "string", "description": "string", "layer": "string"}
TITLE = {"en": "Live sensors (latest observations)", "fr": "Capteurs (dernières mesures)",
         "nl": "Sensoren (laatste metingen)"}
DESCRIPTION = ("One feature per SensorThings Thing, on its location, with the latest result, "
               "unit and phenomenon time of each of its datastreams.")


def collection_document(base_url: str, box: Box | None, lang: str = "en") -> dict[str, Any]:
    url = f"{base_url}/collections/{SENSORS_ID}"
    extent: dict[str, Any] = {}
    if box is not None:
        extent["spatial"] = {"bbox": [list(box)], "crs": CRS84}
    return {
        "id": SENSORS_ID, "title": TITLE.get(lang, TITLE["en"]), "description": DESCRIPTION,
        "keywords": ["sensors", "SensorThings", "observations"], "itemType": "feature",
        "crs": [CRS84], "storageCrs": CRS84, "extent": extent,
        "links": [
            {"type": "application/json", "rel": "self", "title": "This document as JSON",
             "href": f"{url}?f=json"},
            {"type": GEOJSON, "rel": "items", "title": "Items as GeoJSON",
             "href": f"{url}/items?f=json"},
            {"type": "application/schema+json", "rel": QUERYABLES_REL, "title": "Queryables",
             "href": f"{url}/queryables"},
            {"type": "application/json", "rel": "related", "title": "SensorThings API",
             "href": f"{base_url}/sta/v1.1"},
            {"type": "text/html", "rel": "alternate", "title": "Live sensors in the portal",
             "href": f"{base_url}/portal/sensors"},
        ],
    }


def queryables_document(base_url: str) -> dict[str, Any]:
    """What every feature has (the per-datastream values vary from Thing to Thing)."""
    return {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": f"{base_url}/collections/{SENSORS_ID}/queryables",
        "type": "object", "title": TITLE["en"],
        "properties": {
            "geometry": {"format": "geometry-point"},
            **{name: {"type": kind} for name, kind in QUERYABLE_TYPES.items()},
        },
    }


@dataclass(frozen=True)
class SensorsQuery:
    bbox: Box | None
    limit: int
    offset: int
    where: Where | None


def _compiled(parsed: Filter, filter_crs: OutputCrs) -> Where:
    """The filter over `latest_sql.thing_rows` (stored in WGS 84 longitude/latitude)."""

    def where(rows: Subquery) -> ColumnElement[bool]:
        rel: Any = rows  # a subquery has the ``.c`` columns the helpers read

        def geometry(shape: Any) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
            return sql.spatial_operands(rel, shape, filter_crs, 4326, True)

        return Compiler(
            column=lambda name: rel.c[name], types=dict(QUERYABLE_TYPES), geometry=geometry,
            coordinate_box=(LAT_LON_BOX if filter_crs.lat_lon else LON_LAT_BOX)
            if filter_crs.geographic else None).compile_filter(parsed)

    return where


def parse_query(params: dict[str, list[str]], limits: Limits) -> SensorsQuery:
    """The bbox, paging and CQL2 filter of an items request; anything else is a 400."""
    unknown = sorted(set(params) - ITEMS_PARAMETERS - set(QUERYABLE_TYPES))
    if unknown:
        raise UnknownParameter(f"unknown query parameter(s): {', '.join(unknown)}")
    crs = single(params, "bbox-crs")
    if crs not in (None, CRS84):
        raise BadRequest(f"bbox-crs: only {CRS84} is offered by this collection")
    raw = single(params, "bbox")
    box = parse_bbox(raw) if raw is not None else None
    limit = parse_int(single(params, "limit"), "limit", limits.default, 1, None)
    offset = parse_int(single(params, "offset"), "offset", 0, 0)
    text = single(params, "filter")
    parts: list[Where] = []
    if text is not None:
        parsed = parse_filter(text, single(params, "filter-lang"))
        parts.append(_compiled(parsed, parse_crs(single(params, "filter-crs"), 4326,
                                                 "filter-crs")))
    equals = [(n, v) for n in QUERYABLE_TYPES if (v := single(params, n)) is not None]
    if equals:  # Part 1's property equality: ``?name=station A``
        parts.append(lambda rows: and_(*(rows.c[n] == v for n, v in equals)))
    where: Where | None = None
    if parts:
        where = parts[0] if len(parts) == 1 else (
            lambda rows: and_(*(part(rows) for part in parts)))
    return SensorsQuery(box, min(limit, limits.maximum), offset, where)


def _url(base: str, params: dict[str, list[str]], **changes: int) -> str:
    pairs = [(k, v) for k, vs in params.items() if k not in changes and k != "f" for v in vs]
    pairs += [(k, str(v)) for k, v in changes.items()]
    return f"{base}?{urlencode([*pairs, ('f', 'json')])}"


def items_document(engine: Engine, scope: Scope, base_url: str, params: dict[str, list[str]],
                   limits: Limits) -> tuple[bytes, list[dict[str, str]]]:
    """A GeoJSON FeatureCollection page of the visible Things, in Thing id order, and its
    links (the features fast path repeats them in a ``Link`` header; clients read it)."""
    query = parse_query(params, limits)
    limit, offset = query.limit, query.offset
    with engine.connect() as conn:
        page = _run(lambda: latest.things_page(conn, scope, query.bbox, limit, offset,
                                               query.where))
    sta = f"{base_url}/sta/v1.1"
    items = f"{base_url}/collections/{SENSORS_ID}/items"
    links = [{"type": GEOJSON, "rel": "self", "title": "This document as GeoJSON",
              "href": _url(items, params)},
             {"type": "text/html", "rel": "alternate", "title": "Live sensors in the portal",
              "href": f"{base_url}/portal/sensors"},
             {"type": "application/json", "rel": "collection", "title": "The collection",
              "href": f"{base_url}/collections/{SENSORS_ID}"}]
    if offset > 0:
        links.append({"type": GEOJSON, "rel": "prev", "title": "Items (prev)",
                      "href": _url(items, params, offset=max(0, offset - limit), limit=limit)})
    if offset + len(page.things) < page.matched:
        links.append({"type": GEOJSON, "rel": "next", "title": "Items (next)",
                      "href": _url(items, params, offset=offset + limit, limit=limit)})
    links.append({"type": "application/schema+json", "rel": QUERYABLES_REL,
                  "title": "Queryables", "href": f"{base_url}/collections/{SENSORS_ID}/queryables"})
    return orjson.dumps({
        "type": "FeatureCollection",
        "features": [latest.feature(thing, sta) for thing in page.things],
        "numberMatched": page.matched, "numberReturned": len(page.things),
        "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "links": links}
    ), links


def _run(read: Callable[[], latest.ThingPage]) -> latest.ThingPage:
    """A read whose filter PostgreSQL still refuses (a value that does not fit, a geometry
    PostGIS cannot use) is the caller's 400, as on the layers' collections."""
    try:
        return read()
    except (DataError, ProgrammingError, InternalError) as exc:
        if not isinstance(exc.orig, psycopg.DataError | psycopg.errors.InternalError_):
            raise
        raise InvalidFilter(
            f"the query cannot be evaluated: {str(exc.orig).splitlines()[0]}") from exc


def item_document(engine: Engine, scope: Scope, base_url: str, item_id: str
                  ) -> dict[str, Any] | None:
    """One visible Thing as a feature (None: unknown, or not visible to this caller)."""
    try:
        thing_id = int(item_id)
    except ValueError:
        return None
    if not 0 < thing_id < 2**63:
        return None
    with engine.connect() as conn:
        page = latest.thing_by_id(conn, scope, thing_id)
    if page is None:
        return None
    document = latest.feature(page, f"{base_url}/sta/v1.1")
    document["links"] = [
        {"type": GEOJSON, "rel": "self", "title": "This document as GeoJSON",
         "href": f"{base_url}/collections/{SENSORS_ID}/items/{thing_id}?f=json"},
        {"type": "application/json", "rel": "collection", "title": "The collection",
         "href": f"{base_url}/collections/{SENSORS_ID}"}]
    return document
