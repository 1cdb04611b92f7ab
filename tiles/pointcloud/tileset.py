"""tileset.json from the written tiles: bounding boxes, geometric errors, ADD refinement.

A node's box is the union of its own points and its children's boxes, so children always lie
inside their parent. A node's geometricError is its sampling spacing (node side / GRID): the
largest gap a viewer sees when this tile is drawn without its children. Leaves have 0.
"""

from __future__ import annotations

import numpy as np

from tiles.core import tileset as core
from tiles.core.ecef import LocalFrame
from tiles.core.tileset import Tile, Tileset, box_volume, tile
from tiles.pointcloud.cells import GRID, Cube, node_name
from tiles.pointcloud.octree import NodeInfo

#: Boxes are padded by this much (metres) so that flat or single-point tiles are not degenerate.
BOX_PADDING = 0.01


def _bounds(cube: Cube, node: NodeInfo) -> tuple[np.ndarray, np.ndarray]:
    origin = np.asarray(cube.origin)
    low = origin + np.asarray(node.low) / 1000.0 - BOX_PADDING
    high = origin + np.asarray(node.high) / 1000.0 + BOX_PADDING
    return low, high


def tileset_document(cube: Cube, frame: LocalFrame, nodes: list[NodeInfo], version: str,
                     content_prefix: str = "content/") -> Tileset:
    """The whole tileset.json (one file: a few thousand tiles at most per build)."""
    by_key = {(n.level, n.code): n for n in nodes}
    children: dict[tuple[int, int], list[tuple[int, int]]] = {key: [] for key in by_key}
    for level, code in by_key:
        if level > 0:
            parent = (level - 1, code >> 3)
            if parent not in children:
                raise ValueError(f"tile {node_name(level, code)} has no parent tile")
            children[parent].append((level, code))

    def subtree(key: tuple[int, int]) -> tuple[Tile, np.ndarray, np.ndarray]:
        node = by_key[key]
        low, high = _bounds(cube, node)
        kids = [subtree(child) for child in sorted(children[key])]
        for _, kid_low, kid_high in kids:
            low, high = np.minimum(low, kid_low), np.maximum(high, kid_high)
        geometric_error = cube.node_size_m(node.level) / GRID if kids else 0.0
        return (tile(box_volume(low, high), geometric_error,
                     content_uri=f"{content_prefix}{node_name(*key)}.glb",
                     children=[kid for kid, _, _ in kids]), low, high)

    root, _, _ = subtree((0, 0))
    root["transform"] = frame.transform()
    return core.tileset_document(
        root, version=version, generator="commune-twin tiles.pointcloud",
        geometric_error=max(root["geometricError"] * 2.0, cube.node_size_m(0) / GRID))
