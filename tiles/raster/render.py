"""Render one Web Mercator map tile of a COG as a PNG: hillshade, colour relief, height
above ground (DSM - DTM) or the image itself (an orthophoto).

rio-tiler reads the COG (the overview nearest the tile's resolution, warped to
WebMercatorQuad); the shading and colouring are a few NumPy lines here so that every style
is the same for every layer and free of a rendering server. Heights are resampled
bilinearly (a nearest-neighbour DEM shades as terraces); images keep rio-tiler's default.
A tile wholly outside the raster is None: the service answers a transparent tile.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal

import numpy as np
from numpy.typing import NDArray
from rio_tiler.errors import TileOutsideBounds
from rio_tiler.io import Reader
from rio_tiler.models import ImageData

Style = Literal["hillshade", "colour-relief", "height", "image"]
DEM_STYLES: Final[tuple[Style, ...]] = ("hillshade", "colour-relief", "height")
TILE_SIZE: Final = 256
#: Web Mercator ground pixel size at zoom 0 on the equator (m)
EQUATOR_PIXEL: Final = 2 * math.pi * 6378137.0 / TILE_SIZE
#: the sun of the classic hillshade: from the north-west, 45 degrees up
AZIMUTH: Final = 315.0
ALTITUDE: Final = 45.0
#: heights above ground beyond this many metres all get the ramp's last colour
HEIGHT_CEILING: Final = 40.0
#: colour relief ramp (hypsometric: low green, mid ochre, high brown-white), stops 0..1
RELIEF_RAMP: Final = ((0.0, (38, 115, 77)), (0.25, (134, 179, 96)), (0.5, (232, 214, 125)),
                      (0.75, (183, 127, 74)), (1.0, (245, 240, 235)))
#: height above ground ramp: transparent at 0 m, then yellow, orange, red, purple
HEIGHT_RAMP: Final = ((0.0, (255, 255, 204)), (0.15, (254, 217, 118)), (0.4, (253, 141, 60)),
                      (0.7, (227, 26, 28)), (1.0, (128, 0, 38)))


@dataclass(frozen=True)
class TileIndex:
    """A WebMercatorQuad tile: zoom, column, row."""

    z: int
    x: int
    y: int

    def valid(self) -> bool:
        return 0 <= self.z <= 24 and 0 <= self.x < 2**self.z and 0 <= self.y < 2**self.z

    def ground_pixel(self) -> float:
        """Ground size of one pixel (m) at the tile's centre latitude."""
        n = 2**self.z
        lat = math.atan(math.sinh(math.pi * (1 - 2 * (self.y + 0.5) / n)))
        return float(EQUATOR_PIXEL / n * math.cos(lat))


def _read(path: Path, tile: TileIndex, buffer: float, resampling: str) -> ImageData | None:
    try:
        with Reader(str(path)) as reader:
            image: ImageData = reader.tile(
                tile.x, tile.y, tile.z, tilesize=TILE_SIZE, buffer=buffer,
                indexes=None if resampling == "nearest" else 1,
                resampling_method=resampling, reproject_method=resampling)
            return image
    except TileOutsideBounds:
        return None


@lru_cache(maxsize=64)
def _value_range(path: str, stamp: int) -> tuple[float, float]:
    """The 2nd and 98th percentile of a DEM (from a small overview read): the colour relief
    spans what the commune holds, not a tile's own range (tiles would not match)."""
    del stamp  # part of the cache key: a rebuilt file has another modification time
    with Reader(path) as reader:
        preview = reader.preview(max_size=256, indexes=1)
    values = preview.array.compressed() if np.ma.isMaskedArray(preview.array) else preview.data
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return 0.0, 1.0
    low, high = np.percentile(values, [2, 98])
    return float(low), float(max(high, low + 1.0))


def value_range(path: Path) -> tuple[float, float]:
    return _value_range(str(path), path.stat().st_mtime_ns)


def _band(image: ImageData) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """The first band as floats and where it holds data."""
    return image.array.data[0].astype(np.float64), ~np.ma.getmaskarray(image.array)[0]


def hillshade(heights: NDArray[np.float64], pixel: float) -> NDArray[np.float64]:
    """Central-difference hillshade (0..1) of a buffered grid (one pixel each side);
    the result is the inner grid. ``pixel`` is the ground size of a cell in metres."""
    dz_dx = (heights[1:-1, 2:] - heights[1:-1, :-2]) / (2 * pixel)
    dz_dy = (heights[:-2, 1:-1] - heights[2:, 1:-1]) / (2 * pixel)  # rows run south
    slope = np.arctan(np.hypot(dz_dx, dz_dy))
    aspect = np.arctan2(dz_dy, -dz_dx)
    zenith = math.radians(90.0 - ALTITUDE)
    azimuth = math.radians(360.0 - AZIMUTH + 90.0)
    shade = (math.cos(zenith) * np.cos(slope)
             + math.sin(zenith) * np.sin(slope) * np.cos(azimuth - aspect))
    return np.clip(shade, 0.0, 1.0)


def ramp(values: NDArray[np.float64],
         stops: tuple[tuple[float, tuple[int, int, int]], ...]) -> NDArray[np.uint8]:
    """Colours (rows, cols, 3) of values in 0..1 along a piecewise-linear ramp."""
    positions = np.array([s[0] for s in stops])
    colours = np.array([s[1] for s in stops], dtype=np.float64)
    clipped = np.clip(values, 0.0, 1.0)
    channels = [np.interp(clipped, positions, colours[:, c]) for c in range(3)]
    return np.stack(channels, axis=-1).round().astype(np.uint8)


def png(rgb: NDArray[np.uint8], alpha: NDArray[np.bool_]) -> bytes:
    """An RGBA PNG: ``alpha`` False is transparent (no data)."""
    bands = np.concatenate([np.moveaxis(rgb, -1, 0),
                            (alpha * 255).astype(np.uint8)[np.newaxis]], axis=0)
    return ImageData(bands).render(add_mask=False, img_format="PNG")


def render_hillshade(dem: Path, tile: TileIndex) -> bytes | None:
    image = _read(dem, tile, 1, "bilinear")
    if image is None:
        return None
    heights, valid = _band(image)
    shade = hillshade(np.where(valid, heights, np.nanmean(np.where(valid, heights, np.nan))
                               if valid.any() else 0.0), tile.ground_pixel())
    grey = (shade * 255).round().astype(np.uint8)
    return png(np.repeat(grey[..., np.newaxis], 3, axis=-1), valid[1:-1, 1:-1])


def render_relief(dem: Path, tile: TileIndex) -> bytes | None:
    """Colour relief over the DEM's own height range, shaded so slopes still read."""
    image = _read(dem, tile, 1, "bilinear")
    if image is None:
        return None
    heights, valid = _band(image)
    low, high = value_range(dem)
    filled = np.where(valid, heights, low)
    colours = ramp((filled[1:-1, 1:-1] - low) / (high - low), RELIEF_RAMP).astype(np.float64)
    shade = 0.55 + 0.45 * hillshade(filled, tile.ground_pixel())
    shaded = (colours * shade[..., np.newaxis]).round().astype(np.uint8)
    return png(shaded, valid[1:-1, 1:-1])


def height_above_ground(dsm: NDArray[np.float64], dtm: NDArray[np.float64]
                        ) -> NDArray[np.float64]:
    """DSM - DTM, never below 0 (a DSM cell below its DTM is noise: nothing stands there)."""
    return np.maximum(dsm - dtm, 0.0)


def render_height(dsm: Path, dtm: Path, tile: TileIndex) -> bytes | None:
    """Height above ground: transparent where nothing stands (< 0.5 m) or no data."""
    top, ground = _read(dsm, tile, 0, "bilinear"), _read(dtm, tile, 0, "bilinear")
    if top is None or ground is None:
        return None
    (surface, on_top), (terrain, on_ground) = _band(top), _band(ground)
    height = height_above_ground(surface, terrain)
    colours = ramp(height / HEIGHT_CEILING, HEIGHT_RAMP)
    return png(colours, on_top & on_ground & (height >= 0.5))


def read_height_above_ground(dsm: Path, dtm: Path, tile: TileIndex
                             ) -> NDArray[np.float64] | None:
    """The metres a PNG of `render_height` colours (masked cells are NaN), for checks."""
    top, ground = _read(dsm, tile, 0, "bilinear"), _read(dtm, tile, 0, "bilinear")
    if top is None or ground is None:
        return None
    (surface, on_top), (terrain, on_ground) = _band(top), _band(ground)
    return np.where(on_top & on_ground, height_above_ground(surface, terrain), np.nan)


def render_image(image_path: Path, tile: TileIndex) -> bytes | None:
    """An orthophoto's tile: its first three bands (grey repeated), its mask as alpha."""
    image = _read(image_path, tile, 0, "nearest")
    if image is None:
        return None
    data = image.array.data
    rgb = data[:3] if data.shape[0] >= 3 else np.repeat(data[:1], 3, axis=0)
    if rgb.dtype != np.uint8:
        rgb = np.clip(rgb, 0, 255)
    valid: NDArray[np.bool_] = np.asarray(~np.ma.getmaskarray(image.array).all(axis=0))
    return png(np.moveaxis(rgb.astype(np.uint8), 0, -1), valid)


def transparent_tile() -> bytes:
    """The tile answered outside the raster: 256 x 256, fully transparent."""
    return _transparent()


@lru_cache(maxsize=1)
def _transparent() -> bytes:
    return png(np.zeros((TILE_SIZE, TILE_SIZE, 3), np.uint8),
               np.zeros((TILE_SIZE, TILE_SIZE), bool))
