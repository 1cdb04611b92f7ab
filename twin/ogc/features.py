"""The GeoJSON fast path: items pages and single items serialised by PostGIS.

The document has exactly pygeoapi's shape (``type``, ``features``, ``numberMatched``,
``numberReturned``, ``timeStamp``, ``links``) but Python never touches a feature: PostgreSQL
returns the features already joined as text and only the envelope is added here.

``numberMatched``: the registry's feature count when nothing filters; otherwise the matches
are counted up to ``ogc_count_threshold`` and the member is omitted above it (the spec allows
it; clients then follow ``next`` links). A page that is not full needs no count at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

import orjson
import psycopg
from psycopg import errors as pg_errors
from sqlalchemy import ColumnElement, Connection, Engine, and_, func, literal, or_
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DataError, InternalError, ProgrammingError

from twin.errors import BadRequest, InvalidFilter, ItemNotFound
from twin.ogc import reads, sql, temporal
from twin.ogc.catalog import Collection
from twin.ogc.cql2 import LAT_LON_BOX, LON_LAT_BOX, Compiler
from twin.ogc.crs import OutputCrs
from twin.ogc.query import ItemsQuery

GEOJSON = "application/geo+json"
#: PostgreSQL errors caused by the values of a request, not by the server
_CALLER_ERRORS = (psycopg.DataError, pg_errors.UndefinedFunction, pg_errors.InternalError_)


@dataclass(frozen=True)
class Counting:
    """When a filtered ``numberMatched`` is counted: the planner must expect the count to cost
    at most ``max_cost`` (so no full scan of a large table just to count), and it stops after
    ``cap`` matches (above: omitted)."""

    cap: int
    max_cost: float


@dataclass(frozen=True)
class Page:
    """One serialised items page and the CRS its coordinates are in."""

    body: bytes
    crs: OutputCrs


def _typed(collection: Collection, name: str, value: str) -> Any:
    """A queryable's query-parameter value converted to its column's type (else a 400)."""
    attribute = collection.attributes[name]
    kind = attribute.json_format or attribute.json_type
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
        if kind == "date":
            return date.fromisoformat(value)
        if kind == "date-time":
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"{name}: {value!r} is not a {kind}") from None
    if kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise BadRequest(f"{name}: expected true or false")
        return value.lower() == "true"
    return value


def _compiler(rel: Any, collection: Collection, filter_crs: OutputCrs) -> Compiler:
    srid = collection.layer.storage_srid

    def geometry(shape: Any) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
        if not collection.spatial:
            raise InvalidFilter(f"collection {collection.id!r} has no geometries: a spatial "
                                "predicate cannot apply")
        return sql.spatial_operands(rel, shape, filter_crs, srid,
                                    _server_exact(collection, filter_crs.srid, srid))

    return Compiler(
        column=lambda name: rel.c[name],
        types={n: a.json_type for n, a in collection.attributes.items()},
        geometry=geometry,
        temporal_columns=frozenset(n for n, a in collection.attributes.items()
                                   if a.json_format in ("date", "date-time")),
        coordinate_box=(LAT_LON_BOX if filter_crs.lat_lon else LON_LAT_BOX)
        if filter_crs.geographic else None,
    )


def _server_exact(collection: Collection, source: int, target: int) -> bool:
    """Whether PostGIS may reproject between the two SRIDs (probed only when no stored
    column already holds the geometry in the CRS asked for)."""
    if {source, target} <= {collection.layer.storage_srid, 4326, 3857}:
        return True
    return collection.server_exact(source, target)


def _shape(collection: Collection, query: ItemsQuery) -> sql.FeatureShape:
    """What each feature of the answer holds, and who reprojects its geometry."""
    srid = collection.layer.storage_srid
    skip = query.skip_geometry or not collection.spatial  # a table: "geometry": null
    by_service = not skip and not _server_exact(collection, srid, query.crs.srid)
    return sql.FeatureShape(query.properties, query.crs, srid, skip, by_service)


def _datetime_clause(rel: Any, collection: Collection,
                     interval: temporal.Interval) -> ColumnElement[bool]:
    """Part 1's ``datetime``: the temporal property intersects the instant or interval, or
    is empty: /req/core/fc-time-response C (OGC 17-069r4) has ``datetime`` match every
    feature not associated with a temporal geometry, so a parcel without a date stays."""
    name = collection.layer.spec.temporal_property or ""
    attribute = collection.attributes.get(name)
    if attribute is None or attribute.json_format not in ("date", "date-time"):
        raise BadRequest(f"datetime: the collection's temporal property {name!r} is not a "
                         "date or timestamp attribute of its data")
    column = rel.c[name]
    return or_(column.is_(None),
               temporal.relation("t_intersects", (column, column),
                                 temporal.ends(interval, lambda n: rel.c[n])))


def where_clause(rel: Any, collection: Collection, query: ItemsQuery) -> ColumnElement[bool] | None:
    """The WHERE of a query: bbox, CQL2 filter and property equalities, all bound values."""
    srid = collection.layer.storage_srid
    clauses: list[ColumnElement[bool]] = []
    if not collection.spatial and query.bbox is not None:
        raise BadRequest(f"bbox: collection {collection.id!r} has no geometries")
    if query.bbox is not None and query.bbox_crs is not None:
        stored, box = sql.spatial_operands(
            rel, sql.envelope(query.bbox), query.bbox_crs, srid,
            _server_exact(collection, query.bbox_crs.srid, srid))
        clauses.append(stored.op("&&")(box) & func.ST_Intersects(stored, box))
    if query.filter is not None and query.filter_crs is not None:
        filter_crs = query.filter_crs
        clauses.append(_compiler(rel, collection, filter_crs).compile_filter(query.filter))
    if query.datetime is not None:
        clauses.append(_datetime_clause(rel, collection, query.datetime))
    for name, value in query.equals:
        clauses.append(rel.c[name] == literal(_typed(collection, name, value)))
    return and_(*clauses) if clauses else None


_PREPARED: dict[tuple[Any, ...], sql.Prepared] = {}
_PREPARED_MAX = 512


def prepared(dialect: Dialect, key: tuple[Any, ...], build: Callable[[], Any]) -> sql.Prepared:
    """The compiled form of a hot statement (rebuilt when its key -- relation, shape, sort --
    was not seen yet; the cache is bounded)."""
    found = _PREPARED.get(key)
    if found is None:
        if len(_PREPARED) >= _PREPARED_MAX:
            _PREPARED.clear()
        found = _PREPARED[key] = sql.prepare(build(), dialect)
    return found


def _execute(conn: Connection, statement: Any, **values: Any) -> Any:
    """Run a query (a statement, or a `sql.Prepared` with its values) built from validated
    input; what PostgreSQL still refuses in it (a value that does not fit a column's type, a
    geometry PostGIS cannot use) is the caller's 400."""
    try:
        if isinstance(statement, sql.Prepared):
            return statement.run(conn, **values)
        return conn.execute(statement).one()
    except (DataError, ProgrammingError, InternalError) as exc:
        if not isinstance(exc.orig, _CALLER_ERRORS):
            raise
        raise InvalidFilter(
            f"the query cannot be evaluated: {str(exc.orig).splitlines()[0]}") from exc


def items_page(conn: Connection, rel: Any, collection: Collection, query: ItemsQuery,
               links: LinkBuilder, counting: Counting) -> Page:
    """One GeoJSON FeatureCollection page; the ids are paged first, then joined."""
    where = where_clause(rel, collection, query)
    order = [rel.c[n].desc() if desc else rel.c[n].asc() for n, desc in query.sortby]
    shape = _shape(collection, query)
    if where is None:
        statement = prepared(conn.dialect, ("page", collection.schema, collection.table, shape,
                                            query.sortby),
                             lambda: sql.page_statement(rel, None, order, sql.PAGE_LIMIT,
                                                        sql.PAGE_OFFSET, shape))
        row = _execute(conn, statement, page_limit=query.limit, page_offset=query.offset)
    else:
        row = _execute(conn, sql.page_statement(rel, where, order, query.limit, query.offset,
                                                shape))
    features, returned = shape.fill(row[0], row[2] if shape.slotted else None), row[1]
    matched = _number_matched(conn, rel, collection, query, where, int(returned), counting)
    head: dict[str, Any] = {"type": "FeatureCollection"}
    tail: dict[str, Any] = {}
    if matched is not None:
        tail["numberMatched"] = matched
    tail["numberReturned"] = int(returned)
    tail["timeStamp"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    more = (query.offset + int(returned) < matched) if matched is not None else (
        int(returned) == query.limit)
    tail["links"] = links.page_links(query, more)
    body = (orjson.dumps(head)[:-1] + b',"features":[' + (features or "").encode()
            + b"]," + orjson.dumps(tail)[1:])
    return Page(body, query.crs)


def _number_matched(conn: Connection, rel: Any, collection: Collection, query: ItemsQuery,
                    where: ColumnElement[bool] | None, returned: int,
                    counting: Counting) -> int | None:
    """Exact when known or cheap to count; None (member omitted) otherwise."""
    if returned < query.limit and (returned > 0 or query.offset == 0):
        return query.offset + returned
    if where is None and collection.total is not None:
        return collection.total
    statement = sql.capped_count(rel, where if where is not None else literal(True),
                                 counting.cap)
    if _planned_cost(conn, statement) > counting.max_cost:
        return None
    counted = int(_execute(conn, statement)[0])
    return counted if counted <= counting.cap else None


def _planned_cost(conn: Connection, statement: Any) -> float:
    """The planner's total cost of a statement (EXPLAIN, nothing is executed)."""
    compiled = statement.compile(dialect=conn.dialect)
    plan: Any = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}",
                                     compiled.params).scalar()
    return float(plan[0]["Plan"]["Total Cost"])


def item(engine: Engine, rel: Any, collection: Collection, item_id: str,
         query: ItemsQuery, links: LinkBuilder,
         related: Sequence[dict[str, str]] = ()) -> tuple[Page, str | None]:
    """One GeoJSON Feature with its links (``related``: more of them, e.g. the BIM models of
    a building, `twin.ogc.bim_links`) and its Part 4 ETag, or 404 (ids are integers:
    anything else is unknown). One round trip (`twin.ogc.reads`)."""
    try:
        fid = int(item_id)
    except ValueError:
        raise ItemNotFound(collection.id, item_id) from None
    if not -(2**63) <= fid < 2**63:
        raise ItemNotFound(collection.id, item_id)
    shape = _shape(collection, query)
    statement = prepared(
        engine.dialect, ("item", collection.schema, collection.table, shape),
        lambda: sql.item_statement(rel, sql.ITEM_ID, shape,
                                   sql.stored_table(collection.layer.table)))
    row = reads.fetch_one(engine, statement.sql, {**statement.params, "item_id": fid})
    if row is None:
        raise ItemNotFound(collection.id, item_id)
    text = shape.fill(row[0], [row[2]] if shape.slotted else None)
    every_link = [*links.item_links(item_id), *related]
    body = text[:-1].encode() + b',"links":' + orjson.dumps(every_link) + b"}"
    return Page(body, query.crs), row[1]


class LinkBuilder:
    """Links of items pages and items, carrying the caller's other parameters along."""

    def __init__(self, collection_url: str, params: Mapping[str, Sequence[str]]):
        self.collection_url = collection_url
        self.params = params

    def _url(self, path: str, **changes: Any) -> str:
        pairs = [(k, v) for k, vs in self.params.items() if k not in changes and k != "f"
                 for v in vs]
        pairs += [(k, str(v)) for k, v in changes.items() if v is not None]
        query = urlencode(pairs)
        return f"{self.collection_url}{path}" + (f"?{query}" if query else "")

    def page_links(self, query: ItemsQuery, more: bool) -> list[dict[str, str]]:
        links = [
            {"type": GEOJSON, "rel": "self", "title": "This document as GeoJSON",
             "href": self._url("/items", f="json")},
            {"type": "text/html", "rel": "alternate", "title": "This document as HTML",
             "href": self._url("/items", f="html")},
            {"type": "application/json", "rel": "collection", "title": "The collection",
             "href": self.collection_url},
            {"type": "application/schema+json", "title": "Queryables",
             "rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables",
             "href": f"{self.collection_url}/queryables"},
        ]
        if query.offset > 0:
            previous = max(0, query.offset - query.limit)
            links.append({"type": GEOJSON, "rel": "prev", "title": "Items (prev)",
                          "href": self._url("/items", offset=previous, limit=query.limit)})
        if more:
            links.append({"type": GEOJSON, "rel": "next", "title": "Items (next)",
                          "href": self._url("/items", offset=query.offset + query.limit,
                                            limit=query.limit)})
        return links

    def item_links(self, item_id: str) -> list[dict[str, str]]:
        path = f"/items/{item_id}"
        return [
            {"type": GEOJSON, "rel": "self", "title": "This document as GeoJSON",
             "href": self._url(path, f="json")},
            {"type": "text/html", "rel": "alternate", "title": "This document as HTML",
             "href": self._url(path, f="html")},
            {"type": "application/json", "rel": "collection", "title": "The collection",
             "href": self.collection_url},
        ]
