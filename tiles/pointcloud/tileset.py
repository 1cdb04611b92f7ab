"""tileset.json from the written tiles: bounding boxes, geometric errors, ADD refinement.

A node's box is the union of its own points and its children's boxes, so children always lie
inside their parent. A node's geometricError is its sampling spacing (node side / GRID): the
largest gap a viewer sees when this tile is drawn without its children. Leaves have 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tiles.pointcloud.cells import GRID, Cube, node_name
from tiles.pointcloud.frame import LocalFrame
from tiles.pointcloud.octree import NodeInfo

#: Boxes are padded by this much (metres) so that flat or single-point tiles are not degenerate.
BOX_PADDING = 0.01


def _bounds(cube: Cube, node: NodeInfo) -> tuple[np.ndarray, np.ndarray]:
    origin = np.asarray(cube.origin)
    low = origin + np.asarray(node.low) / 1000.0 - BOX_PADDING
    high = origin + np.asarray(node.high) / 1000.0 + BOX_PADDING
    return low, high


def _box(low: np.ndarray, high: np.ndarray) -> list[float]:
    centre = (low + high) / 2.0
    half = (high - low) / 2.0
    return [float(centre[0]), float(centre[1]), float(centre[2]),
            float(half[0]), 0.0, 0.0, 0.0, float(half[1]), 0.0, 0.0, 0.0, float(half[2])]


def tileset_document(cube: Cube, frame: LocalFrame, nodes: list[NodeInfo], version: str,
                     content_prefix: str = "content/") -> dict[str, Any]:
    """The whole tileset.json (one file: a few thousand tiles at most per build)."""
    by_key = {(n.level, n.code): n for n in nodes}
    children: dict[tuple[int, int], list[tuple[int, int]]] = {key: [] for key in by_key}
    for level, code in by_key:
        if level > 0:
            parent = (level - 1, code >> 3)
            if parent not in children:
                raise ValueError(f"tile {node_name(level, code)} has no parent tile")
            children[parent].append((level, code))

    def tile(key: tuple[int, int]) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
        node = by_key[key]
        low, high = _bounds(cube, node)
        kids = [tile(child) for child in sorted(children[key])]
        for _, kid_low, kid_high in kids:
            low, high = np.minimum(low, kid_low), np.maximum(high, kid_high)
        document: dict[str, Any] = {
            "boundingVolume": {"box": _box(low, high)},
            "geometricError": cube.node_size_m(node.level) / GRID if kids else 0.0,
            "refine": "ADD",
            "content": {"uri": f"{content_prefix}{node_name(*key)}.glb"},
        }
        if kids:
            document["children"] = [kid for kid, _, _ in kids]
        return document, low, high

    root, _, _ = tile((0, 0))
    root["transform"] = frame.transform()
    return {
        "asset": {"version": "1.1", "tilesetVersion": version,
                  "generator": "commune-twin tiles.pointcloud"},
        "geometricError": max(root["geometricError"] * 2.0, cube.node_size_m(0) / GRID),
        "root": root,
    }
