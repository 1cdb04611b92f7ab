"""The SensorThings query options: an OData subset parsed into a small syntax tree.

``$filter`` has comparisons (eq ne gt ge lt le), ``and``/``or``/``not``, arithmetic (add sub
mul div mod), parentheses, the string functions (substringof, startswith, endswith, length,
indexof, tolower, toupper, trim, concat, substring), the date functions (year month day
hour minute second date time now) and round/floor/ceiling; property paths (``name``,
``properties/owner``, ``Datastream/Thing/name``); literals: 'strings' (quote doubled),
numbers, true/false/null and ISO 8601 instants. ``$expand`` nests options in parentheses
separated by ``;``. Errors are `SensorQueryError` naming the option and the position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gis.errors import SensorQueryError

COMPARISONS = frozenset({"eq", "ne", "gt", "ge", "lt", "le"})
ARITHMETIC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "mod": 2}
FUNCTIONS = frozenset({"substringof", "startswith", "endswith", "length", "indexof", "tolower",
                       "toupper", "trim", "concat", "substring", "year", "month", "day",
                       "hour", "minute", "second", "date", "time", "now", "round", "floor",
                       "ceiling", "contains"})
DEFAULT_TOP = 100
MAX_TOP = 10_000

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)
  | (?P<number>-?\d+(\.\d+)?([eE][+-]?\d+)?)
  | (?P<string>'(?:[^']|'')*')
  | (?P<name>[A-Za-z_@][A-Za-z0-9_.@]*(/[A-Za-z_@][A-Za-z0-9_.@]*)*)
  | (?P<punct>[(),])
""", re.VERBOSE)


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class Path:
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Binary:
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Not:
    operand: Expr


Expr = Literal | Path | Call | Binary | Not


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    at: int


def tokens(text: str, option: str) -> list[Token]:
    found: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise SensorQueryError(f"{option}: unexpected {text[position:position + 10]!r} at "
                                   f"character {position + 1}")
        kind = match.lastgroup or ""
        if kind != "space":
            found.append(Token(kind, match.group(), position))
        position = match.end()
    return found


class _Parser:
    """Recursive descent: or < and < not < comparison < additive < multiplicative < primary."""

    def __init__(self, text: str, option: str) -> None:
        self.option = option
        self.items = tokens(text, option)
        self.index = 0

    def error(self, what: str) -> SensorQueryError:
        token = self.peek()
        where = f"at character {token.at + 1}" if token else "at the end"
        return SensorQueryError(f"{self.option}: {what} {where}")

    def peek(self) -> Token | None:
        return self.items[self.index] if self.index < len(self.items) else None

    def word(self, *words: str) -> str | None:
        token = self.peek()
        if token is not None and token.kind == "name" and token.text.lower() in words:
            self.index += 1
            return token.text.lower()
        return None

    def punct(self, mark: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "punct" and token.text == mark:
            self.index += 1
            return True
        return False

    def expect(self, mark: str) -> None:
        if not self.punct(mark):
            raise self.error(f"expected {mark!r}")

    def parse(self) -> Expr:
        expr = self.or_()
        if self.peek() is not None:
            raise self.error("unexpected token")
        return expr

    def or_(self) -> Expr:
        left = self.and_()
        while self.word("or"):
            left = Binary("or", left, self.and_())
        return left

    def and_(self) -> Expr:
        left = self.not_()
        while self.word("and"):
            left = Binary("and", left, self.not_())
        return left

    def not_(self) -> Expr:
        if self.word("not"):
            return Not(self.not_())
        return self.comparison()

    def comparison(self) -> Expr:
        left = self.arithmetic(1)
        op = self.word(*COMPARISONS)
        return Binary(op, left, self.arithmetic(1)) if op else left

    def arithmetic(self, level: int) -> Expr:
        if level > 2:
            return self.primary()
        left = self.arithmetic(level + 1)
        while (op := self.word(*(k for k, v in ARITHMETIC.items() if v == level))):
            left = Binary(op, left, self.arithmetic(level + 1))
        return left

    def primary(self) -> Expr:
        token = self.peek()
        if token is None:
            raise self.error("expected a value")
        if self.punct("("):
            inner = self.or_()
            self.expect(")")
            return inner
        self.index += 1
        if token.kind == "string":
            return Literal(token.text[1:-1].replace("''", "'"))
        if token.kind == "number":
            text = token.text
            return Literal(float(text) if any(c in text for c in ".eE") else int(text))
        if token.kind == "datetime":
            return Literal(datetime.fromisoformat(token.text.replace("Z", "+00:00")))
        if token.kind == "name":
            return self.name(token)
        raise self.error(f"unexpected {token.text!r}")

    def name(self, token: Token) -> Expr:
        lowered = token.text.lower()
        if lowered in ("true", "false"):
            return Literal(lowered == "true")
        if lowered == "null":
            return Literal(None)
        if self.punct("("):
            if lowered not in FUNCTIONS:
                raise SensorQueryError(f"{self.option}: unknown function {token.text!r}")
            args: list[Expr] = []
            if not self.punct(")"):
                args.append(self.or_())
                while self.punct(","):
                    args.append(self.or_())
                self.expect(")")
            return Call(lowered, tuple(args))
        return Path(tuple(token.text.split("/")))


def parse_filter(text: str) -> Expr:
    return _Parser(text, "$filter").parse()


# --- query options -------------------------------------------------------------------------
@dataclass(frozen=True)
class Order:
    expr: Expr
    descending: bool


@dataclass(frozen=True)
class Expand:
    path: tuple[str, ...]
    options: Options


@dataclass(frozen=True)
class Options:
    filter: Expr | None = None
    orderby: tuple[Order, ...] = ()
    top: int = DEFAULT_TOP
    skip: int = 0
    count: bool = False
    select: tuple[str, ...] = ()
    expand: tuple[Expand, ...] = field(default_factory=tuple)
    #: the options as given (for @iot.nextLink)
    given: tuple[tuple[str, str], ...] = ()


KNOWN = ("$filter", "$orderby", "$top", "$skip", "$count", "$select", "$expand",
         "$resultFormat")


def split_top_level(text: str, separator: str) -> list[str]:
    """Split at ``separator`` outside parentheses and quotes."""
    parts: list[str] = []
    current: list[str] = []
    depth, quoted = 0, False
    for char in text:
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        if char == separator and depth == 0 and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _integer(option: str, text: str, maximum: int | None = None) -> int:
    if not text.strip().isdigit():
        raise SensorQueryError(f"{option}: {text!r} is not a non-negative integer")
    value = int(text)
    return min(value, maximum) if maximum is not None else value


def parse_options(given: dict[str, str]) -> Options:
    """The query options of a request (unknown ``$`` options are an error)."""
    for key in given:
        if key.startswith("$") and key not in KNOWN:
            raise SensorQueryError(f"unknown query option {key!r}")
    orderby: list[Order] = []
    for item in split_top_level(given.get("$orderby", ""), ","):
        words = item.rsplit(None, 1)
        descending = len(words) == 2 and words[1].lower() == "desc"
        text = words[0] if len(words) == 2 and words[1].lower() in ("asc", "desc") else item
        orderby.append(Order(_Parser(text, "$orderby").parse(), descending))
    count = given.get("$count", "false").lower()
    if count not in ("true", "false"):
        raise SensorQueryError("$count: true or false")
    return Options(
        filter=parse_filter(given["$filter"]) if given.get("$filter") else None,
        orderby=tuple(orderby),
        top=_integer("$top", given["$top"], MAX_TOP) if "$top" in given else DEFAULT_TOP,
        skip=_integer("$skip", given["$skip"]) if "$skip" in given else 0,
        count=count == "true",
        select=tuple(split_top_level(given.get("$select", ""), ",")),
        expand=tuple(_expand(item) for item in split_top_level(given.get("$expand", ""), ",")),
        given=tuple((k, v) for k, v in given.items() if k.startswith("$")),
    )


def _expand(item: str) -> Expand:
    """``Datastreams($top=1;$expand=Observations)`` or ``Datastreams/Observations``."""
    head, paren, rest = item.partition("(")
    options: dict[str, str] = {}
    if paren:
        if not rest.endswith(")"):
            raise SensorQueryError(f"$expand: unbalanced parentheses in {item!r}")
        for part in split_top_level(rest[:-1], ";"):
            key, equals, value = part.partition("=")
            if not equals:
                raise SensorQueryError(f"$expand: {part!r} is not $option=value")
            options[key.strip()] = value.strip()
    path = tuple(p for p in head.strip().split("/") if p)
    if not path:
        raise SensorQueryError(f"$expand: empty item in {item!r}")
    return Expand(path, parse_options(options))
