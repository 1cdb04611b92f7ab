"""Helpers of the table tests: messy files made on the fly, specs, loads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest_support import spec
from sqlalchemy import Engine

from gis.model import LayerSpec
from gis.tables.loader import TableLoadResult, ingest_table

BUDGET_HEADER = "article;libellé;montant;date_décision;approuvé"


def table_spec(layer_id: str, **overrides: Any) -> LayerSpec:
    return spec(layer_id, kind="table", **overrides)


def load_table(engine: Engine, layer_spec: LayerSpec, path: Path, **options: Any
               ) -> TableLoadResult:
    return ingest_table(engine, layer_spec, path, default_storage_crs="EPSG:31370", **options)


def budget_csv(path: Path, rows: int = 3, bad_row: int | None = None) -> Path:
    """A cp1252 CSV as a spreadsheet exports it in Wallonia: ``;``, decimal commas with a
    ``.`` thousands separator, French dates, oui/non; ``bad_row`` (a line number of the
    file, the header being line 1) holds a montant that is not a number."""
    lines = [BUDGET_HEADER]
    for i in range(1, rows + 1):
        line = i + 1
        amount = "douze euros" if line == bad_row else f"{i * 1000 + 234},{i % 100:02d}"
        if i % 3 == 0 and line != bad_row:
            amount = f"{i},{i % 10}0"
        approved = "oui" if i % 2 else "non"
        lines.append(f"{i:04d};Entretien des voiries é{i};{amount};{(i % 28) + 1:02d}/03/2025;"
                     f"{approved}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path
