"""The store's shape is declared once (`gis.schema`): names built from it, never retyped."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from gis import schema

REPO = Path(__file__).resolve().parents[2]
#: where a store name may be spelled out: the declaration itself, and the migrations, whose
#: DDL is frozen history (a later change of the shape is a new migration, not an edit)
DECLARED_IN = (REPO / "gis" / "schema", REPO / "gis" / "migrations")
SCHEMAS = (schema.REGISTRY_SCHEMA, schema.DATA_SCHEMA, schema.HISTORY_SCHEMA,
           schema.STAGING_SCHEMA, schema.PUBLISH_SCHEMA)
#: SQL naming a schema-qualified relation: FROM twin.layer, JOIN "publish"."x", ...
QUALIFIED = re.compile(
    r"(?i)\b(?:from|join|into|update|table|view|regclass\(')\s+\"?(?:"
    + "|".join(SCHEMAS) + r")\"?\.")
#: a column role spelled as a whole string (``"geom_4326"``) instead of its constant
ROLE_NAMES = frozenset({schema.GEOMETRY_4326_COLUMN, schema.GEOMETRY_3857_COLUMN,
                        schema.PUBLISH_SCHEMA, schema.HISTORY_SCHEMA, schema.STAGING_SCHEMA})


def _sources() -> Iterator[Path]:
    for package in ("gis", "tiles", "twin"):
        for path in sorted((REPO / package).rglob("*.py")):
            if not any(path.is_relative_to(folder) for folder in DECLARED_IN):
                yield path


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _store_names_spelled_out(path: Path, root: Path = REPO) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        if id(node) in docstrings:
            continue
        if QUALIFIED.search(node.value) or node.value in ROLE_NAMES:
            problems.append(f"{path.relative_to(root)}:{node.lineno}: {node.value[:60]!r}")
    return problems


def test_no_module_retypes_a_store_name() -> None:
    problems = [p for path in _sources() for p in _store_names_spelled_out(path)]
    assert problems == [], "build these names from gis.schema:\n" + "\n".join(problems)


def test_the_scan_finds_a_retyped_name(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text('"""Doc: FROM twin.layer is fine here."""\n'
                     'Q = "SELECT id FROM twin.layer"\nG = "geom_4326"\n', encoding="utf-8")
    found = [p.split(": ", 1)[1] for p in _store_names_spelled_out(probe, tmp_path)]
    assert found == ["'SELECT id FROM twin.layer'", "'geom_4326'"]


@pytest.mark.parametrize(("layer_id", "version", "load_id"), [("parcels", 3, 17),
                                                               ("a" * 63, 12, 99)])
def test_relation_names(layer_id: str, version: int, load_id: int) -> None:
    assert schema.current_relation(layer_id) == (schema.DATA_SCHEMA, layer_id)
    assert schema.published_relation(layer_id) == (schema.PUBLISH_SCHEMA, layer_id)
    staged = schema.staging_table(layer_id, load_id)
    assert schema.is_staging_of(staged, layer_id)
    assert not schema.is_staging_of(staged, layer_id + "x")
    assert schema.history_table(layer_id, version).endswith(f"__v{version}")
    for suffix in (*schema.INDEX_SUFFIXES.values(), schema.ID_SEQUENCE_SUFFIX):
        assert len(schema.object_name(staged, suffix).encode()) <= schema.MAX_IDENTIFIER
    assert len(schema.small_cells_table(layer_id, "buyer_town")) <= schema.MAX_IDENTIFIER


def test_small_cells_prefix_escapes_like_wildcards() -> None:
    pattern = schema.small_cells_prefix("my_layer")
    assert pattern == r"my\_layer\_\_cells\_%"
