"""One tileset over many: a root naming built tilesets (blocks) as external tilesets.

A region is built as blocks (docs/scaling.md: Wallonia as 265 blocks of 8 km, each its own
LiDAR layer and build, rebuilt on its own when its files change), and a viewer wants one
entry. The root holds no content: one child per block, whose content is the block's own
``tileset.json`` (3D Tiles "external tileset"), so a block rebuilt and published again is
picked up without touching the root, and a viewer loads only the blocks in view.

Each child's bounding volume is a ``region`` (longitude, latitude in radians; ellipsoidal
heights) enclosing the block's root volume: blocks have their own local frames (a box under
a ``transform``), and a region needs no frame, so children of any frame sit side by side.
The child's geometric error is the block's own (the error of rendering nothing of it); the
root's is at least the largest of them and at least the span of the whole region, so a
viewer refines into the blocks as soon as the region is on screen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tiles.core.ecef import ecef_to_geodetic, geodetic_to_ecef
from tiles.core.tileset import Tile, Tileset, region_volume, tile, tileset_document
from tiles.errors import BuildInputError

ENTRY = "tileset.json"
#: a box's corners, edge middles, face centres and centre along its three half axes: the
#: corners bound longitude and latitude, the bottom face's centre the lowest height (the
#: Earth curves away under a flat face)
BOX_SAMPLES = np.array([[sx, sy, sz] for sx in (-1, 0, 1) for sy in (-1, 0, 1)
                        for sz in (-1, 0, 1)], dtype=np.float64)


@dataclass(frozen=True)
class Block:
    """A built tileset under the root: its folder name (the content uri's first part) and
    its parsed ``tileset.json``."""

    name: str
    document: dict[str, Any]


def block_index(blocks: Sequence[Block], *, version: str, generator: str) -> Tileset:
    """The root tileset over ``blocks`` (at least one), children in the order given; the
    content of child ``name`` is ``name/tileset.json``, relative to the root's folder."""
    if not blocks:
        raise BuildInputError("a block index needs at least one built tileset")
    seen: set[str] = set()
    children: list[Tile] = []
    regions = []
    for block in blocks:
        if block.name in seen or "/" in block.name or block.name.startswith("."):
            raise BuildInputError(f"block {block.name!r}: names must be unique folder names")
        seen.add(block.name)
        region = tileset_region(block)
        regions.append(region)
        error = _geometric_error(block)
        children.append(tile(region_volume(region), error,
                             content_uri=f"{block.name}/{ENTRY}"))
    whole = union_region(regions)
    error = max(max(child["geometricError"] for child in children), region_span_m(whole))
    return tileset_document(tile(region_volume(whole), error, children=children),
                            version=version, generator=generator, geometric_error=error,
                            extras={"blocks": [block.name for block in blocks]})


def tileset_region(block: Block) -> list[float]:
    """The region (radians, metres) enclosing the root volume of ``block``'s tileset."""
    try:
        root = block.document["root"]
        volume = root["boundingVolume"]
    except (KeyError, TypeError) as exc:
        raise BuildInputError(f"block {block.name}: {ENTRY} has no root bounding volume"
                              ) from exc
    if "region" in volume:
        return [float(v) for v in volume["region"]]
    if "box" in volume:
        return _box_region(_box_points(volume["box"]), root.get("transform"))
    if "sphere" in volume:
        x, y, z, radius = (float(v) for v in volume["sphere"])
        cube = [x, y, z, radius, 0.0, 0.0, 0.0, radius, 0.0, 0.0, 0.0, radius]
        return _box_region(_box_points(cube), root.get("transform"))
    raise BuildInputError(f"block {block.name}: unknown root bounding volume "
                          f"{sorted(volume)}")


def union_region(regions: Sequence[Sequence[float]]) -> list[float]:
    """The smallest region holding ``regions`` (none crossing the antimeridian: a commune,
    a region or a country of Europe)."""
    array = np.asarray(regions, dtype=np.float64)
    return [float(array[:, 0].min()), float(array[:, 1].min()), float(array[:, 2].max()),
            float(array[:, 3].max()), float(array[:, 4].min()), float(array[:, 5].max())]


def region_span_m(region: Sequence[float]) -> float:
    """The region's diagonal in metres (corner to corner, heights included)."""
    west, south, east, north, low, high = region
    corners = geodetic_to_ecef(np.degrees(np.array([west, east])),
                               np.degrees(np.array([south, north])), np.array([low, high]))
    return float(np.linalg.norm(corners[1] - corners[0]))


def _geometric_error(block: Block) -> float:
    value = block.document.get("geometricError")
    if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise BuildInputError(f"block {block.name}: {ENTRY} has no valid geometricError")
    return float(value)


def _box_points(box: Sequence[float]) -> NDArray[np.float64]:
    if len(box) != 12:
        raise BuildInputError(f"a box bounding volume has 12 numbers, not {len(box)}")
    centre = np.asarray(box[:3], dtype=np.float64)
    axes = np.asarray(box[3:], dtype=np.float64).reshape(3, 3)
    points: NDArray[np.float64] = centre + BOX_SAMPLES @ axes
    return points


def _box_region(points: NDArray[np.float64], transform: Sequence[float] | None
                ) -> list[float]:
    """The region of a box's `BOX_SAMPLES` given in the root's frame (``transform``:
    column-major 4x4; none for ECEF)."""
    if transform is not None:
        matrix = np.asarray(transform, dtype=np.float64).reshape(4, 4).T
        points = points @ matrix[:3, :3].T + matrix[:3, 3]
    lon, lat, height = ecef_to_geodetic(points)
    lon_r, lat_r = np.radians(lon), np.radians(lat)
    return [float(lon_r.min()), float(lat_r.min()), float(lon_r.max()), float(lat_r.max()),
            float(height.min()), float(height.max())]
