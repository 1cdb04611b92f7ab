"""A root tileset over blocks built apart (`tiles.core.blocks`, ``twin build blocks``).

Two synthetic LiDAR tiles side by side, each built as its own point-cloud tileset (its own
local frame), then one root over both: valid against the official schemas, each child's
region holding every point of its block (decoded from the tiles, independently of the
builder), the root holding its children, and a viewer sent to each block's own tileset.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from lidar_support import sources, write_tile
from tileset_checks import content_files, decode, schema_errors
from typer.testing import CliRunner

from tiles.core.blocks import Block, block_index, region_span_m, tileset_region
from tiles.core.ecef import ecef_to_geodetic
from tiles.engine.storage import publish_entry, publish_folder
from tiles.errors import BuildInputError
from tiles.pointcloud.build import build_pointcloud
from twin.cli import build_app

MM_RAD = 1e-3 / 6.4e6  # a millimetre on the ground, in radians


@pytest.fixture(scope="module")
def tiles_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``TWIN_DATA_DIR/tiles`` holding two built blocks, ``block_a`` and ``block_b``."""
    data = tmp_path_factory.mktemp("blocks")
    for column, name in enumerate(("block_a", "block_b")):
        laz = write_tile(data / f"{name}.laz", column * 3, 0, points=20_000)
        build_pointcloud(sources([laz]), data / "tiles" / name, workers=1)
    return data / "tiles"


def block(tiles_dir: Path, name: str) -> Block:
    return Block(name, json.loads((tiles_dir / name / "tileset.json").read_text()))


def points_lon_lat_h(tiles_dir: Path, name: str) -> np.ndarray:
    """Every point of a block, as radians and ellipsoidal metres, from its glb files."""
    document = json.loads((tiles_dir / name / "tileset.json").read_text())
    matrix = np.asarray(document["root"]["transform"]).reshape(4, 4).T
    local = np.vstack([decode(path)["local"]
                       for path in content_files(tiles_dir / name, document)])
    lon, lat, height = ecef_to_geodetic(local @ matrix[:3, :3].T + matrix[:3, 3])
    return np.column_stack([np.radians(lon), np.radians(lat), height])


def holds(region: list[float], points: np.ndarray) -> bool:
    west, south, east, north, low, high = region
    return bool((points[:, 0] >= west - MM_RAD).all() and (points[:, 0] <= east + MM_RAD).all()
                and (points[:, 1] >= south - MM_RAD).all()
                and (points[:, 1] <= north + MM_RAD).all()
                and (points[:, 2] >= low - 1e-3).all() and (points[:, 2] <= high + 1e-3).all())


def test_each_child_region_holds_its_block_and_the_root_holds_them(tiles_dir: Path) -> None:
    blocks = [block(tiles_dir, "block_a"), block(tiles_dir, "block_b")]
    root = block_index(blocks, version="v1", generator="test")
    assert schema_errors(dict(root)) == []
    children = root["root"]["children"]
    assert [c["content"]["uri"] for c in children] == ["block_a/tileset.json",
                                                       "block_b/tileset.json"]
    for child, each in zip(children, blocks, strict=True):
        region = child["boundingVolume"]["region"]
        assert holds(region, points_lon_lat_h(tiles_dir, each.name))
        assert child["geometricError"] == each.document["geometricError"]
        # the block's own root volume (its octree cube: under twice the 200 m tile), not
        # a loose guess
        east_m = (region[2] - region[0]) * 6.39e6 * math.cos(region[1])
        assert 200 <= east_m < 450
    whole = root["root"]["boundingVolume"]["region"]
    for child in children:
        inner = child["boundingVolume"]["region"]
        assert all(whole[i] <= inner[i] for i in (0, 1, 4))  # west, south, lowest
        assert all(whole[i] >= inner[i] for i in (2, 3, 5))  # east, north, highest
    assert root["geometricError"] >= max(c["geometricError"] for c in children)
    assert root["geometricError"] >= region_span_m(whole) > 600  # 3 tiles of 200 m apart
    assert "content" not in root["root"]


def test_regions_pass_through_and_bad_blocks_are_named() -> None:
    region = [0.07, 0.9, 0.071, 0.901, -10.0, 50.0]
    given = Block("r", {"geometricError": 5, "root": {"boundingVolume": {"region": region},
                                                      "geometricError": 5}})
    assert tileset_region(given) == region
    with pytest.raises(BuildInputError, match="at least one"):
        block_index([], version="v", generator="t")
    with pytest.raises(BuildInputError, match=r"'r'.*unique"):
        block_index([given, given], version="v", generator="t")
    with pytest.raises(BuildInputError, match=r"block x: .*no root bounding volume"):
        tileset_region(Block("x", {"geometricError": 1}))
    with pytest.raises(BuildInputError, match=r"block g: .*no valid geometricError"):
        block_index([Block("g", {"root": {"boundingVolume": {"region": region}},
                                 "geometricError": math.nan})], version="v", generator="t")


def test_twin_build_blocks_writes_the_root_that_publishes_beside_its_blocks(
        tiles_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The root, and its blocks copied to a folder as ``--publish`` copies them (blocks
    first, then the root; the CLI's ``--publish``, which needs the registry for the layers'
    access levels, is tested against S3 in tests/integration/test_storage_s3.py)."""
    monkeypatch.setenv("TWIN_DATA_DIR", str(tiles_dir.parent))
    runner, app = CliRunner(), build_app()
    published = tmp_path / "static"
    result = runner.invoke(app, ["build", "blocks", "region", "block_a", "block_b"])
    assert result.exit_code == 0, result.output
    root = json.loads((tiles_dir / "region.tileset.json").read_text())
    assert root["extras"]["blocks"] == ["block_a", "block_b"]
    for name in ("block_a", "block_b"):  # to a folder whose sub-folders do not exist yet
        publish_folder(tiles_dir / name, f"{published}/{name}")
    publish_entry(tiles_dir / "region.tileset.json", str(published))
    # the root's content uris resolve beside it, locally and where it was published
    for child in root["root"]["children"]:
        assert (tiles_dir / child["content"]["uri"]).is_file()
        assert (published / child["content"]["uri"]).is_file()
    assert json.loads((published / "tileset.json").read_text()) == root
    for name in ("block_a", "block_b"):
        document = json.loads((tiles_dir / name / "tileset.json").read_text())
        for path in content_files(tiles_dir / name, document):
            relative = path.relative_to(tiles_dir)
            assert (published / relative).read_bytes() == path.read_bytes()

    again = runner.invoke(app, ["build", "blocks", "region", "block_a", "block_b"])
    assert again.exit_code == 0
    assert json.loads((tiles_dir / "region.tileset.json").read_text()) == root  # stable

    missing = runner.invoke(app, ["build", "blocks", "region", "block_a", "nowhere"])
    assert missing.exit_code == 1
    assert "nowhere: no built tileset" in missing.output
    assert "twin build pointcloud nowhere" in missing.output
