"""The geographic TMS tiling: bounds, coverage, level choice and layer.json ranges."""

from __future__ import annotations

from tiles.terrain.layerjson import METADATA_LEVELS, metadata_of
from tiles.terrain.scheme import (
    TileId,
    available_ranges,
    finest_level,
    level_geometric_error,
    roots,
    tile_bounds,
    tiles_covering,
)


def test_level_zero_has_two_roots_and_rows_count_from_the_south() -> None:
    assert roots() == [TileId(0, 0, 0), TileId(0, 1, 0)]
    assert tile_bounds(TileId(0, 0, 0)) == (-180.0, -90.0, 0.0, 90.0)
    assert tile_bounds(TileId(0, 1, 0)) == (0.0, -90.0, 180.0, 90.0)
    assert tile_bounds(TileId(1, 3, 1)) == (90.0, 0.0, 180.0, 90.0)  # north-east


def test_neighbours_compute_the_same_edge() -> None:
    for z, x, y in ((17, 133892, 97279), (12, 2100, 3000)):
        assert tile_bounds(TileId(z, x, y))[2] == tile_bounds(TileId(z, x + 1, y))[0]
        assert tile_bounds(TileId(z, x, y))[3] == tile_bounds(TileId(z, x, y + 1))[1]


def test_covering_tiles_of_a_box() -> None:
    delft = (4.36, 51.99, 4.37, 52.0)
    tiles = list(tiles_covering(delft, 10))
    assert tiles == [TileId(10, 1048, 807)]  # (4.36 + 180) / (180 / 2**10) = 1048.8
    assert all(tile_bounds(t)[0] <= 4.36 and tile_bounds(t)[2] >= 4.37 for t in tiles)
    fine = list(tiles_covering(delft, 15))  # 0.0055° tiles: three columns, three rows
    assert len(fine) == 9
    assert min(tile_bounds(t)[0] for t in fine) <= 4.36 < min(tile_bounds(t)[2] for t in fine)
    assert max(tile_bounds(t)[2] for t in fine) >= 4.37 > max(tile_bounds(t)[0] for t in fine)


def test_finest_level_follows_the_dtm_resolution() -> None:
    assert finest_level(0.5) == 17
    assert finest_level(1.0) == 16
    assert level_geometric_error(0) / level_geometric_error(3) == 8


def test_ranges_merge_runs_and_rows() -> None:
    tiles = [TileId(5, x, y) for x in (3, 4, 5) for y in (7, 8)] + [TileId(5, 9, 8)]
    assert available_ranges(tiles, 5) == [{"startX": 3, "startY": 7, "endX": 5, "endY": 8},
                                           {"startX": 9, "startY": 8, "endX": 9, "endY": 8}]
    assert available_ranges(tiles, 6) == []


def test_metadata_lists_the_subtree_of_a_metadata_level_tile() -> None:
    tiles = [TileId(0, 1, 0), TileId(1, 2, 0), TileId(1, 0, 0), TileId(2, 5, 1)]
    metadata = metadata_of(TileId(0, 1, 0), tiles, 12)
    assert metadata is not None
    assert len(metadata["available"]) == METADATA_LEVELS
    assert metadata["available"][0] == [{"startX": 2, "startY": 0, "endX": 2, "endY": 0}]
    assert metadata["available"][1] == [{"startX": 5, "startY": 1, "endX": 5, "endY": 1}]
    assert metadata_of(TileId(1, 2, 0), tiles, 12) is None
