"""The Frictionless Table Schema of a table: inferred from a file, stored with each version,
and the contract every later load is parsed against.

Inference picks, per column, the narrowest type every present value fits: integer, number
(decimal point, or decimal comma with an optional ``.``/space thousands separator, as
written in Belgium and the Netherlands), boolean (true/false, oui/non, ja/nee, yes/no),
date and datetime (ISO, or day first: ``31/12/2024``, ``31-12-2024``, ``31.12.2024``, with
an optional ``HH:MM[:SS]``), else string. The choices are written in the schema itself
(``decimalChar``, ``groupChar``, ``format`` as a strptime pattern, ``trueValues``), so a
reload parses by the schema, never by guessing again: a value that does not fit is an
error naming the row as in the file, the column, the value and the type expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from gis.errors import IngestError
from gis.tables.reader import Cell, RawTable

MISSING_VALUES = ("", "NA", "N/A", "n/a", "-")
TRUE_VALUES = ("true", "True", "TRUE", "oui", "Oui", "OUI", "ja", "Ja", "JA", "yes", "Yes")
FALSE_VALUES = ("false", "False", "FALSE", "non", "Non", "NON", "nee", "Nee", "NEE", "no",
                "No")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
DATETIME_FORMATS = tuple(f"{d}{sep}{t}" for d in DATE_FORMATS for sep in (" ", "T")
                         for t in ("%H:%M:%S", "%H:%M"))
INTEGER = re.compile(r"^[+-]?\d+$")
POINT_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
COMMA_NUMBER = re.compile(r"^[+-]?(\d{1,3}([. \u00a0]\d{3})+|\d+),\d+$|^[+-]?\d+,\d*$")
COMMA_GROUPED_INTEGER = re.compile(r"^[+-]?\d{1,3}([ \u00a0]\d{3})+$")

#: Table Schema type -> PostgreSQL type of the stored column (constants, never file text)
SQL_TYPES = {"integer": "bigint", "number": "double precision", "boolean": "boolean",
             "date": "date", "datetime": "timestamp", "time": "time", "string": "text"}


def infer_schema(table: RawTable) -> dict[str, Any]:
    """A Table Schema for ``table`` (one field per header name, in order)."""
    fields = [_infer_field(name, [row[i] for row in table.rows])
              for i, name in enumerate(table.header)]
    return {"fields": fields, "missingValues": list(MISSING_VALUES)}


def _texts(values: Sequence[Cell]) -> list[str]:
    return [v.strip() for v in values if isinstance(v, str) and v.strip() not in MISSING_VALUES]


def _infer_field(name: str, values: Sequence[Cell]) -> dict[str, Any]:
    """The narrowest field type all present values of a column fit."""
    present = [v for v in values if v is not None and not (
        isinstance(v, str) and v.strip() in MISSING_VALUES)]
    typed = [v for v in present if not isinstance(v, str)]
    texts = _texts(present)
    if typed and not texts:
        return {"name": name, "type": _native_type(typed)}
    if typed:  # a spreadsheet column mixing typed cells and text: text
        return {"name": name, "type": "string"}
    for candidate in (_as_integer, _as_number, _as_boolean, _as_date, _as_datetime):
        found = candidate(texts)
        if found is not None:
            return {"name": name, **found}
    return {"name": name, "type": "string"}


def _native_type(values: Sequence[Cell]) -> str:
    """The type of spreadsheet cells that already carry one."""
    kinds = {type(v) for v in values}
    if kinds <= {bool}:
        return "boolean"
    if kinds <= {int} or (kinds <= {int, float} and all(float(v).is_integer()  # type: ignore[arg-type]
                                                        for v in values)):
        return "integer"
    if kinds <= {int, float}:
        return "number"
    if kinds <= {date}:
        return "date"
    if kinds <= {date, datetime}:
        return "datetime"
    if kinds <= {time}:
        return "time"
    return "string"


def _as_integer(texts: list[str]) -> dict[str, Any] | None:
    if texts and all(INTEGER.match(t) for t in texts):
        return {"type": "integer"}
    return None


def _as_number(texts: list[str]) -> dict[str, Any] | None:
    if not texts:
        return None
    if all(POINT_NUMBER.match(t) for t in texts):
        return {"type": "number"}
    if all(COMMA_NUMBER.match(t) or INTEGER.match(t) or COMMA_GROUPED_INTEGER.match(t)
           for t in texts):
        groups = {m for t in texts for m in re.findall(r"\d([. \u00a0])\d{3}", t)}
        field: dict[str, Any] = {"type": "number", "decimalChar": ","}
        if len(groups) == 1:
            field["groupChar"] = groups.pop()
        return field
    return None


def _as_boolean(texts: list[str]) -> dict[str, Any] | None:
    if texts and all(t in TRUE_VALUES or t in FALSE_VALUES for t in texts):
        return {"type": "boolean", "trueValues": list(TRUE_VALUES),
                "falseValues": list(FALSE_VALUES)}
    return None


def _first_format(texts: list[str], formats: Sequence[str],
                  parse: Callable[[str, str], object]) -> str | None:
    for pattern in formats:
        try:
            for text in texts:
                parse(text, pattern)
        except ValueError:
            continue
        return pattern
    return None


def _as_date(texts: list[str]) -> dict[str, Any] | None:
    pattern = _first_format(texts, DATE_FORMATS, datetime.strptime) if texts else None
    return {"type": "date", "format": pattern} if pattern else None


def _as_datetime(texts: list[str]) -> dict[str, Any] | None:
    pattern = _first_format(texts, DATETIME_FORMATS, datetime.strptime) if texts else None
    return {"type": "datetime", "format": pattern} if pattern else None


# --- parsing by a schema -------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    """One field of a stored schema, ready to convert cells."""

    name: str
    type: str
    spec: dict[str, Any]

    @property
    def sql_type(self) -> str:
        return SQL_TYPES.get(self.type, "text")

    def describe(self) -> str:
        extra = self.spec.get("format") or (
            f"decimal {self.spec['decimalChar']!r}" if "decimalChar" in self.spec else None)
        return f"{self.type} ({extra})" if extra else self.type


def fields_of(schema: dict[str, Any]) -> list[Field]:
    return [Field(f["name"], f.get("type", "string"), f) for f in schema["fields"]]


def parse_rows(table: RawTable, schema: dict[str, Any], version: int | None = None
               ) -> list[list[Any]]:
    """The rows converted by ``schema``; `IngestError` at the first cell that does not fit,
    naming its row (as in the file), column, value and the type expected."""
    fields = fields_of(schema)
    _check_header(table, fields, version)
    missing = set(schema.get("missingValues", MISSING_VALUES))
    converters = [_converter(f) for f in fields]
    out: list[list[Any]] = []
    for number, row in zip(table.numbers, table.rows, strict=True):
        values: list[Any] = []
        for field, convert, cell in zip(fields, converters, row, strict=True):
            if cell is None or (isinstance(cell, str) and cell.strip() in missing):
                values.append(None)
                continue
            try:
                values.append(convert(cell))
            except (ValueError, TypeError, OverflowError):
                whose = f"the stored schema of version {version}" if version else "the schema"
                raise IngestError(
                    table.source,
                    f"column {field.name!r}: {cell!r} is not a {field.describe()} "
                    f"({whose} says so)", where=f"row {number:,}") from None
        out.append(values)
    return out


def _check_header(table: RawTable, fields: list[Field], version: int | None) -> None:
    expected = [f.name for f in fields]
    if table.header == expected:
        return
    missing = [n for n in expected if n not in table.header]
    extra = [n for n in table.header if n not in expected]
    whose = f"version {version}'s schema" if version else "the schema"
    detail = "; ".join(part for part in (
        f"missing {', '.join(map(repr, missing))}" if missing else "",
        f"unexpected {', '.join(map(repr, extra))}" if extra else "",
        "same columns in another order" if not (missing or extra) else "") if part)
    raise IngestError(table.source, f"the columns differ from {whose} ({detail}); pass "
                      "--new-schema to publish a table with other columns", where="header")


def _converter(field: Field) -> Callable[[Cell], Any]:
    return {"integer": _integer, "number": lambda c: _number(c, field.spec),
            "boolean": lambda c: _boolean(c, field.spec),
            "date": lambda c: _date(c, field.spec), "datetime": lambda c: _datetime(c, field.spec),
            "time": _time, "string": _string}.get(field.type, _string)


def _string(cell: Cell) -> str:
    if isinstance(cell, datetime | date | time):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _integer(cell: Cell) -> int:
    if isinstance(cell, bool):
        raise ValueError(cell)
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        if not cell.is_integer():
            raise ValueError(cell)
        return int(cell)
    text = str(cell).strip()
    if not INTEGER.match(text):
        raise ValueError(text)
    return int(text)


def _number(cell: Cell, spec: dict[str, Any]) -> float:
    if isinstance(cell, bool):
        raise ValueError(cell)
    if isinstance(cell, int | float):
        return float(cell)
    text = str(cell).strip()
    group = spec.get("groupChar")
    if group:
        text = text.replace(group, "")
    if spec.get("decimalChar", ".") == ",":
        if "." in text and group != ".":
            raise ValueError(text)
        text = text.replace(",", ".")
    if not POINT_NUMBER.match(text):
        raise ValueError(text)
    return float(text)


def _boolean(cell: Cell, spec: dict[str, Any]) -> bool:
    if isinstance(cell, bool):
        return cell
    text = str(cell).strip()
    if text in spec.get("trueValues", TRUE_VALUES):
        return True
    if text in spec.get("falseValues", FALSE_VALUES):
        return False
    raise ValueError(text)


def _date(cell: Cell, spec: dict[str, Any]) -> date:
    if isinstance(cell, datetime):
        if cell.time() != time(0):
            raise ValueError(cell)
        return cell.date()
    if isinstance(cell, date):
        return cell
    return datetime.strptime(str(cell).strip(), spec.get("format") or "%Y-%m-%d").date()


def _datetime(cell: Cell, spec: dict[str, Any]) -> datetime:
    if isinstance(cell, datetime):
        return cell
    if isinstance(cell, date):
        return datetime.combine(cell, time(0))
    pattern = spec.get("format")
    if pattern:
        return datetime.strptime(str(cell).strip(), pattern)
    return datetime.fromisoformat(str(cell).strip())


def _time(cell: Cell) -> time:
    if isinstance(cell, time):
        return cell
    return time.fromisoformat(str(cell).strip())
