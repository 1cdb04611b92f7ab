"""Building tilesets against the official 3D Tiles schemas and the Khronos glTF validator."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from buildings_checks import check_tileset_folder

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "unit"))
from test_buildings_tiles import synthetic_set

from tiles.buildings.build import build_tileset

pytestmark = pytest.mark.clients


@pytest.mark.parametrize(("count", "max_features"), [(1, 1500), (2500, 300), (70_000, 70_000)])
def test_synthetic_tilesets_validate(tmp_path: Path, count: int, max_features: int) -> None:
    """One building, a deep tree, and a tile big enough for 32-bit indices and float ids."""
    with ThreadPoolExecutor(2) as pool:
        build_tileset(synthetic_set(count), tmp_path / "b", executor=pool,
                      max_features=max_features)
    glbs = check_tileset_folder(tmp_path / "b")
    assert len(glbs) >= (count + max_features - 1) // max_features
