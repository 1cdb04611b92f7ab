"""The geographic tiling scheme of quantized-mesh terrain (EPSG:4326, TMS rows).

Level 0 has two tiles (west and east hemispheres), each level halves the tile size, and
rows count from the south (TMS), which is how CesiumJS reads the ``available`` ranges of
layer.json. Every tile bound is computed from integer tile indices with one formula, so
two neighbours compute the very same float for their shared edge (crack-free sampling
relies on it).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

#: CesiumJS's level-0 geometric error of a 65-sample heightmap over 2 root tiles on WGS 84
#: (``TerrainProvider.getEstimatedLevelZeroGeometricErrorForAHeightmap``): the error a
#: level may carry before CesiumJS refines it; halved at each level.
LEVEL0_GEOMETRIC_ERROR = 6378137.0 * 2.0 * math.pi * 0.25 / (65 * 2)
#: metres per degree of latitude (near enough to choose a level from a resolution)
METRES_PER_DEGREE = 111_320.0
#: below this level tiles span hundreds of kilometres: a regular grid follows the Earth's
#: curvature, which a height-error TIN (pydelatin) cannot see
FIRST_TIN_LEVEL = 10
TIN_CELLS = 256
GRID_CELLS = 64
MAX_LEVEL = 22

LonLatBox = tuple[float, float, float, float]


@dataclass(frozen=True, order=True)
class TileId:
    """One tile: level, column from the antimeridian, row from the south pole (TMS)."""

    z: int
    x: int
    y: int

    @property
    def key(self) -> str:
        return f"{self.z}/{self.x}/{self.y}"

    def parent(self) -> TileId:
        return TileId(self.z - 1, self.x // 2, self.y // 2)


def tile_degrees(z: int) -> float:
    """The width and height of a tile of level ``z``, in degrees."""
    return 180.0 / (1 << z)


def tile_bounds(tile: TileId) -> LonLatBox:
    """West, south, east, north of a tile, in degrees."""
    size = tile_degrees(tile.z)
    return (tile.x * size - 180.0, tile.y * size - 90.0,
            (tile.x + 1) * size - 180.0, (tile.y + 1) * size - 90.0)


def tiles_covering(box: LonLatBox, z: int) -> Iterator[TileId]:
    """Every tile of level ``z`` that a lon/lat box touches (its interior, not a mere edge)."""
    size = tile_degrees(z)
    columns, rows = 2 << z, 1 << z
    x0 = min(columns - 1, max(0, math.floor((box[0] + 180.0) / size)))
    x1 = min(columns - 1, max(0, math.ceil((box[2] + 180.0) / size) - 1))
    y0 = min(rows - 1, max(0, math.floor((box[1] + 90.0) / size)))
    y1 = min(rows - 1, max(0, math.ceil((box[3] + 90.0) / size) - 1))
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            yield TileId(z, x, y)


def roots() -> list[TileId]:
    """Both level-0 tiles: CesiumJS needs the two of them, wherever the data lies."""
    return [TileId(0, 0, 0), TileId(0, 1, 0)]


def level_geometric_error(z: int) -> float:
    """The geometric error CesiumJS allows a tile of level ``z`` (metres)."""
    return LEVEL0_GEOMETRIC_ERROR / (1 << z)


def cells_per_tile(z: int) -> int:
    """Sample cells across a tile: a fine grid for the TIN, a coarser regular one below."""
    return TIN_CELLS if z >= FIRST_TIN_LEVEL else GRID_CELLS


def sample_spacing(z: int) -> float:
    """Metres between two samples of a tile (north-south, the larger spacing)."""
    return tile_degrees(z) * METRES_PER_DEGREE / cells_per_tile(z)


def finest_level(resolution: float) -> int:
    """The first level whose samples are no coarser than 1.5 DTM cells."""
    for z in range(MAX_LEVEL + 1):
        if sample_spacing(z) <= 1.5 * resolution:
            return z
    return MAX_LEVEL


def available_ranges(tiles: Iterable[TileId], z: int) -> list[dict[str, int]]:
    """The tiles of one level as layer.json ranges: runs of columns, merged over equal rows."""
    by_row: dict[int, list[int]] = {}
    for tile in tiles:
        if tile.z == z:
            by_row.setdefault(tile.y, []).append(tile.x)
    runs: list[tuple[int, int, int]] = []
    for y in sorted(by_row):
        columns = sorted(set(by_row[y]))
        start = previous = columns[0]
        for x in columns[1:]:
            if x != previous + 1:
                runs.append((start, previous, y))
                start = x
            previous = x
        runs.append((start, previous, y))
    merged: list[dict[str, int]] = []
    for start, end, y in runs:  # stack identical column runs of consecutive rows
        for rng in merged:
            if rng["startX"] == start and rng["endX"] == end and rng["endY"] == y - 1:
                rng["endY"] = y
                break
        else:
            merged.append({"startX": start, "startY": y, "endX": end, "endY": y})
    return merged
