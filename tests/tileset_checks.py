"""Checks of 3D Tiles outputs shared by the tests: official JSON schemas, glTF validator,
the CesiumGS 3d-tiles-validator, and the rules schemas cannot express (containment,
decreasing errors, counts, no NaN).

The 3d-tiles-validator checks what the schemas and the glTF validator cannot: the tileset's
semantics, and inside every content it references the 3D Tiles glTF extensions
(``EXT_mesh_features``, ``EXT_structural_metadata`` and its property tables,
``EXT_mesh_gpu_instancing``). The registry this project installs from does not carry it, so
its unmodified source is shipped in ``third_party/3d-tiles-validator`` and
``scripts/setup-env.sh`` compiles it.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from tiles.core.glb import read_glb

REPO = Path(__file__).resolve().parent.parent
#: the official 3D Tiles 1.1 schemas, shipped with the tests (licence and source beside them)
SCHEMA_DIR = REPO / "tests" / "schemas" / "3d-tiles" / "schema"
NODE_MODULES = REPO / "node_modules"
TILES_VALIDATOR = REPO / "third_party" / "3d-tiles-validator" / "build" / "main.js"
BASE = "https://3d-tiles.schema.local/"


@lru_cache(maxsize=1)
def tileset_validator() -> Draft202012Validator:
    """Draft 2020-12 validator of tileset.json with every official schema in a local registry."""
    resources = []
    for path in SCHEMA_DIR.rglob("*.schema.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        relative = path.relative_to(SCHEMA_DIR).as_posix()
        resources.append((BASE + relative, Resource.from_contents(contents)))
    registry: Registry = Registry().with_resources(resources)
    root = json.loads((SCHEMA_DIR / "tileset.schema.json").read_text(encoding="utf-8"))
    root["$id"] = BASE + "tileset.schema.json"
    return Draft202012Validator(root, registry=registry)


def schema_errors(document: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in tileset_validator().iter_errors(document)]


def tiles(tile: dict[str, Any], parent: dict[str, Any] | None = None
          ) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    yield tile, parent
    for child in tile.get("children", []):
        yield from tiles(child, tile)


def box_corners(box: list[float]) -> np.ndarray:
    centre = np.asarray(box[:3])
    axes = np.asarray(box[3:]).reshape(3, 3)
    signs = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)])
    return centre + signs @ axes


def inside(child: list[float], parent: list[float], tolerance: float = 1e-6) -> bool:
    """Every corner of the child box inside the parent box (axis-aligned or oriented)."""
    centre = np.asarray(parent[:3])
    axes = np.asarray(parent[3:]).reshape(3, 3)
    corners = box_corners(child) - centre
    for axis in axes:
        length = float(np.linalg.norm(axis))
        if length == 0:
            if np.abs(corners @ np.zeros(3)).max() > tolerance:
                return False
            continue
        if np.abs(corners @ (axis / length)).max() > length + tolerance:
            return False
    return True


def semantic_errors(document: dict[str, Any]) -> list[str]:
    """What the schemas cannot see."""
    errors: list[str] = []
    text = json.dumps(document)
    if "NaN" in text or "Infinity" in text:
        errors.append("NaN or Infinity in tileset.json")
    root = document["root"]
    if document["geometricError"] < root["geometricError"]:
        errors.append("tileset geometricError below the root's")
    for tile, parent in tiles(root):
        name = tile.get("content", {}).get("uri", "?")
        if "refine" in tile and tile["refine"] not in ("ADD", "REPLACE"):
            errors.append(f"{name}: refine {tile['refine']!r}")
        if not all(math.isfinite(v) for v in tile["boundingVolume"]["box"]):
            errors.append(f"{name}: non-finite box")
        if not tile.get("children") and tile["geometricError"] != 0:
            errors.append(f"{name}: leaf with geometricError {tile['geometricError']}")
        if parent is not None:
            if tile["geometricError"] > parent["geometricError"]:
                errors.append(f"{name}: geometricError grows from parent to child")
            if not inside(tile["boundingVolume"]["box"], parent["boundingVolume"]["box"]):
                errors.append(f"{name}: box not inside its parent's")
    return errors


def gltf_validator_available() -> bool:
    return shutil.which("node") is not None and (NODE_MODULES / "gltf-validator").is_dir()


_SCRIPT = """
import validator from %s;
import fs from 'fs';
const out = [];
for (const f of process.argv.slice(1)) {
  const r = await validator.validateBytes(new Uint8Array(fs.readFileSync(f)), {maxIssues: 20});
  out.push({file: f, errors: r.issues.numErrors, warnings: r.issues.numWarnings,
            messages: r.issues.messages.filter(m => m.severity <= 1)});
}
console.log(JSON.stringify(out));
"""


def gltf_reports(paths: list[Path]) -> list[dict[str, Any]]:
    """Khronos glTF-Validator reports (errors, warnings, messages) of every glb."""
    module = json.dumps(str(NODE_MODULES / "gltf-validator" / "index.js"))
    reports: list[dict[str, Any]] = []
    for start in range(0, len(paths), 200):
        batch = [str(p) for p in paths[start:start + 200]]
        done = subprocess.run(["node", "--input-type=module", "-e", _SCRIPT % module, *batch],
                              capture_output=True, text=True, check=True, timeout=600)
        reports.extend(json.loads(done.stdout))
    return reports


def decode(path: Path) -> dict[str, np.ndarray]:
    """Points of a glb back in the tileset's local z-up frame, with their attributes."""
    document, binary = read_glb(path.read_bytes())
    primitive = document["meshes"][0]["primitives"][0]
    accessors, views = document["accessors"], document["bufferViews"]

    def column(name: str, dtype: str, width: int) -> np.ndarray:
        accessor = accessors[primitive["attributes"][name]]
        view = views[accessor["bufferView"]]
        stride = view.get("byteStride", np.dtype(dtype).itemsize * width)
        start = view["byteOffset"] + accessor.get("byteOffset", 0)
        raw = np.frombuffer(binary, dtype=np.uint8, count=view["byteLength"],
                            offset=view["byteOffset"])
        rows = raw[start - view["byteOffset"]:].copy()
        out = np.lib.stride_tricks.as_strided(
            rows, shape=(accessor["count"], np.dtype(dtype).itemsize * width),
            strides=(stride, 1)).copy()
        return out.view(dtype).reshape(accessor["count"], width)

    y_up = column("POSITION", "<f4", 3).astype(np.float64)
    translation = np.asarray(document["nodes"][0]["translation"])
    y_up += translation
    local = np.column_stack([y_up[:, 0], -y_up[:, 2], y_up[:, 1]])
    result = {"local": local, "classification": column("_CLASSIFICATION", "u1", 1)[:, 0],
              "intensity": column("_INTENSITY", "<u2", 1)[:, 0]}
    if "COLOR_0" in primitive["attributes"]:
        result["rgb"] = column("COLOR_0", "u1", 3)
    return result


def content_files(out: Path, document: dict[str, Any]) -> list[Path]:
    return [out / tile["content"]["uri"] for tile, _ in tiles(document["root"])]


def require_tool(available: bool, what: str) -> None:
    """Skip when a client tool is missing, but FAIL under CI (the tools must be there)."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing but CI is set")
    pytest.skip(f"{what} is not installed")


def tiles_validator_report(tileset: Path) -> dict[str, Any]:
    """The validator's report on a tileset JSON and everything it references."""
    node = shutil.which("node")
    require_tool(node is not None and TILES_VALIDATOR.is_file(),
                 f"node + the CesiumGS 3d-tiles-validator ({TILES_VALIDATOR})")
    assert node is not None
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        command = [node, str(TILES_VALIDATOR), "--tilesetFile", str(tileset),
                   "--reportFile", str(report)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        assert report.is_file(), done.stdout + done.stderr
        document: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return document


def _leaves(issues: list[dict[str, Any]], where: str = "") -> Iterator[str]:
    """'path: message' of each error or warning, as deep in its causes as one is named."""
    for issue in issues:
        path = issue["path"] if not where else f"{where} > {issue['path']}"
        inner = list(_leaves(issue.get("causes", []), path))
        if inner:
            yield from inner
        elif issue["severity"] in ("ERROR", "WARNING"):
            yield f"{path}: {issue['message']}"


def tiles_validator_problems(tileset: Path) -> list[str]:
    """Every error and warning the validator finds, named by where it is; [] when clean."""
    report = tiles_validator_report(tileset)
    problems = list(_leaves(report["issues"]))
    assert problems or report["numErrors"] + report["numWarnings"] == 0, report
    return problems
