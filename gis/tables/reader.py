"""Reading a table file into a header and rows, each row with its number as in the file.

CSV: the encoding is UTF-8 (with or without BOM) when the bytes decode as such, else the
best of the encodings Belgian and Dutch offices produce (cp1252, latin-1, cp850); the
delimiter is sniffed among ``; , TAB |``. Spreadsheets (XLSX, XLS, ODS) are read with
python-calamine: the first sheet, its first non-empty row is the header. A header made of
merged cells is refused: a merged cell names several columns, so no column has a name.
Numbers are the file's row numbers (a spreadsheet's 1-based row, a CSV's physical line), so
an error message points where the user looks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from gis.errors import IngestError

Cell = str | int | float | bool | date | datetime | time | None

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
DELIMITERS = ";,\t|"
FALLBACK_ENCODINGS = ("cp1252", "latin-1")
SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class RawTable:
    """A table as read: names from the header, cells as the file holds them (CSV: text)."""

    source: str
    header: list[str]
    rows: list[list[Cell]]
    #: the file's number of each row (1-based line or spreadsheet row)
    numbers: list[int]
    encoding: str | None = None
    delimiter: str | None = None


def read_table(path: Path, label: str | None = None) -> RawTable:
    """The table in ``path``; `IngestError` naming the file for anything unreadable."""
    name = label or str(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise IngestError(name, "no such file")
    if suffix in SHEET_SUFFIXES:
        return _read_sheet(path, name)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path.read_bytes(), name)
    raise IngestError(name, f"unknown table format {suffix!r}: give a .csv, .xlsx or .ods file")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding): UTF-8 when valid, else cp1252 (undefined bytes: latin-1)."""
    for encoding in ("utf-8-sig", *FALLBACK_ENCODINGS):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise IngestError(name, "the file's encoding is neither UTF-8 nor cp1252")


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV sample: the sniffer's, else the most frequent candidate of the
    header line (a one-column file has none: ``,``)."""
    sample = text[:SNIFF_BYTES]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _read_csv(data: bytes, name: str) -> RawTable:
    text, encoding = decode(data, name)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[list[Cell]] = []
    numbers: list[int] = []
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        if header is None:
            header = _header([c.strip() for c in record], name, reader.line_num)
            continue
        if len(record) != len(header):
            raise IngestError(name, f"{len(record)} fields where the header has "
                              f"{len(header)} (delimiter {delimiter!r})",
                              where=f"line {reader.line_num}")
        rows.append(list(record))
        numbers.append(reader.line_num)
    if header is None:
        raise IngestError(name, "the file is empty")
    return RawTable(name, header, rows, numbers, encoding, delimiter)


def _header(names: Sequence[str], name: str, line: int) -> list[str]:
    """Every column needs a distinct, non-empty name."""
    for position, value in enumerate(names, start=1):
        if not value:
            raise IngestError(name, f"column {position} of the header has no name",
                              where=f"line {line}")
    seen: set[str] = set()
    for value in names:
        if value in seen:
            raise IngestError(name, f"two columns are named {value!r}", where=f"line {line}")
        seen.add(value)
    return list(names)


def _read_sheet(path: Path, name: str) -> RawTable:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        cells = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except (CalamineError, OSError, ValueError) as exc:
        raise IngestError(name, f"not a readable spreadsheet ({exc})") from exc
    header_index = next((i for i, row in enumerate(cells)
                         if any(_present(v) for v in row)), None)
    if header_index is None:
        raise IngestError(name, "the first sheet is empty")
    for (top, left), (bottom, right) in merged:
        if top <= header_index <= bottom and right > left:
            raise IngestError(
                name, f"merged header cells {_cell(top, left)}:{_cell(bottom, right)}: "
                "give each column its own header cell (unmerge them)",
                where=f"sheet {sheet.name!r}, row {header_index + 1}")
    raw_header = list(cells[header_index])
    while raw_header and not _present(raw_header[-1]):
        raw_header.pop()
    header = _header([str(v).strip() if v is not None else "" for v in raw_header], name,
                     header_index + 1)
    rows: list[list[Cell]] = []
    numbers: list[int] = []
    for index in range(header_index + 1, len(cells)):
        row = [_value(v) for v in list(cells[index])[:len(header)]]
        if not any(_present(v) for v in row):
            continue
        row += [None] * (len(header) - len(row))
        rows.append(row)
        numbers.append(index + 1)
    return RawTable(name, header, rows, numbers)


def _value(value: object) -> Cell:
    """A spreadsheet cell as a `Cell` (empty: None; a duration: its text)."""
    if value is None or value == "":
        return None
    if isinstance(value, str | int | float | bool | date | datetime | time):
        return value
    return str(value)


def _present(value: object) -> bool:
    return value is not None and value != ""


def _cell(row: int, column: int) -> str:
    """A1 notation of 0-based (row, column)."""
    letters = ""
    column += 1
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return f"{letters}{row + 1}"
