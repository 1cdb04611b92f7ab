"""Time in queries: CQL2's temporal functions and Part 1's ``datetime``, compiled by us.

pygeofilter 0.3's CQL2-text grammar has no temporal functions nor ``INTERVAL``, and its
CQL2-JSON parser reads ``T_INTERSECTS`` as ``T_OVERLAPS`` and misses five operators: answers
built on it would be wrong. So the temporal predicates are taken out of the filter before
pygeofilter sees it (`extract_text`, `extract_json`), each replaced by a placeholder
comparison, and compiled here from their definitions in CQL2 (OGC 21-065, table 7): every
operand is an interval [start, end] -- an instant is [t, t], an open end ``'..'`` is
unbounded -- and each operator is its Allen relation over those ends.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Date, DateTime, and_, cast, false, func, literal, or_, true
from sqlalchemy.sql.elements import BindParameter

from twin.errors import InvalidFilter

#: the CQL2 temporal operators (conformance class temporal-functions)
OPERATORS = frozenset({
    "t_after", "t_before", "t_contains", "t_disjoint", "t_during", "t_equals", "t_finishedby",
    "t_finishes", "t_intersects", "t_meets", "t_metby", "t_overlappedby", "t_overlaps",
    "t_startedby", "t_starts",
})
#: the name of the placeholder property standing for temporal predicate ``n`` in a filter
PLACEHOLDER = "twin:temporal:{}"

Instant = date | datetime
Side = Literal["start", "end"]


@dataclass(frozen=True)
class Property:
    name: str


@dataclass(frozen=True)
class Interval:
    """[start, end]; None is an open end (``'..'``)."""

    start: Instant | Property | None
    end: Instant | Property | None


Operand = Instant | Property | Interval


@dataclass(frozen=True)
class TemporalPredicate:
    operator: str
    lhs: Operand
    rhs: Operand


# --- literals -----------------------------------------------------------------------------
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_instant(text: str, kind: Literal["date", "timestamp", "any"] = "any",
                  where: str = "filter") -> Instant:
    """An RFC 3339 date or timestamp (``where`` names the parameter in the error)."""
    try:
        if _DATE.match(text) and kind != "timestamp":
            return date.fromisoformat(text)
        if kind == "date":
            raise ValueError("not a date")
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        expected = "instant" if kind == "any" else kind
        raise InvalidFilter(f"{where}: {text!r} is not an RFC 3339 {expected}") from None


def _interval_end(text: str, where: str) -> Instant | None:
    return None if text == ".." else parse_instant(text, where=where)


def parse_datetime_parameter(value: str) -> Interval:
    """Part 1's ``datetime``: an instant (``[t, t]``) or an interval with open ends."""
    parts = value.split("/")
    if len(parts) == 1:
        instant = parse_instant(parts[0], where="datetime")
        return Interval(instant, instant)
    if len(parts) != 2 or parts == ["..", ".."] or "" in parts:
        raise InvalidFilter(f"datetime: {value!r} is not an RFC 3339 instant or interval")
    return Interval(_interval_end(parts[0], "datetime"), _interval_end(parts[1], "datetime"))


# --- CQL2-JSON ------------------------------------------------------------------------------
def _json_bound(node: Any) -> Instant | Property | None:
    if node == "..":
        return None
    if isinstance(node, str):
        return parse_instant(node)
    operand = _json_operand(node)
    if isinstance(operand, Interval):
        raise InvalidFilter("filter: an interval cannot bound an interval")
    return operand


def _json_operand(node: Any) -> Operand:
    if isinstance(node, dict) and len(node) == 1:
        (key, value), = node.items()
        if key == "property" and isinstance(value, str):
            return Property(value)
        if key == "date" and isinstance(value, str):
            return parse_instant(value, "date")
        if key == "timestamp" and isinstance(value, str):
            return parse_instant(value, "timestamp")
        if key == "interval" and isinstance(value, list) and len(value) == 2:
            return Interval(_json_bound(value[0]), _json_bound(value[1]))
    raise InvalidFilter(f"filter: {json.dumps(node)[:80]} is not a temporal operand "
                        "(property, date, timestamp or interval)")


def extract_json(node: Any, found: list[TemporalPredicate]) -> Any:
    """``node`` with every temporal predicate replaced by a placeholder comparison, the
    predicates appended to ``found`` in order."""
    if isinstance(node, dict):
        op = node.get("op")
        if isinstance(op, str) and op.lower() in OPERATORS:
            args = node.get("args")
            if not isinstance(args, list) or len(args) != 2:
                raise InvalidFilter(f"filter: {op} takes two operands")
            found.append(TemporalPredicate(op.lower(), _json_operand(args[0]),
                                           _json_operand(args[1])))
            return {"op": "=", "args": [{"property": PLACEHOLDER.format(len(found) - 1)}, 0]}
        return {key: extract_json(value, found) for key, value in node.items()}
    if isinstance(node, list):
        return [extract_json(value, found) for value in node]
    return node


# --- CQL2-text ------------------------------------------------------------------------------
_TEXT_OPERATOR = re.compile(r"\b(T_[A-Z]+)\s*\(", re.IGNORECASE)
_CALL = re.compile(r"^(DATE|TIMESTAMP|INTERVAL)\s*\((.*)\)$", re.IGNORECASE | re.DOTALL)
_QUOTED = re.compile(r"^'((?:[^']|'')*)'$")
_IDENTIFIER = re.compile(r'^(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_:.]*))$')


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every single- or double-quoted run ('' and "" escape their quote)."""
    spans, index = [], 0
    while index < len(text):
        quote = text[index]
        if quote in "'\"":
            end = index + 1
            while end < len(text):
                if text[end] == quote:
                    if end + 1 < len(text) and text[end + 1] == quote:
                        end += 2
                        continue
                    break
                end += 1
            spans.append((index, end))
            index = end + 1
        else:
            index += 1
    return spans


def _split_arguments(text: str) -> list[str]:
    """Top-level comma-separated arguments (commas in quotes or parentheses stay)."""
    quoted = quoted_spans(text)
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if any(a <= index <= b for a, b in quoted):
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index].strip())
            start = index + 1
    parts.append(text[start:].strip())
    return parts


def _closing(text: str, opening: int, quoted: list[tuple[int, int]]) -> int:
    depth = 0
    for index in range(opening, len(text)):
        if any(a <= index <= b for a, b in quoted):
            continue
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index
    raise InvalidFilter("filter: unbalanced parentheses in a temporal function")


def _text_string(text: str) -> str | None:
    found = _QUOTED.match(text)
    return found.group(1).replace("''", "'") if found else None


def _text_bound(text: str) -> Instant | Property | None:
    string = _text_string(text)
    if string is not None:
        return None if string == ".." else parse_instant(string)
    operand = _text_operand(text)
    if isinstance(operand, Interval):
        raise InvalidFilter("filter: an interval cannot bound an interval")
    return operand


def _text_operand(text: str) -> Operand:
    call = _CALL.match(text)
    if call:
        kind, inside = call.group(1).upper(), call.group(2)
        if kind == "INTERVAL":
            ends = _split_arguments(inside)
            if len(ends) != 2:
                raise InvalidFilter("filter: INTERVAL takes a start and an end")
            return Interval(_text_bound(ends[0]), _text_bound(ends[1]))
        string = _text_string(inside.strip())
        if string is None:
            raise InvalidFilter(f"filter: {kind} takes a quoted RFC 3339 value")
        return parse_instant(string, "date" if kind == "DATE" else "timestamp")
    name = _IDENTIFIER.match(text)
    if name:
        return Property((name.group(1) or "").replace('""', '"') or name.group(2))
    raise InvalidFilter(f"filter: {text[:60]!r} is not a temporal operand "
                        "(property, DATE, TIMESTAMP or INTERVAL)")


def extract_text(text: str, found: list[TemporalPredicate]) -> str:
    """``text`` with every temporal function replaced by a placeholder comparison."""
    while True:
        quoted = quoted_spans(text)
        match = next((m for m in _TEXT_OPERATOR.finditer(text)
                      if not any(a <= m.start() <= b for a, b in quoted)), None)
        if match is None:
            return text
        name = match.group(1).lower()
        if name not in OPERATORS:
            raise InvalidFilter(f"filter: function {match.group(1)} is not supported")
        opening = match.end() - 1
        closing = _closing(text, opening, quoted)
        args = _split_arguments(text[opening + 1:closing])
        if len(args) != 2:
            raise InvalidFilter(f"filter: {match.group(1)} takes two operands")
        found.append(TemporalPredicate(name, _text_operand(args[0]), _text_operand(args[1])))
        placeholder = '"' + PLACEHOLDER.format(len(found) - 1) + '" = 0'
        text = text[:match.start()] + placeholder + text[closing + 1:]


# --- compilation ----------------------------------------------------------------------------
Bound = ColumnElement[Any] | None  # None: unbounded (which side depends on the end)
Ends = tuple[Bound, Bound]
ColumnOf = Callable[[str], ColumnElement[Any]]


def _bound(value: Instant | Property | None, column: ColumnOf) -> Bound:
    if value is None:
        return None
    if isinstance(value, Property):
        return column(value.name)
    return literal(value)


def ends(operand: Operand, column: ColumnOf) -> Ends:
    """[start, end] of an operand as SQL (None = open)."""
    if isinstance(operand, Interval):
        return _bound(operand.start, column), _bound(operand.end, column)
    bound = _bound(operand, column)
    return bound, bound


def _less(a: Bound, a_side: Side, b: Bound, b_side: Side) -> ColumnElement[bool]:
    """a < b, where an open start is -infinity and an open end +infinity."""
    if a is None and b is None:
        return true() if (a_side, b_side) == ("start", "end") else false()
    if a is None:
        return true() if a_side == "start" else false()
    if b is None:
        return true() if b_side == "end" else false()
    return a < b


def _equal(a: Bound, a_side: Side, b: Bound, b_side: Side) -> ColumnElement[bool]:
    if a is None or b is None:
        return true() if (a is None and b is None and a_side == b_side) else false()
    return a == b


def _is_timestamp(bound: ColumnElement[Any]) -> bool:
    """A point on the time line (a timestamp literal or column), not a calendar date."""
    if isinstance(bound, BindParameter):
        return isinstance(bound.value, datetime)
    return isinstance(bound.type, DateTime)


def _utc_instant(bound: ColumnElement[Any]) -> ColumnElement[Any]:
    """``bound`` as a ``timestamptz``, placed on the time line in UTC.

    PostgreSQL would turn a ``date`` or a ``timestamp`` (without time zone) into a
    ``timestamptz`` in the session's ``TimeZone``, so the same filter would answer differently
    on servers set to different zones. Here a date is its midnight UTC and a timestamp
    without zone is read as UTC (as `twin.ogc.core` renders the temporal extent); a
    ``timestamptz`` is already an instant.
    """
    utc = DateTime(timezone=True)
    if isinstance(bound, BindParameter):
        value = bound.value
        if isinstance(value, datetime):
            return literal(value if value.tzinfo else value.replace(tzinfo=UTC), utc)
        if isinstance(value, date):
            return literal(datetime(value.year, value.month, value.day, tzinfo=UTC), utc)
        return bound
    if isinstance(bound.type, Date):
        return func.timezone(literal("UTC"), cast(bound, DateTime()), type_=utc)
    if isinstance(bound.type, DateTime) and not bound.type.timezone:
        return func.timezone(literal("UTC"), bound, type_=utc)
    return bound


def comparable(*bounds: Bound) -> list[Bound]:
    """Bounds compared with one another: dates among dates stay dates (exact days); once a
    timestamp is involved, every bound becomes a UTC instant (`_utc_instant`)."""
    if not any(bound is not None and _is_timestamp(bound) for bound in bounds):
        return list(bounds)
    return [None if bound is None else _utc_instant(bound) for bound in bounds]


def relation(operator: str, a: Ends, b: Ends) -> ColumnElement[bool]:
    """The CQL2 temporal operator over intervals ``a`` and ``b`` (table 7 of OGC 21-065)."""
    a0, a1, b0, b1 = comparable(*a, *b)

    def lt(x: Bound, xs: Side, y: Bound, ys: Side) -> ColumnElement[bool]:
        return _less(x, xs, y, ys)

    def eq(x: Bound, xs: Side, y: Bound, ys: Side) -> ColumnElement[bool]:
        return _equal(x, xs, y, ys)

    rules: dict[str, Callable[[], ColumnElement[bool]]] = {
        "t_after": lambda: lt(b1, "end", a0, "start"),
        "t_before": lambda: lt(a1, "end", b0, "start"),
        "t_contains": lambda: and_(lt(a0, "start", b0, "start"), lt(b1, "end", a1, "end")),
        "t_disjoint": lambda: or_(lt(b1, "end", a0, "start"), lt(a1, "end", b0, "start")),
        "t_during": lambda: and_(lt(b0, "start", a0, "start"), lt(a1, "end", b1, "end")),
        "t_equals": lambda: and_(eq(a0, "start", b0, "start"), eq(a1, "end", b1, "end")),
        "t_finishedby": lambda: and_(lt(a0, "start", b0, "start"), eq(a1, "end", b1, "end")),
        "t_finishes": lambda: and_(lt(b0, "start", a0, "start"), eq(a1, "end", b1, "end")),
        "t_intersects": lambda: and_(~lt(b1, "end", a0, "start"),
                                     ~lt(a1, "end", b0, "start")),
        "t_meets": lambda: eq(a1, "end", b0, "start"),
        "t_metby": lambda: eq(a0, "start", b1, "end"),
        "t_overlappedby": lambda: and_(lt(b0, "start", a0, "start"),
                                       lt(a0, "start", b1, "end"), lt(b1, "end", a1, "end")),
        "t_overlaps": lambda: and_(lt(a0, "start", b0, "start"), lt(b0, "start", a1, "end"),
                                   lt(a1, "end", b1, "end")),
        "t_startedby": lambda: and_(eq(a0, "start", b0, "start"), lt(b1, "end", a1, "end")),
        "t_starts": lambda: and_(eq(a0, "start", b0, "start"), lt(a1, "end", b1, "end")),
    }
    return rules[operator]()
