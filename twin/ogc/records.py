"""OGC API Records (Part 1): the catalogue as the record collection ``catalog``.

One record per dataset the caller may see, made from the DCAT `DatasetRecord`s (the same
dates, downloads and access decisions as ``/catalog``), never from a second reading of the
registry's rules. Closed layers are never records -- not even for staff keys -- so the
catalogue can be harvested as a whole; shared layers are records only for a key that may read
them (`twin.access`).

Why our own query code: the catalogue is a few hundred records at most, so they are filtered
in Python. pygeoapi's record pipeline reads ``filter`` as ECQL, refuses CQL2-JSON in the
query string and drops the filter from its paging links, so the items (JSON, and the HTML
page rendered with pygeoapi's template) come from `records_page` here. pygeoapi keeps the
collection listing and document, a record's HTML page, JSON-LD and the schema, through
`TwinRecordProvider`, which answers with the same functions. pygeoapi does not pass the
caller to providers, so the router puts it in `CALLER` (a context variable:
`asyncio.to_thread` carries it into the worker thread) and the provider refuses to answer
without one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any
from urllib.parse import urlencode

from pygeoapi.provider.base import (
    BaseProvider,
    ProviderGenericError,
    ProviderItemNotFoundError,
)
from pygeofilter import ast
from sqlalchemy import Engine

from gis import vocab
from twin.access import Caller
from twin.catalog import service
from twin.catalog.distributions import Distribution, distributions
from twin.catalog.records import DatasetRecord, dataset_records
from twin.catalog.vocab import DATA_THEME_SCHEME
from twin.errors import BadRequest, InvalidFilter, NotFound
from twin.ogc import cql2
from twin.ogc.query import Limits, check_known, parse_bbox, parse_int, single
from twin.ogc.temporal import Interval, parse_datetime_parameter
from twin.settings import Settings

CATALOG_ID = "catalog"
PROVIDER = "twin.ogc.records.TwinRecordProvider"
GEOJSON = "application/geo+json"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
SORTABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/sortables"
ISO_19139 = "http://www.isotc211.org/2005/gmd"
#: the order a title and description language is chosen in (as `LayerSpec.label`)
PREFERRED_LANGUAGES = ("en", "fr", "nl", "de")
#: the queryables: name -> JSON Schema
QUERYABLES: dict[str, dict[str, Any]] = {
    "title": {"type": "string", "title": "Title"},
    "description": {"type": "string", "title": "Description"},
    "keywords": {"type": "array", "items": {"type": "string"}, "title": "Keywords"},
    "updated": {"type": "string", "format": "date-time", "title": "Last load or edit"},
    "type": {"type": "string", "title": "Resource type"},
    "license": {"type": "string", "title": "Licence"},
}
SORTABLE = ("title", "updated")
ITEMS_PARAMETERS = frozenset({"f", "q", "bbox", "datetime", "filter", "filter-lang",
                              "sortby", "limit", "offset", "ids"})

#: the caller a pygeoapi provider call answers for (set by `twin.ogc.records_api`)
CALLER: ContextVar[Caller] = ContextVar("twin_records_caller")


@dataclass(frozen=True)
class RecordSource:
    """What a records answer is made from; shared, never copied (pygeoapi deep-copies its
    configuration, and the engine cannot be)."""

    engine: Engine
    settings: Settings

    def __deepcopy__(self, memo: dict[int, Any]) -> RecordSource:
        return self

    def records(self, caller: Caller) -> list[DatasetRecord]:
        """The DCAT records of every dataset the caller may see, closed ones never."""
        layers = [layer for layer in service.visible_layers(self.engine, caller)
                  if layer.spec.access_level != "closed"]
        with self.engine.connect() as conn:
            return dataset_records(conn, layers, self.settings.data_dir)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return utc.isoformat().replace("+00:00", "Z")


def _polygon(box: tuple[float, float, float, float] | None) -> dict[str, Any] | None:
    if box is None:
        return None
    x0, y0, x1, y1 = box
    return {"type": "Polygon",
            "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def _description(record: DatasetRecord) -> str:
    spec = record.layer.spec
    texts: dict[str, str] = {str(k): v for k, v in spec.description.items() if v.strip()}
    for language in PREFERRED_LANGUAGES:
        if language in texts:
            return texts[language]
    return next(iter(texts.values()), f"{spec.label()} (layer {spec.id}).")


def record_links(record: DatasetRecord, base_url: str,
                 offered: list[Distribution]) -> list[dict[str, Any]]:
    """Where the record lives, its other forms (DCAT, ISO 19139) and what it describes: every
    distribution of `twin.catalog.distributions` (the list DCAT and ISO 19139 also read), a
    file as an ``enclosure`` (with its size when built), an API or a tileset as an ``item``."""
    layer = record.layer
    lid = layer.id
    dcat = f"{base_url}/catalog/datasets/{lid}"
    iso = (f"{base_url}/csw?" + urlencode({
        "service": "CSW", "version": "2.0.2", "request": "GetRecordById", "id": lid,
        "outputSchema": ISO_19139, "elementSetName": "full"}))
    links: list[dict[str, Any]] = [
        {"rel": "self", "type": GEOJSON, "title": "This record",
         "href": f"{base_url}/collections/{CATALOG_ID}/items/{lid}?f=json"},
        {"rel": "alternate", "type": "text/html", "title": "This record as HTML",
         "href": f"{base_url}/collections/{CATALOG_ID}/items/{lid}?f=html"},
        {"rel": "collection", "type": "application/json", "title": "The record catalogue",
         "href": f"{base_url}/collections/{CATALOG_ID}"},
        {"rel": "alternate", "type": "text/turtle", "title": "DCAT-AP (Turtle)",
         "href": f"{dcat}.ttl"},
        {"rel": "alternate", "type": "application/ld+json", "title": "DCAT-AP (JSON-LD)",
         "href": f"{dcat}.jsonld"},
        {"rel": "describedby", "type": "text/html", "title": "Dataset page",
         "href": f"{dcat}.html"},
        {"rel": "alternate", "type": "application/xml", "title": "ISO 19139",
         "href": iso},
        {"rel": "license", "type": "text/html", "title": vocab.short_code(layer.spec.licence),
         "href": layer.spec.licence},
    ]
    for found in offered:
        link: dict[str, Any] = {
            "rel": "enclosure" if found.kind == "download" else "item",
            "type": found.media_type, "title": found.title.get("en", found.key),
            "href": found.download_url or found.access_url}
        if found.kind == "download" and found.byte_size is not None:
            link["length"] = found.byte_size
        links.append(link)
    return links


@dataclass(frozen=True)
class _Base:
    """The deployment as `twin.catalog.distributions` reads it."""

    base_url: str


def _formats(offered: list[Distribution]) -> list[dict[str, str]]:
    """The formats the dataset is distributed in (files, APIs, tilesets), once each."""
    found: dict[str, dict[str, str]] = {}
    for item in offered:
        found.setdefault(item.media_type, {"name": vocab.short_code(item.format_iri),
                                           "mediaType": item.media_type})
    return list(found.values())


def record_feature(record: DatasetRecord, base_url: str) -> dict[str, Any]:
    """One dataset as a Records Part 1 record (GeoJSON, WGS 84 bbox polygon)."""
    layer = record.layer
    spec = layer.spec
    languages = sorted({*spec.title, *spec.description})
    #: the language of the title shown (`LayerSpec.label`'s preference)
    language = next((code for code in PREFERRED_LANGUAGES if code in spec.title),
                    next(iter(spec.title)))
    offered = distributions(_Base(base_url), record)
    properties: dict[str, Any] = {
        "type": "dataset",
        "title": spec.label(PREFERRED_LANGUAGES),
        "description": _description(record),
        "keywords": list(spec.keywords),
        "themes": [{"concepts": [{"id": vocab.short_code(theme), "url": theme}
                                 for theme in spec.theme],
                    "scheme": DATA_THEME_SCHEME}] if spec.theme else [],
        "language": {"code": language},
        "languages": [{"code": code} for code in languages],
        "contacts": [
            {"name": spec.contact_point.name,
             "emails": [{"value": spec.contact_point.email}],
             "roles": ["pointOfContact"]},
            {"organization": spec.producer, "roles": ["producer"]}],
        "created": _iso(record.issued),
        "updated": _iso(record.modified),
        "license": vocab.short_code(spec.licence),
        "rights": (f"Reuse under {vocab.short_code(spec.licence).replace('_', ' ')}; "
                   f"attribution: {spec.producer}."),
        "formats": _formats(offered),
    }
    if record.period_start is not None:
        properties["time"] = {"interval": [_iso(record.period_start),
                                           _iso(record.modified) or ".."]}
    return {"id": layer.id, "type": "Feature", "conformsTo": [
                "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core"],
            "geometry": _polygon(layer.extent_4326), "properties": properties,
            "links": record_links(record, base_url, offered)}


# --- the query ----------------------------------------------------------------------------

def _fold(text: str) -> str:
    """Case- and accent-insensitive form (``Étang`` and ``etang`` meet)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidFilter(f"filter: {value!r} is not an instant") from None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if not isinstance(value, datetime):
        raise InvalidFilter(f"filter: {value!r} is not an instant")
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _values(feature: dict[str, Any], name: str) -> list[Any]:
    """A queryable's values in one record (keywords are many; a missing one none)."""
    if name not in QUERYABLES:
        raise InvalidFilter(f"filter: unknown property {name!r} (see queryables)")
    value = feature["properties"].get(name)
    if name == "updated":
        return [] if value is None else [_instant(value)]
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _operand(node: Any, feature: dict[str, Any]) -> list[Any]:
    if isinstance(node, ast.Attribute):
        return _values(feature, node.name)
    if isinstance(node, ast.Function):
        name = node.name.lower()
        if name in ("lower", "casei", "accenti") and len(node.arguments) == 1:
            fold: Callable[[str], str] = _fold if name == "accenti" else str.lower
            return [fold(v) if isinstance(v, str) else v
                    for v in _operand(node.arguments[0], feature)]
        raise InvalidFilter(f"filter: function {node.name!r} is not supported")
    if isinstance(node, datetime | date):
        return [_instant(node)]
    if isinstance(node, bool | int | float | str):
        return [node]
    raise InvalidFilter(f"filter: operand {type(node).__name__} is not supported")


def _comparable(a: Any, b: Any) -> tuple[Any, Any]:
    if isinstance(a, datetime) and isinstance(b, str):
        return a, _instant(b)
    if isinstance(b, datetime) and isinstance(a, str):
        return _instant(a), b
    if type(a) is not type(b) and not (isinstance(a, int | float)
                                       and isinstance(b, int | float)):
        raise InvalidFilter(f"filter: cannot compare {a!r} with {b!r}")
    return a, b


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: bool(a == b), "<>": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b), "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b), ">=": lambda a, b: bool(a >= b)}


def _like_regex(pattern: str) -> str:
    """CQL2's LIKE (as SQL's, which the features path uses): ``%`` any run, ``_`` one
    character, ``\\`` escapes the next."""
    parts: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
    return "".join(parts)


def _like(value: Any, node: ast.Like) -> bool:
    if not isinstance(value, str) or not isinstance(node.pattern, str):
        raise InvalidFilter("filter: LIKE needs text")
    flags = re.DOTALL | (re.IGNORECASE if node.nocase else 0)
    return re.fullmatch(_like_regex(node.pattern), value, flags) is not None


def matches(node: Any, feature: dict[str, Any]) -> bool:
    """Whether a record satisfies a CQL2 AST (a property with many values -- keywords --
    satisfies a predicate when one of its values does)."""
    if isinstance(node, bool):
        return node
    if isinstance(node, ast.And):
        return matches(node.lhs, feature) and matches(node.rhs, feature)
    if isinstance(node, ast.Or):
        return matches(node.lhs, feature) or matches(node.rhs, feature)
    if isinstance(node, ast.Not):
        return not matches(node.sub_node, feature)
    if isinstance(node, ast.Include):
        return not node.not_
    if isinstance(node, ast.Comparison):
        compare = _COMPARE[node.op.value]
        return any(compare(*_comparable(a, b)) for a in _operand(node.lhs, feature)
                   for b in _operand(node.rhs, feature))
    if isinstance(node, ast.Like):
        found = any(_like(v, node) for v in _operand(node.lhs, feature))
        return found != bool(node.not_)
    if isinstance(node, ast.In):
        items = [item for sub in node.sub_nodes for item in _operand(sub, feature)]
        found = any(_COMPARE["="](*_comparable(v, i)) for v in _operand(node.lhs, feature)
                    for i in items)
        return found != bool(node.not_)
    if isinstance(node, ast.Between):
        lows, highs = _operand(node.low, feature), _operand(node.high, feature)
        found = any(_COMPARE["<="](*_comparable(lo, v)) and _COMPARE["<="](*_comparable(v, hi))
                    for v in _operand(node.lhs, feature) for lo in lows for hi in highs)
        return found != bool(node.not_)
    if isinstance(node, ast.IsNull):
        return (not _operand(node.lhs, feature)) != bool(node.not_)
    raise InvalidFilter(f"filter: {type(node).__name__} is not supported on records")


def _kind(node: Any) -> str:
    """The type of a scalar operand (``text``, ``time``, ``number``, ``bool``), checked
    before any record is read: a bad filter is a 400 even when nothing would match."""
    if isinstance(node, ast.Attribute):
        if node.name not in QUERYABLES:
            raise InvalidFilter(f"filter: unknown property {node.name!r} (see queryables)")
        return "time" if node.name == "updated" else "text"
    if isinstance(node, ast.Function):
        if node.name.lower() not in ("lower", "casei", "accenti") or len(node.arguments) != 1:
            raise InvalidFilter(f"filter: function {node.name!r} is not supported")
        if _kind(node.arguments[0]) != "text":
            raise InvalidFilter(f"filter: {node.name.upper()} needs text")
        return "text"
    if isinstance(node, datetime | date):
        return "time"
    if isinstance(node, bool):
        return "bool"
    if isinstance(node, int | float):
        return "number"
    if isinstance(node, str):
        return "text"
    raise InvalidFilter(f"filter: operand {type(node).__name__} is not supported on records")


def _same_kind(*operands: Any) -> None:
    kinds = {_kind(operand) for operand in operands}
    if kinds == {"time", "text"}:  # a string compared with ``updated`` must be an instant
        for operand in operands:
            if isinstance(operand, str):
                _instant(operand)
        return
    if len(kinds) > 1:
        raise InvalidFilter(f"filter: cannot compare {' with '.join(sorted(kinds))}")


def check_filter(node: Any) -> Any:
    """``node`` when every predicate, property and operand is one records support."""
    if isinstance(node, bool):
        return node
    if isinstance(node, ast.And | ast.Or):
        check_filter(node.lhs)
        check_filter(node.rhs)
    elif isinstance(node, ast.Not):
        check_filter(node.sub_node)
    elif isinstance(node, ast.Include):
        pass
    elif isinstance(node, ast.Comparison):
        _same_kind(node.lhs, node.rhs)
    elif isinstance(node, ast.Like):
        if _kind(node.lhs) != "text" or not isinstance(node.pattern, str):
            raise InvalidFilter("filter: LIKE compares text with a text pattern")
    elif isinstance(node, ast.In):
        _same_kind(node.lhs, *node.sub_nodes)
    elif isinstance(node, ast.Between):
        _same_kind(node.lhs, node.low, node.high)
    elif isinstance(node, ast.IsNull):
        _kind(node.lhs)
    else:
        raise InvalidFilter(f"filter: {type(node).__name__} is not supported on records")
    return node


@dataclass(frozen=True)
class RecordsQuery:
    q: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    interval: Interval | None = None
    filter: Any = None
    sortby: tuple[tuple[str, bool], ...] = ()
    limit: int = 10
    offset: int = 0
    ids: tuple[str, ...] | None = None


def parse_sortby(value: str | None) -> tuple[tuple[str, bool], ...]:
    """``title``, ``-updated``, ``+title,-updated``: (name, descending) pairs."""
    if not value:
        return ()
    keys = []
    for part in value.split(","):
        name = part.strip()
        descending = name.startswith("-")
        name = name.lstrip("+-")
        if name not in SORTABLE:
            raise BadRequest(f"sortby: {name!r} is not sortable ({', '.join(SORTABLE)})")
        keys.append((name, descending))
    return tuple(keys)


def parse_filter(text: str | None, language: str | None) -> Any:
    if text is None:
        return None
    parsed = cql2.parse_filter(text, language)
    if parsed.temporal:
        raise InvalidFilter("filter: temporal functions are not offered on records; compare "
                            "updated with a TIMESTAMP or DATE")
    return check_filter(parsed.node)


def _property_filters(params: Mapping[str, Sequence[str]], node: Any) -> Any:
    """Queryables given as query parameters (``?license=CC0``): equality, and-ed with the
    ``filter`` (Features Part 3, queryables-query-parameters)."""
    for name in sorted(set(params) & set(QUERYABLES)):
        value = single(params, name)
        equal = ast.Equal(ast.Attribute(name), value)
        node = equal if node is None else ast.And(node, equal)
    return None if node is None else check_filter(node)


def parse_records_query(params: Mapping[str, Sequence[str]], limits: Limits) -> RecordsQuery:
    check_known(params, ITEMS_PARAMETERS, tuple(QUERYABLES))
    q = single(params, "q")
    bbox = single(params, "bbox")
    when = single(params, "datetime")
    ids = single(params, "ids")
    return RecordsQuery(
        q=parse_q(q),
        bbox=parse_bbox(bbox) if bbox else None,
        interval=parse_datetime_parameter(when) if when else None,
        filter=_property_filters(params, parse_filter(single(params, "filter"),
                                                      single(params, "filter-lang"))),
        sortby=parse_sortby(single(params, "sortby")),
        limit=parse_int(single(params, "limit"), "limit", limits.default, 1, limits.maximum),
        offset=parse_int(single(params, "offset"), "offset", 0, 0),
        ids=tuple(ids.split(",")) if ids else None)


def _text_match(feature: dict[str, Any], terms: tuple[str, ...]) -> bool:
    """``q``: any term in title, description or keywords (OGC API Records: OR of terms)."""
    props = feature["properties"]
    haystack = _fold(" ".join([props["title"], props["description"], *props["keywords"]]))
    return any(term in haystack for term in terms)


def _in_box(feature: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    geometry = feature["geometry"]
    if geometry is None:
        return False
    ring = geometry["coordinates"][0]
    x0, y0, x1, y1 = ring[0][0], ring[0][1], ring[2][0], ring[2][1]
    return not (x1 < box[0] or x0 > box[2] or y1 < box[1] or y0 > box[3])


def _in_time(feature: dict[str, Any], interval: Interval) -> bool:
    """``datetime``: the record's temporal extent (or its last update) meets the interval."""
    props = feature["properties"]
    span = props.get("time", {}).get("interval")
    start = _instant(span[0]) if span else _instant(props.get("updated"))
    end = _instant(span[1]) if span and span[1] != ".." else _instant(props.get("updated"))
    if start is None or end is None:
        return False
    low, high = _instant(interval.start), _instant(interval.end)
    return (high is None or start <= high) and (low is None or end >= low)


def _sort_key(name: str, feature: dict[str, Any]) -> Any:
    """Titles folded (``Étangs`` among the E), ``updated`` as an instant (its ISO strings do
    not sort: ``...29Z`` against ``...29.5Z``)."""
    value = feature["properties"][name]
    return _instant(value) if name == "updated" else _fold(value)


def parse_q(value: str | None) -> tuple[str, ...]:
    """``q``: comma-separated terms, any of which may match (OGC API Records); a term with
    spaces is a phrase."""
    return tuple(term for term in (_fold(part.strip()) for part in (value or "").split(","))
                 if term)


def select(features: list[dict[str, Any]], query: RecordsQuery) -> list[dict[str, Any]]:
    """The records matching every criterion, sorted (stable: by id last)."""
    found = [f for f in features
             if (query.ids is None or f["id"] in query.ids)
             and (not query.q or _text_match(f, query.q))
             and (query.bbox is None or _in_box(f, query.bbox))
             and (query.interval is None or _in_time(f, query.interval))
             and (query.filter is None or matches(query.filter, f))]
    found.sort(key=lambda f: f["id"])
    for name, descending in reversed(query.sortby):  # stable sorts: the first key wins
        present = [f for f in found if f["properties"].get(name) is not None]
        present.sort(key=partial(_sort_key, name), reverse=descending)
        found = present + [f for f in found if f["properties"].get(name) is None]
    return found


def all_features(source: RecordSource, caller: Caller) -> list[dict[str, Any]]:
    settings = source.settings
    return [record_feature(record, settings.base_url) for record in source.records(caller)]


def records_page(source: RecordSource, caller: Caller, query: RecordsQuery,
                 params: Sequence[tuple[str, str]], f: str = "json") -> dict[str, Any]:
    """The ``items`` document: matched records, one page, self/alternate/next/prev links
    (next and prev in format ``f``, keeping every other parameter, the filter included)."""
    matched = select(all_features(source, caller), query)
    page = matched[query.offset: query.offset + query.limit]
    url = f"{source.settings.base_url}/collections/{CATALOG_ID}/items"
    kept = [(k, v) for k, v in params if k not in ("f", "offset", "limit")]

    def href(offset: int, f: str = "json") -> str:
        return f"{url}?" + urlencode([*kept, ("f", f), ("limit", str(query.limit)),
                                      ("offset", str(offset))])

    links = [{"rel": "self", "type": GEOJSON, "href": href(query.offset)},
             {"rel": "alternate", "type": "text/html", "href": href(query.offset, "html")},
             {"rel": "collection", "type": "application/json",
              "href": f"{source.settings.base_url}/collections/{CATALOG_ID}"},
             {"rel": QUERYABLES_REL, "type": "application/schema+json",
              "href": f"{source.settings.base_url}/collections/{CATALOG_ID}/queryables"}]
    page_type = "text/html" if f == "html" else GEOJSON
    if query.offset + query.limit < len(matched):
        links.append({"rel": "next", "type": page_type,
                      "href": href(query.offset + query.limit, f)})
    if query.offset > 0:
        links.append({"rel": "prev", "type": page_type,
                      "href": href(max(0, query.offset - query.limit), f)})
    return {"type": "FeatureCollection", "features": page, "numberMatched": len(matched),
            "numberReturned": len(page), "links": links,
            "timeStamp": _iso(datetime.now(UTC))}


def one_record(source: RecordSource, caller: Caller, record_id: str) -> dict[str, Any]:
    """One record, or the same 404 for unknown, closed and not-shared-with-you datasets."""
    for feature in all_features(source, caller):
        if feature["id"] == record_id:
            return feature
    raise NotFound("record not found")


def queryables_document(base_url: str) -> dict[str, Any]:
    return {"$schema": "https://json-schema.org/draft/2019-09/schema",
            "$id": f"{base_url}/collections/{CATALOG_ID}/queryables",
            "type": "object", "title": "Record catalogue", "properties": QUERYABLES,
            "additionalProperties": False}


def collection_links(base_url: str) -> list[dict[str, str]]:
    """Links the record collection adds to pygeoapi's: its sortables."""
    return [{"rel": SORTABLES_REL, "type": "application/schema+json",
             "title": "Sortables of the record catalogue",
             "href": f"{base_url}/collections/{CATALOG_ID}/sortables"}]


def sortables_document(base_url: str) -> dict[str, Any]:
    """What ``sortby`` accepts (Records, sorting: ``/sortables``)."""
    return {"$schema": "https://json-schema.org/draft/2019-09/schema",
            "$id": f"{base_url}/collections/{CATALOG_ID}/sortables",
            "type": "object", "title": "Record catalogue sortables",
            "properties": {name: QUERYABLES[name] for name in SORTABLE}}


def record_resource(source: RecordSource) -> dict[str, Any]:
    """The pygeoapi resource of the record collection."""
    return {
        "type": "collection",
        "title": {"en": f"Dataset catalogue of {source.settings.publisher_name}"},
        "description": {"en": "One record per dataset (OGC API Records); each links to its "
                              "DCAT-AP and ISO 19139 forms, its collection and downloads."},
        "keywords": ["catalogue", "datasets", "metadata"],
        "extents": {"spatial": {"bbox": [-180, -90, 180, 90],
                                "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
        "links": [],
        "providers": [{"type": "record", "name": PROVIDER, "data": {"source": source},
                       "id_field": "id", "title_field": "title",
                       "time_field": "updated"}],
    }


class TwinRecordProvider(BaseProvider):  # type: ignore[misc]
    """pygeoapi's view of the records (HTML pages, queryables): the caller comes from
    `CALLER`; without one nothing is answered (fail closed)."""

    def __init__(self, provider_def: dict[str, Any]) -> None:
        super().__init__(provider_def)
        self.source: RecordSource = provider_def["data"]["source"]
        self._fields = self.get_fields()  # what pygeoapi checks sortby and properties on

    def get_fields(self) -> dict[str, dict[str, str]]:
        return {name: {"type": schema["type"]} for name, schema in QUERYABLES.items()}

    def _features(self) -> list[dict[str, Any]]:
        caller = CALLER.get(None)
        if caller is None:  # a code path that forgot to say for whom: answer nothing
            raise ProviderGenericError("records: no caller")
        return all_features(self.source, caller)

    def query(self, offset: int = 0, limit: int = 10, resulttype: str = "results",
              bbox: Sequence[float] = (), datetime_: str | None = None,
              properties: Sequence[tuple[str, str]] = (),
              sortby: Sequence[dict[str, str]] = (), q: str | None = None,
              filterq: Any = None, **kwargs: Any) -> dict[str, Any]:
        query = RecordsQuery(
            q=parse_q(q),
            bbox=(bbox[0], bbox[1], bbox[2], bbox[3]) if len(bbox) == 4 else None,
            interval=parse_datetime_parameter(datetime_) if datetime_ else None,
            filter=None if filterq is None else check_filter(filterq),
            sortby=tuple((s["property"], s["order"] == "-") for s in sortby
                         if s["property"] in SORTABLE),
            limit=limit, offset=offset)
        matched = select(self._features(), query)
        page = [] if resulttype == "hits" else matched[offset: offset + limit]
        return {"type": "FeatureCollection", "features": page,
                "numberMatched": len(matched), "numberReturned": len(page)}

    def get(self, identifier: str, **kwargs: Any) -> dict[str, Any]:
        for feature in self._features():
            if feature["id"] == identifier:
                return feature
        raise ProviderItemNotFoundError("record not found")
