"""Validators shared by the building tests: 3D Tiles JSON schemas, Khronos glTF validator,
and what the schemas cannot see (containment, geometric errors, refine, NaN)."""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from tileset_checks import require_tool, tiles_validator_problems

REPO = Path(__file__).resolve().parent.parent
#: the official 3D Tiles 1.1 schemas, shipped with the tests (licence and source beside them)
SCHEMA_DIR = REPO / "tests" / "schemas" / "3d-tiles" / "schema"
NODE_MODULES = REPO / "node_modules"

_VALIDATE_JS = """
const fs = require('fs');
const validator = require(process.argv[1] + '/gltf-validator');
(async () => {
  const out = {};
  for (const file of process.argv.slice(2)) {
    const report = await validator.validateBytes(new Uint8Array(fs.readFileSync(file)),
                                                 {maxIssues: 50});
    out[file] = {errors: report.issues.numErrors, warnings: report.issues.numWarnings,
                 messages: report.issues.messages.filter(m => m.severity <= 1)};
  }
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(2); });
"""


@lru_cache(maxsize=1)
def tileset_validator() -> Draft202012Validator:
    require_tool(SCHEMA_DIR.is_dir(), f"3D Tiles schemas in {SCHEMA_DIR}")
    resources = []
    for path in SCHEMA_DIR.rglob("*.schema.json"):
        document = json.loads(path.read_text())
        resource: Resource[Any] = Resource.from_contents(document)
        resources.append((document["$id"], resource))
        resources.append((path.relative_to(SCHEMA_DIR).as_posix(), resource))
    registry: Registry[Any] = Registry().with_resources(resources)
    schema = json.loads((SCHEMA_DIR / "tileset.schema.json").read_text())
    return Draft202012Validator(schema, registry=registry)


def validate_tileset_schema(document: dict[str, Any]) -> None:
    errors = sorted(tileset_validator().iter_errors(document), key=lambda e: e.path)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def gltf_validator_reports(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """Khronos glTF validator (npm, through node) on every file."""
    node = shutil.which("node")
    require_tool(node is not None and (NODE_MODULES / "gltf-validator").is_dir(),
                 "node + npm gltf-validator")
    assert node is not None
    reports: dict[str, dict[str, Any]] = {}
    for start in range(0, len(paths), 200):
        batch = [str(p) for p in paths[start : start + 200]]
        done = subprocess.run([node, "-e", _VALIDATE_JS, str(NODE_MODULES), *batch],
                              capture_output=True, text=True, check=True, timeout=600)
        reports.update(json.loads(done.stdout))
    return reports


def assert_glbs_valid(paths: list[Path]) -> None:
    assert paths, "no glb to validate"
    for name, report in gltf_validator_reports(paths).items():
        assert report["errors"] == 0, (name, report["messages"])


def _inside(child: list[float], parent: list[float]) -> bool:
    eps = 1e-12
    return (child[0] >= parent[0] - eps and child[1] >= parent[1] - eps
            and child[2] <= parent[2] + eps and child[3] <= parent[3] + eps
            and child[4] >= parent[4] - 1e-6 and child[5] <= parent[5] + 1e-6)


def check_tree(tile: dict[str, Any], parent: dict[str, Any] | None = None) -> list[str]:
    """Uris of the contents; asserts what the schema cannot check."""
    region = tile["boundingVolume"]["region"]
    assert tile.get("refine", "ADD") in ("ADD", "REPLACE")
    assert all(isinstance(v, float) and v == v for v in region)
    if parent is not None:
        assert _inside(region, parent["boundingVolume"]["region"])
        assert tile["geometricError"] <= parent["geometricError"]
    uris = [tile["content"]["uri"]] if "content" in tile else []
    if not tile.get("children"):
        assert tile["geometricError"] == 0, "a leaf must have geometricError 0"
    for child in tile.get("children", []):
        uris += check_tree(child, tile)
    return uris


def check_tileset_folder(folder: Path) -> list[Path]:
    """Schema, tree rules, glTF validity and the official 3D Tiles validator on a built tileset;
    returns its glb files."""
    document = json.loads((folder / "tileset.json").read_text())
    validate_tileset_schema(document)
    assert document["geometricError"] >= document["root"]["geometricError"]
    glbs = [folder / uri for uri in check_tree(document["root"])]
    assert all(p.is_file() for p in glbs)
    assert_glbs_valid(glbs)
    assert tiles_validator_problems(folder / "tileset.json") == []
    return glbs
