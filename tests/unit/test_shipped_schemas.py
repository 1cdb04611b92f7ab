"""The 3D Tiles schemas and sample data ship with the repository: a lone clone needs no more.

The validators of tests/tileset_checks.py and tests/buildings_checks.py read the schemas under
tests/schemas/3d-tiles (the upstream schema folder, unchanged): every reference of
tileset.schema.json, direct or transitive, must resolve to a shipped file.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import buildings_checks
import tileset_checks

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SCHEMAS = REPO / "tests" / "schemas" / "3d-tiles"


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_reference_of_the_tileset_schema_is_shipped() -> None:
    root = SCHEMAS / "schema"
    seen: set[str] = set()
    todo = ["tileset.schema.json"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        assert (root / name).is_file(), f"{name} is referenced but not shipped"
        seen.add(name)
        document = json.loads((root / name).read_text(encoding="utf-8"))
        for ref in _refs(document):
            target = ref.split("#", 1)[0]
            if target:
                todo.append(posixpath.normpath(posixpath.join(posixpath.dirname(name), target)))
    assert "tile.schema.json" in seen
    assert (SCHEMAS / "LICENSE.adoc").is_file()
    assert (SCHEMAS / "SOURCES.md").is_file()


def test_validators_read_the_schemas_inside_the_repository() -> None:
    for schema_dir in (tileset_checks.SCHEMA_DIR, buildings_checks.SCHEMA_DIR):
        assert schema_dir.resolve().is_relative_to(REPO)
    assert DATA.resolve().is_relative_to(REPO)
    tileset: dict[str, Any] = {
        "asset": {"version": "1.1"},
        "geometricError": 10.0,
        "root": {"boundingVolume": {"box": [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]},
                 "geometricError": 0.0, "refine": "ADD", "content": {"uri": "0.glb"}},
    }
    assert tileset_checks.schema_errors(tileset) == []
    buildings_checks.validate_tileset_schema(tileset)
    broken = {**tileset, "geometricError": -1}
    assert tileset_checks.schema_errors(broken)


def test_sample_data_has_its_provenance() -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    folders = sorted(p.name for p in DATA.iterdir() if p.is_dir())
    assert folders
    for folder in folders:
        assert f"`{folder}/`" in readme, f"data/{folder} has no provenance in data/README.md"
