"""CQL2 (text and JSON) to SQLAlchemy expressions over validated columns, never SQL text.

pygeofilter parses the filter into an AST; this module compiles the subset we declare
(basic-cql2, advanced-comparison-operators, case- and accent-insensitive comparison, basic
and full spatial functions, temporal functions) against the collection's known attributes.
Temporal predicates are taken out before pygeofilter parses (its grammar lacks them, see
`twin.ogc.temporal`) and compiled from their CQL2 definitions; ACCENTI is PostgreSQL's
``unaccent`` (migration 0009), CASEI ``lower``. Property names are looked up in the
collection's column list and values always travel as bound parameters, so a filter cannot
inject SQL. Anything else is an `InvalidFilter` (a 400).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import shapely.errors
import shapely.geometry
from lark.exceptions import LarkError
from pygeofilter import ast, values
from pygeofilter.parsers.cql2_json import parse as parse_json
from pygeofilter.parsers.cql2_json.parser import BINARY_OP_PREDICATES_MAP
from pygeofilter.parsers.cql2_text import parse as parse_text
from sqlalchemy import ColumnElement, Date, DateTime, and_, false, func, literal, not_, or_, true
from sqlalchemy.sql.elements import BindParameter, ColumnClause

from twin.errors import InvalidFilter
from twin.ogc import temporal

GEOMETRY_NAMES = frozenset({"geometry", "geom"})
_NUMERIC = frozenset({"integer", "number"})

Column = Callable[[str], ColumnClause[Any]]
#: (stored geometry column, bound query geometry) for a literal of the filter (its CRS is
#: the filter-crs: the caller reprojects and binds it, `twin.ogc.sql.spatial_operands`)
GeometryColumn = Callable[[shapely.Geometry], tuple[ColumnElement[Any], ColumnElement[Any]]]
Box = tuple[float, float, float, float]
#: longitude, latitude (CRS84) and latitude, longitude (EPSG:4326) as written
LON_LAT_BOX: Box = (-180.0, -90.0, 180.0, 90.0)
LAT_LON_BOX: Box = (-90.0, -180.0, 90.0, 180.0)


@dataclass(frozen=True)
class Filter:
    """A parsed filter: pygeofilter's AST and the temporal predicates taken out of it (the
    AST holds a placeholder comparison for each, `temporal.PLACEHOLDER`)."""

    node: ast.Node
    temporal: tuple[temporal.TemporalPredicate, ...] = ()


def parse_filter(text: str, language: str | None) -> Filter:
    """A ``filter`` parameter in ``cql2-text`` (default) or ``cql2-json``."""
    language = language or "cql2-text"
    found: list[temporal.TemporalPredicate] = []
    try:
        if language == "cql2-text":
            rest, strings = _take_strings(temporal.extract_text(text, found))
            return Filter(_restore_strings(parse_text(rest), strings), tuple(found))
        if language == "cql2-json":
            document = temporal.extract_json(json.loads(text), found)
            return Filter(parse_json(_json_forms(_bbox_to_polygons(document))), tuple(found))
    except (LarkError, ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        raise InvalidFilter(f"filter: not valid {language}: {_first_line(exc)}") from exc
    raise InvalidFilter(f"filter-lang: {language!r} is not supported (cql2-text, cql2-json)")


#: stands for the n-th string literal pygeofilter cannot read (see `_take_strings`)
STRING_PLACEHOLDER = "twin:string:{}"


def _take_strings(text: str) -> tuple[str, list[str]]:
    """``text`` with each string literal holding a line break or an escaped quote (``''``)
    replaced by a placeholder literal, and those strings (unescaped).

    pygeofilter 0.3 reads a CQL2-text string as ``'.*?'``: a line break (valid in CQL2) is a
    parse error, and ``'it''s'`` ends at the second quote. Both are real values (parcel
    labels end in ``\r\n``), so filtering on them must work.
    """
    strings: list[str] = []
    parts, last = [], 0
    for start, end in temporal.quoted_spans(text):
        inside = text[start + 1:end]
        if text[start] != "'" or end >= len(text) or not (
                "''" in inside or "\n" in inside or "\r" in inside):
            continue
        strings.append(inside.replace("''", "'"))
        parts.append(text[last:start] + "'" + STRING_PLACEHOLDER.format(len(strings) - 1) + "'")
        last = end + 1
    return "".join(parts) + text[last:], strings


def _restore_strings(node: Any, strings: list[str]) -> Any:
    """The AST with the placeholders of `_take_strings` replaced by their strings."""
    if not strings:
        return node
    if isinstance(node, str):
        found = [i for i in range(len(strings)) if node == STRING_PLACEHOLDER.format(i)]
        return strings[found[0]] if found else node
    if isinstance(node, list):
        return [_restore_strings(item, strings) for item in node]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {f.name: _restore_strings(getattr(node, f.name), strings)
                   for f in dataclasses.fields(node)}
        return dataclasses.replace(node, **changes)
    return node


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


#: the CQL2-JSON ``op`` values pygeofilter's parser knows (others are CQL2 functions)
_PARSED_OPS = frozenset({"and", "or", "not", "isNull", "between", "like", "in", "casei",
                         *BINARY_OP_PREDICATES_MAP})


def _json_forms(node: Any) -> Any:
    """CQL2-JSON 1.0 forms pygeofilter misreads, rewritten to the ones it reads.

    ``between`` has three arguments in CQL2 1.0 (pygeofilter wants ``[value, [low, high]]``
    and failed on every valid one), and a function call is ``{"op": name, "args": [...]}``:
    pygeofilter only knows ``casei``, so ``accenti`` and any other function became a parse
    error. They are passed on as pygeofilter's function node, so the compiler applies
    ACCENTI or answers that the function (by name) is not supported.
    """
    if isinstance(node, list):
        return [_json_forms(value) for value in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_forms(value) for key, value in node.items()}
    op, args = node.get("op"), node.get("args")
    if isinstance(op, str) and isinstance(args, list):
        if op == "between" and len(args) == 3:
            return {"op": op, "args": [args[0], [args[1], args[2]]]}
        if op not in _PARSED_OPS:
            return {"function": {"name": op, "arguments": args}}
    return node


def _bbox_to_polygons(node: Any) -> Any:
    """CQL2-JSON ``{"bbox": [...]}`` as a polygon (pygeofilter mis-reads bbox axis order)."""
    if isinstance(node, dict):
        if set(node) == {"bbox"} and isinstance(node["bbox"], list):
            box = [float(v) for v in node["bbox"]]
            if len(box) == 6:
                box = [box[0], box[1], box[3], box[4]]
            if len(box) != 4:
                raise ValueError("a bbox has 4 or 6 numbers")
            x1, y1, x2, y2 = box
            ring = [[x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y1]]
            return {"type": "Polygon", "coordinates": [ring]}
        return {k: _bbox_to_polygons(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_bbox_to_polygons(v) for v in node]
    return node


class Compiler:
    """Compiles one filter AST for one collection's columns."""

    def __init__(self, column: Column, types: dict[str, str], geometry: GeometryColumn,
                 temporal_columns: frozenset[str] = frozenset(),
                 predicates: tuple[temporal.TemporalPredicate, ...] = (),
                 coordinate_box: Box | None = None) -> None:
        self.column = column
        self.types = types
        self.geometry = geometry
        #: where a literal's coordinates can lie, as written (a geographic filter-crs), or None
        self.coordinate_box = coordinate_box
        #: the date and timestamp attributes, the only ones a temporal function takes
        self.temporal_columns = temporal_columns
        self.predicates = predicates

    def compile_filter(self, parsed: Filter) -> ColumnElement[bool]:
        """The WHERE of a parsed filter, its temporal predicates included."""
        self.predicates = parsed.temporal
        return self.compile(parsed.node)

    def temporal_column(self, name: str) -> ColumnElement[Any]:
        """A date or timestamp attribute; anything else in a temporal function is a 400."""
        if name not in self.types:
            raise InvalidFilter(f"filter: unknown property {name!r} (see queryables)")
        if name not in self.temporal_columns:
            raise InvalidFilter(f"filter: {name!r} is not a date or timestamp property")
        return self.column(name)

    def _temporal(self, index: int) -> ColumnElement[bool]:
        predicate = self.predicates[index]
        return temporal.relation(predicate.operator,
                                 temporal.ends(predicate.lhs, self.temporal_column),
                                 temporal.ends(predicate.rhs, self.temporal_column))

    def _placeholder(self, node: ast.Comparison) -> int | None:
        """The index of the temporal predicate a placeholder comparison stands for."""
        if isinstance(node.lhs, ast.Attribute):
            for index in range(len(self.predicates)):
                if node.lhs.name == temporal.PLACEHOLDER.format(index):
                    return index
        return None

    def compile(self, node: ast.Node | bool) -> ColumnElement[bool]:
        if isinstance(node, bool):  # CQL2's TRUE and FALSE are predicates too
            return true() if node else false()
        if isinstance(node, ast.And):
            return and_(self.compile(node.lhs), self.compile(node.rhs))
        if isinstance(node, ast.Or):
            return or_(self.compile(node.lhs), self.compile(node.rhs))
        if isinstance(node, ast.Not):
            return not_(self.compile(node.sub_node))
        if isinstance(node, ast.Include):
            return not_(true()) if node.not_ else true()
        if isinstance(node, ast.Comparison):
            index = self._placeholder(node)
            return self._temporal(index) if index is not None else self._comparison(node)
        if isinstance(node, ast.SpatialComparisonPredicate):
            return self._spatial(node)
        return self._predicate(node)

    def _predicate(self, node: ast.Node) -> ColumnElement[bool]:
        if isinstance(node, ast.Between):
            value, low, high = _operands(self.value(node.lhs), self.value(node.low),
                                         self.value(node.high))
            expr = value.between(low, high)
            return not_(expr) if node.not_ else expr
        if isinstance(node, ast.Like):
            return self._like(node)
        if isinstance(node, ast.In):
            lhs, *items = _operands(self.value(node.lhs), *map(self.value, node.sub_nodes))
            member = lhs.in_(items)
            return not_(member) if node.not_ else member
        if isinstance(node, ast.IsNull):
            lhs = self.value(node.lhs)
            return lhs.is_not(None) if node.not_ else lhs.is_(None)
        if isinstance(node, ast.Function):
            raise InvalidFilter(f"filter: function {node.name!r} is not supported as a "
                                "predicate")
        raise InvalidFilter(f"filter: {type(node).__name__} is not supported by this server")

    def _like(self, node: ast.Like) -> ColumnElement[bool]:
        if not isinstance(node.pattern, str | ast.Function):
            raise InvalidFilter("filter: LIKE needs a text pattern")
        lhs = self.value(node.lhs)
        pattern: Any = node.pattern if isinstance(node.pattern, str) else self.value(
            node.pattern)
        expr = lhs.ilike(pattern) if node.nocase else lhs.like(pattern)
        return not_(expr) if node.not_ else expr

    def _comparison(self, node: ast.Comparison) -> ColumnElement[bool]:
        self._check_types(node.lhs, node.rhs)
        lhs, rhs = _operands(self.value(node.lhs), self.value(node.rhs))
        operators: dict[str, Callable[[Any, Any], ColumnElement[bool]]] = {
            "=": lambda a, b: a == b, "<>": lambda a, b: a != b, "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
        }
        return operators[node.op.value](lhs, rhs)

    def _check_types(self, lhs: Any, rhs: Any) -> None:
        for attribute, value in ((lhs, rhs), (rhs, lhs)):
            if isinstance(attribute, ast.Attribute) and attribute.name in self.types:
                kind = self.types[attribute.name]
                if kind in _NUMERIC and isinstance(value, str):
                    raise InvalidFilter(f"filter: {attribute.name!r} is a number, not text")
                if kind == "string" and isinstance(value, bool | int | float):
                    raise InvalidFilter(f"filter: {attribute.name!r} is text, not a number")

    def value(self, node: Any) -> ColumnElement[Any]:
        """A scalar operand: a known property, a function of one, or a bound literal."""
        if isinstance(node, ast.Attribute):
            if node.name not in self.types:
                raise InvalidFilter(f"filter: unknown property {node.name!r} (see queryables)")
            return self.column(node.name)
        if isinstance(node, ast.Function):
            return self._function(node)
        if isinstance(node, bool | int | float | str | datetime | date):
            return literal(node)
        raise InvalidFilter(f"filter: operand {type(node).__name__} is not supported")

    def _function(self, node: ast.Function) -> ColumnElement[Any]:
        name = node.name.lower()
        if name in ("lower", "casei", "accenti") and len(node.arguments) == 1:
            argument = self._text_argument(node.name, node.arguments[0])
            return func.lower(argument) if name != "accenti" else func.unaccent(argument)
        raise InvalidFilter(f"filter: function {node.name!r} is not supported")

    def _text_argument(self, function: str, node: Any) -> ColumnElement[Any]:
        """CASEI and ACCENTI apply to text: a string property, a string, or one of them."""
        if isinstance(node, ast.Attribute) and node.name in self.types and (
                self.types[node.name] != "string" or node.name in self.temporal_columns):
            raise InvalidFilter(f"filter: {function.upper()} needs text; {node.name!r} is not")
        if isinstance(node, bool | int | float | date):
            raise InvalidFilter(f"filter: {function.upper()} needs text, not {node!r}")
        return self.value(node)

    def _spatial(self, node: ast.SpatialComparisonPredicate) -> ColumnElement[bool]:
        lhs, rhs = node.lhs, node.rhs
        if not _is_geometry_attribute(lhs):
            lhs, rhs = rhs, lhs
        if not _is_geometry_attribute(lhs):
            raise InvalidFilter("filter: a spatial predicate needs the 'geometry' property")
        column, other = self.geometry(self._geometry_literal(rhs))
        name = f"ST_{node.op.value.capitalize()}"
        result: ColumnElement[bool] = getattr(func, name)(column, other)
        return result

    def _geometry_literal(self, node: Any) -> shapely.Geometry:
        if isinstance(node, values.Geometry):
            try:
                shape = shapely.geometry.shape(node.geometry)
            except (ValueError, TypeError, AttributeError, shapely.errors.ShapelyError) as exc:
                raise InvalidFilter(f"filter: invalid geometry: {_first_line(exc)}") from exc
            self._check_coordinates(shapely.get_coordinates(shape).tolist())
            return shape
        if isinstance(node, values.Envelope):
            corners = [(float(node.x1), float(node.y1)), (float(node.x2), float(node.y2))]
            self._check_coordinates(corners)
            return shapely.box(*corners[0], *corners[1])
        if isinstance(node, ast.Function) and node.name.lower() == "bbox":
            box = [float(v) for v in node.arguments]
            if len(box) == 6:
                box = [box[0], box[1], box[3], box[4]]
            if len(box) != 4:
                raise InvalidFilter("filter: BBOX takes 4 or 6 numbers")
            self._check_coordinates([(box[0], box[1]), (box[2], box[3])])
            return shapely.box(*box)
        raise InvalidFilter("filter: the second operand of a spatial predicate is not a geometry")

    def _check_coordinates(self, points: list[Any]) -> None:
        """In a geographic filter-crs, a coordinate beyond +-180/+-90 is no place on Earth:
        matching nothing would answer a question that was never asked (Part 3 tests expect
        a 400, /conf/filter/filter-crs-wgs84)."""
        if self.coordinate_box is None:
            return
        x1, y1, x2, y2 = self.coordinate_box
        for point in points:
            x, y = float(point[0]), float(point[1])
            if not (x1 <= x <= x2 and y1 <= y <= y2):
                raise InvalidFilter(f"filter: coordinate ({x:g}, {y:g}) is outside the range "
                                    f"of the filter CRS ({x1:g}..{x2:g}, {y1:g}..{y2:g})")


def _is_geometry_attribute(node: Any) -> bool:
    return isinstance(node, ast.Attribute) and node.name in GEOMETRY_NAMES


def _is_time(value: ColumnElement[Any]) -> bool:
    if isinstance(value, BindParameter):
        return isinstance(value.value, date)  # datetime is a date too
    return isinstance(value.type, Date | DateTime)


def _operands(first: ColumnElement[Any], *others: ColumnElement[Any]
              ) -> list[ColumnElement[Any]]:
    """The operands of one comparison (``=``, BETWEEN, IN) made comparable: times (dates,
    timestamps) on one footing whatever the session's time zone (`temporal.comparable`),
    otherwise each literal beside the first operand in its column's type."""
    if all(_is_time(value) for value in (first, *others)):
        return [value for value in temporal.comparable(first, *others) if value is not None]
    return [_typed_literal(first, others[0]) if len(others) == 1 else first,
            *(_typed_literal(value, first) for value in others)]


def _typed_literal(value: ColumnElement[Any], other: ColumnElement[Any]) -> ColumnElement[Any]:
    """A bound literal compared with a column takes the column's type (and SQL cast), so
    ``BEGINDATUM > '2012-01-01'`` compares timestamps, and a malformed one is a 400."""
    if isinstance(value, BindParameter) and isinstance(other, ColumnClause):
        return literal(value.value, other.type)
    return value
