"""Every glb of the point-cloud tilesets passes the Khronos glTF-Validator with 0 errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from lidar_support import DELFT, LIDARPROD
from tileset_checks import gltf_reports, gltf_validator_available, schema_errors, tiles

from tiles.pointcloud.build import build_pointcloud, sources_from_headers
from tiles.pointcloud.partition import PointSource

pytestmark = pytest.mark.clients


def _require_validator() -> None:
    if gltf_validator_available():
        return
    if os.environ.get("CI"):
        pytest.fail("node or npm gltf-validator missing but CI is set")
    pytest.skip("node or npm gltf-validator not installed")


@pytest.mark.parametrize("case", ["delft", "lidarprod_colour"])
def test_every_glb_is_valid(case: str, tmp_path: Path) -> None:
    _require_validator()
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
