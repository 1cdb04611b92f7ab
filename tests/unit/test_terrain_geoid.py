"""A real IGN DTM at Montpellier (NGF-IGN69 heights) becomes terrain on the ellipsoid with
RAF20's undulation, N ≈ 49.7 m there (the machine's PROJ alone would silently take 0)."""

from __future__ import annotations

import gzip
import io
import warnings
from pathlib import Path

import numpy as np
import pytest
import rasterio
from quantized_mesh_tile.terrain import TerrainTile

from tiles.errors import BuildInputError
from tiles.terrain.build import DemInput, build_terrain
from tiles.terrain.scheme import TileId, tile_bounds

DTM = Path(__file__).resolve().parents[2] / "data" / "montpellier_fr" / "DTM_77055_627760_50CM.tif"


def test_montpellier_terrain_carries_the_raf20_undulation(tmp_path: Path) -> None:
    built = build_terrain([DemInput("mtp_dtm", DTM, "EPSG:2154+5720")], tmp_path / "mtp")
    with rasterio.open(DTM) as dataset:
        values = dataset.read(1)
    dtm_low, dtm_high = values[values > -9000].min(), values[values > -9000].max()
    finest = [t for t in built.written if t.z == built.max_zoom]
    assert finest
    heights = []
    for tile in finest:
        body = gzip.decompress((tmp_path / "mtp" / f"{tile.key}.terrain").read_bytes())
        west, south, east, north = tile_bounds(TileId(tile.z, tile.x, tile.y))
        decoded = TerrainTile(west=west, south=south, east=east, north=north)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            decoded.fromBytesIO(io.BytesIO(body), hasLighting=True)
        heights.extend(h for _, _, h in decoded.getVerticesCoordinates() if h > 1.0)
    undulation = np.median(heights) - (dtm_low + dtm_high) / 2
    assert 49.0 < undulation < 50.5  # RAF20 at 3.87°E 43.59°N: 49.66 m
    assert dtm_low + 49.0 < min(heights)
    assert max(heights) < dtm_high + 50.5


def test_a_dtm_without_vertical_datum_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BuildInputError, match="vertical datum"):
        build_terrain([DemInput("mtp_dtm", DTM, "EPSG:2154")], tmp_path / "mtp")
    assert not (tmp_path / "mtp").exists()
