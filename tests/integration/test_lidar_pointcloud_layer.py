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


def test_heights_without_vertical_datum_are_refused(
    engine: Engine, layer_id: str, tmp_path: Path
) -> None:
    ingest_lidar(engine, lidar_spec(layer_id), LIDARPROD)
    with pytest.raises(BuildInputError, match=r"vertical datum is unknown .*--crs EPSG:2154\+"):
        build_layer_tileset(engine, layer_id, tmp_path, workers=1)
    assert not (tmp_path / layer_id).exists()
