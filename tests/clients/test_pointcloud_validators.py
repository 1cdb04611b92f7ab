"""The point-cloud tilesets pass the CesiumGS 3d-tiles-validator, and every glb the Khronos
glTF-Validator, with 0 errors and 0 warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lidar_support import DELFT, LIDARPROD
from tileset_checks import (
    gltf_reports,
    gltf_validator_available,
    require_tool,
    schema_errors,
    tiles,
    tiles_validator_problems,
)

from tiles.pointcloud.build import build_pointcloud, sources_from_headers
from tiles.pointcloud.partition import PointSource

pytestmark = pytest.mark.clients


@pytest.mark.parametrize("case", ["delft", "lidarprod_colour"])
def test_every_glb_is_valid(case: str, tmp_path: Path) -> None:
    require_tool(gltf_validator_available(), "node + npm gltf-validator")
    if case == "delft":
        sources = sources_from_headers(DELFT, "EPSG:28992+5709")
    else:
        sources = [PointSource(s.path, s.crs, s.point_count, s.bounds, 256)
                   for s in sources_from_headers(LIDARPROD, "EPSG:2154+5720")]
    out = tmp_path / case
    build_pointcloud(sources, out, workers=2)
    document = json.loads((out / "tileset.json").read_text())
    assert schema_errors(document) == []
    paths = [out / tile["content"]["uri"] for tile, _ in tiles(document["root"])]
    reports = gltf_reports(paths)
    assert len(reports) == len(paths)
    problems = [r for r in reports if r["errors"] or r["warnings"]]
    assert problems == []
    assert tiles_validator_problems(out / "tileset.json") == []
