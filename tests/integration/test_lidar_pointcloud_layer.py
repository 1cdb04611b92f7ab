"""Building a LiDAR layer's tileset from the store: skip when unchanged, rebuild on update."""

from __future__ import annotations

import json
from pathlib import Path

import laspy
import pytest
from lidar_support import DELFT, LIDARPROD, lidar_spec
from sqlalchemy import Engine

from gis.lidar.crs import parse_given_crs
from gis.lidar.ingest import ingest_lidar
from tiles.errors import BuildInputError
from tiles.pointcloud.layer import build_layer_tileset
from tiles.pointcloud.state import STATE_FORMAT

NAP = parse_given_crs("EPSG:28992+5709")


def test_unchanged_sources_skip_and_an_update_rebuilds(
    engine: Engine, layer_id: str, tmp_path: Path
) -> None:
    source = tmp_path / "tile.laz"
    source.write_bytes(DELFT[1].read_bytes())
    ingest_lidar(engine, lidar_spec(layer_id), [source], crs=NAP)
    tiles = tmp_path / "tiles"
    first = build_layer_tileset(engine, layer_id, tiles, workers=1)
    assert not first.skipped
    assert first.result is not None
    assert first.result.points == 208432
    assert build_layer_tileset(engine, layer_id, tiles, workers=1).skipped
    # tiles of an older layout (before return numbers: format 1) are rebuilt, not kept
    manifest = tiles / layer_id / "build.json"
    older = json.loads(manifest.read_text())
    older["format"] = STATE_FORMAT - 1
    manifest.write_text(json.dumps(older))
    assert not build_layer_tileset(engine, layer_id, tiles, workers=1).skipped
    las = laspy.read(source)
    las.points = las.points[:50000]
    las.write(source)
    ingest_lidar(engine, lidar_spec(layer_id), [source], crs=NAP)
    second = build_layer_tileset(engine, layer_id, tiles, workers=1)
    assert not second.skipped
    assert second.result is not None
    assert second.result.points == 50000
    assert second.version != first.version
    document = json.loads((tiles / layer_id / "tileset.json").read_text())
    assert document["asset"]["tilesetVersion"] == second.version


def test_a_re_ingested_file_rebuilds_partially_unless_forced(
    engine: Engine, layer_id: str, tmp_path: Path
) -> None:
    """The index's checksums reach the build: an updated file is rebuilt over the previous
    build's state (`tests/unit/test_pointcloud_rebuild.py` checks the result itself)."""
    sources = [tmp_path / "a.laz", tmp_path / "b.laz"]
    for source, original in zip(sources, DELFT, strict=True):
        source.write_bytes(original.read_bytes())
    ingest_lidar(engine, lidar_spec(layer_id), sources, crs=NAP)
    tiles = tmp_path / "tiles"
    assert build_layer_tileset(engine, layer_id, tiles, workers=1).result is not None
    las = laspy.read(sources[1])
    las.points = las.points[:150000]
    las.write(sources[1])
    ingest_lidar(engine, lidar_spec(layer_id), sources, crs=NAP)
    update = build_layer_tileset(engine, layer_id, tiles, workers=1)
    assert update.result is not None
    assert update.result.partial
    assert update.result.points == 640510 + 150000
    forced = build_layer_tileset(engine, layer_id, tiles, workers=1, force=True)
    assert forced.result is not None
    assert not forced.result.partial
    assert forced.result.points == update.result.points


def test_heights_without_vertical_datum_are_refused(
    engine: Engine, layer_id: str, tmp_path: Path
) -> None:
    ingest_lidar(engine, lidar_spec(layer_id), LIDARPROD)
    with pytest.raises(BuildInputError, match=r"vertical datum is unknown .*--crs EPSG:2154\+"):
        build_layer_tileset(engine, layer_id, tmp_path, workers=1)
    assert not (tmp_path / layer_id).exists()
