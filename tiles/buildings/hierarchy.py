"""The spatial hierarchy of a building tileset: a quadtree over the footprints' centres.

Leaves hold content (at most ``max_features`` buildings each); inner tiles are empty and only
steer streaming: refine ``ADD``, geometricError proportional to the tile's size, so CesiumJS
loads a 250 m leaf only when it is closer than a few kilometres, and a whole commune never
comes down at once. Bounding volumes are regions computed from the written vertices, and a
parent's region is the union of its children's, so they contain their content by
construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tiles.core.tileset import Tile, Tileset, region_volume, tile, tileset_document

#: geometricError of an inner tile, per metre of its side: a leaf of 250 m (parent 500 m)
#: is refined into from ~3 km at the default screen-space error of 16 on a 1080 p screen.
ERROR_PER_METRE = 0.1
MAX_DEPTH = 16


@dataclass
class QuadNode:
    """A square of the storage CRS with its buildings (leaves) or its children."""

    level: int
    x: int
    y: int
    bounds: tuple[float, float, float, float]
    members: NDArray[np.int64]
    children: list[QuadNode] = field(default_factory=list)
    region: tuple[float, ...] | None = None

    @property
    def side(self) -> float:
        return self.bounds[2] - self.bounds[0]

    @property
    def name(self) -> str:
        return f"{self.level}/{self.x}_{self.y}"

    def leaves(self) -> list[QuadNode]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]


def _square(centres: NDArray[np.float64]) -> tuple[float, float, float, float]:
    low, high = centres.min(axis=0), centres.max(axis=0)
    side = max(float((high - low).max()), 1.0) * (1 + 1e-9)
    return float(low[0]), float(low[1]), float(low[0]) + side, float(low[1]) + side


def _split(node: QuadNode, centres: NDArray[np.float64], max_features: int) -> None:
    if node.members.size <= max_features or node.level >= MAX_DEPTH:
        return
    minx, miny, maxx, maxy = node.bounds
    midx, midy = (minx + maxx) / 2, (miny + maxy) / 2
    points = centres[node.members]
    east = points[:, 0] >= midx
    north = points[:, 1] >= midy
    for quadrant_east in (False, True):
        for quadrant_north in (False, True):
            chosen = node.members[(east == quadrant_east) & (north == quadrant_north)]
            if chosen.size == 0:
                continue
            child = QuadNode(
                level=node.level + 1,
                x=2 * node.x + int(quadrant_east),
                y=2 * node.y + int(quadrant_north),
                bounds=(midx if quadrant_east else minx, midy if quadrant_north else miny,
                        maxx if quadrant_east else midx, maxy if quadrant_north else midy),
                members=chosen,
            )
            _split(child, centres, max_features)
            node.children.append(child)
    node.members = np.empty(0, dtype=np.int64)


def partition(centres: NDArray[np.float64], max_features: int) -> QuadNode:
    """The quadtree of building centres (storage CRS metres), split until leaves are small."""
    root = QuadNode(0, 0, 0, _square(centres), np.arange(centres.shape[0], dtype=np.int64))
    _split(root, centres, max_features)
    return root


def _union(regions: list[tuple[float, ...]]) -> tuple[float, ...]:
    stacked = np.array(regions)
    return (*stacked[:, [0, 1]].min(axis=0), *stacked[:, [2, 3]].max(axis=0),
            stacked[:, 4].min(), stacked[:, 5].max())


def _tile_json(node: QuadNode, content_uri: dict[str, str]) -> Tile:
    if node.children:
        children = [_tile_json(child, content_uri) for child in node.children]
        node.region = _union([child.region for child in node.children if child.region])
        return tile(region_volume(node.region), node.side * ERROR_PER_METRE,
                    children=children)
    if node.region is None:
        raise ValueError(f"leaf {node.name} has no region: its content was not written")
    return tile(region_volume(node.region), 0.0, content_uri=content_uri[node.name])


def tileset_json(
    root: QuadNode, content_uri: dict[str, str], version: str, extras: dict[str, Any]
) -> Tileset:
    """The tileset.json of a partitioned tree whose leaves carry their regions."""
    return tileset_document(_tile_json(root, content_uri), version=version,
                            generator="commune-twin tiles.buildings",
                            geometric_error=max(root.side * ERROR_PER_METRE * 2, 1.0),
                            extras=extras)
