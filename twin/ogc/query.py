"""Parse and validate the query parameters of ``/items`` into an `ItemsQuery`.

Everything a caller can get wrong is answered with a 400 here, before any SQL exists:
unknown parameters, non-integer or negative limits, malformed bboxes, unknown CRSs, unknown
properties or sort keys, CQL2 that does not parse. ``limit`` above the maximum is clamped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from twin.errors import BadRequest, UnknownParameter
from twin.ogc.catalog import Collection
from twin.ogc.cql2 import Filter, parse_filter
from twin.ogc.crs import OutputCrs, parse_crs
from twin.ogc.temporal import Interval, parse_datetime_parameter

ITEMS_PARAMETERS = frozenset({
    "f", "lang", "limit", "offset", "bbox", "bbox-crs", "crs", "datetime", "filter",
    "filter-lang", "filter-crs", "sortby", "properties", "skipGeometry",
})
ITEM_PARAMETERS = frozenset({"f", "lang", "crs", "properties", "skipGeometry"})
_DATETIME = re.compile(
    r"^(\.\.|(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?))?$"
)


@dataclass(frozen=True)
class Limits:
    default: int
    maximum: int


@dataclass(frozen=True)
class ItemsQuery:
    """A validated items request."""

    limit: int
    offset: int = 0
    bbox: tuple[float, float, float, float] | None = None
    bbox_crs: OutputCrs | None = None
    crs: OutputCrs = field(default_factory=lambda: parse_crs(None, 4326))
    filter: Filter | None = None
    #: ``datetime`` on the collection's temporal property (None: not given, or no property)
    datetime: Interval | None = None
    filter_crs: OutputCrs | None = None
    sortby: tuple[tuple[str, bool], ...] = ()
    properties: tuple[str, ...] = ()
    skip_geometry: bool = False
    equals: tuple[tuple[str, str], ...] = ()

    @property
    def filtered(self) -> bool:
        return (self.bbox is not None or self.filter is not None or self.datetime is not None
                or bool(self.equals))


def single(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest(f"{name}: given {len(values)} times; give it once")
    return values[0]


def check_known(params: Mapping[str, Sequence[str]], allowed: frozenset[str],
                extra: Sequence[str] = ()) -> None:
    unknown = sorted(set(params) - allowed - set(extra))
    if unknown:
        raise UnknownParameter(f"unknown query parameter(s): {', '.join(unknown)}")


#: Largest offset PostgreSQL accepts (bigint)
MAX_OFFSET = 2**63 - 1


def parse_int(value: str | None, name: str, default: int, minimum: int,
              maximum: int | None = MAX_OFFSET) -> int:
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(f"{name}: {value!r} is not an integer") from None
    if number < minimum:
        raise BadRequest(f"{name}: must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise BadRequest(f"{name}: must be at most {maximum}")
    return number


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    try:
        numbers = [float(v) for v in value.split(",")]
    except ValueError:
        raise BadRequest(f"bbox: {value!r} is not a list of numbers") from None
    if len(numbers) not in (4, 6) or not all(math.isfinite(n) for n in numbers):
        raise BadRequest("bbox: give 4 (or 6) finite numbers: minx,miny,maxx,maxy")
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    x1, y1, x2, y2 = numbers
    if x1 > x2 or y1 > y2:
        raise BadRequest("bbox: the lower corner must come before the upper corner")
    return x1, y1, x2, y2


def parse_names(value: str | None, collection: Collection, name: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in collection.attributes]
    if unknown:
        raise BadRequest(f"{name}: unknown properties {', '.join(map(repr, unknown))}")
    return names


def parse_sortby(value: str | None, collection: Collection) -> tuple[tuple[str, bool], ...]:
    if value is None:
        return ()
    keys = []
    for raw in value.split(","):
        key = raw.strip()
        descending = key.startswith("-")
        key = key.lstrip("+-").strip()
        if key not in collection.attributes:
            raise BadRequest(f"sortby: unknown property {key!r}")
        keys.append((key, descending))
    return tuple(keys)


def parse_bool(value: str | None, name: str) -> bool:
    if value is None:
        return False
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise BadRequest(f"{name}: expected true or false")


def parse_datetime(value: str | None, collection: Collection) -> Interval | None:
    """``datetime`` as an interval on a collection with a temporal property.

    A collection without one (its layer declares no ``temporal_property``) declares no
    temporal extent and no temporal queryable: the value is checked (a malformed one is a
    400), then filters nothing. OGC 17-069r4, 7.15.4, /req/core/fc-time-response C: "The
    datetime parameter SHALL match all features in the collection that are not associated
    with a temporal geometry, too." None of its features is, so all match; an empty page
    would be a wrong answer. For the same reason, on a collection with a temporal property,
    a feature whose value is empty matches any ``datetime`` (`twin.ogc.features`).
    """
    if value is None:
        return None
    parts = value.split("/")
    if len(parts) > 2 or not all(_DATETIME.match(p) for p in parts) or value in ("", ".."):
        raise BadRequest(f"datetime: {value!r} is not an RFC 3339 instant or interval")
    interval = parse_datetime_parameter(value)
    return interval if collection.layer.spec.temporal_property else None


def parse_items_query(params: Mapping[str, Sequence[str]], collection: Collection,
                      limits: Limits) -> ItemsQuery:
    """A validated `ItemsQuery`, or a `BadRequest` naming the parameter and the problem."""
    check_known(params, ITEMS_PARAMETERS, extra=list(collection.attributes))
    srid = collection.layer.storage_srid
    limit = min(parse_int(single(params, "limit"), "limit", limits.default, 1, None),
                limits.maximum)  # larger limits are clamped, as Part 1 requires
    bbox_value = single(params, "bbox")
    filter_text = single(params, "filter")
    equals = tuple((n, v) for n in collection.attributes if (v := single(params, n)) is not None)
    return ItemsQuery(
        limit=limit,
        offset=parse_int(single(params, "offset"), "offset", 0, 0),
        bbox=parse_bbox(bbox_value) if bbox_value is not None else None,
        bbox_crs=parse_crs(single(params, "bbox-crs"), srid, "bbox-crs"),
        crs=parse_crs(single(params, "crs"), srid),
        filter=parse_filter(filter_text, single(params, "filter-lang"))
        if filter_text is not None else None,
        filter_crs=parse_crs(single(params, "filter-crs"), srid, "filter-crs"),
        datetime=parse_datetime(single(params, "datetime"), collection),
        sortby=parse_sortby(single(params, "sortby"), collection),
        properties=_properties(params, collection),
        skip_geometry=parse_bool(single(params, "skipGeometry"), "skipGeometry"),
        equals=equals,
    )


def _properties(params: Mapping[str, Sequence[str]], collection: Collection) -> tuple[str, ...]:
    chosen = parse_names(single(params, "properties"), collection, "properties")
    return tuple(collection.attributes) if chosen is None else chosen


def parse_item_query(params: Mapping[str, Sequence[str]], collection: Collection) -> ItemsQuery:
    check_known(params, ITEM_PARAMETERS)
    return ItemsQuery(
        limit=1,
        crs=parse_crs(single(params, "crs"), collection.layer.storage_srid),
        properties=_properties(params, collection),
        skip_geometry=parse_bool(single(params, "skipGeometry"), "skipGeometry"),
    )


def multi_params(items: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in items:
        found.setdefault(key, []).append(value)
    return found
