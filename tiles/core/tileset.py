"""tileset.json: bounding volumes, tiles and the document, typed, written in one place.

Products build their tree with `tile` and finish it with `tileset_document`; `write_tileset`
serialises it (never NaN: a viewer would reject the whole tileset). A local frame goes in the
root's ``transform`` (`tiles.core.ecef.LocalFrame.transform`). Trees are explicit: a build
has a few thousand tiles at most, one small JSON; implicit tiling (subtree files) would only
pay off for far larger trees and belongs here when a product needs it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, NotRequired, TypedDict

import numpy as np
from numpy.typing import NDArray

Refine = Literal["ADD", "REPLACE"]


class BoundingVolume(TypedDict, total=False):
    box: list[float]
    region: list[float]


class Content(TypedDict):
    uri: str


class Tile(TypedDict):
    boundingVolume: BoundingVolume
    geometricError: float
    refine: NotRequired[Refine]
    content: NotRequired[Content]
    children: NotRequired[list[Tile]]
    transform: NotRequired[list[float]]


class Asset(TypedDict):
    version: str
    tilesetVersion: str
    generator: str


class Tileset(TypedDict):
    asset: Asset
    geometricError: float
    root: Tile
    extras: NotRequired[dict[str, Any]]


def box_volume(low: NDArray[np.float64], high: NDArray[np.float64]) -> BoundingVolume:
    """An axis-aligned box (in the tile's frame) from its corners: centre and half axes."""
    centre = (low + high) / 2.0
    half = (high - low) / 2.0
    return {"box": [float(centre[0]), float(centre[1]), float(centre[2]),
                    float(half[0]), 0.0, 0.0, 0.0, float(half[1]), 0.0, 0.0, 0.0,
                    float(half[2])]}


def region_volume(region: Sequence[float]) -> BoundingVolume:
    """A region: west, south, east, north (radians), minimum and maximum height (metres)."""
    return {"region": [float(v) for v in region]}


def tile(volume: BoundingVolume, geometric_error: float, refine: Refine = "ADD",
         content_uri: str | None = None, children: list[Tile] | None = None) -> Tile:
    """One tile; children are given only when there are some."""
    node: Tile = {"boundingVolume": volume, "geometricError": geometric_error,
                  "refine": refine}
    if content_uri is not None:
        node["content"] = {"uri": content_uri}
    if children:
        node["children"] = children
    return node


def tileset_document(root: Tile, *, version: str, generator: str, geometric_error: float,
                     extras: dict[str, Any] | None = None) -> Tileset:
    """A 3D Tiles 1.1 tileset; ``version`` is ``asset.tilesetVersion`` (what changed)."""
    document: Tileset = {
        "asset": {"version": "1.1", "tilesetVersion": version, "generator": generator},
        "geometricError": geometric_error,
        "root": root,
    }
    if extras is not None:
        document["extras"] = extras
    return document


def write_tileset(folder: Path, document: Tileset, indent: int | None = None) -> Path:
    """``folder/tileset.json``: compact by default, indented for small, read-by-people ones."""
    if indent is None:
        text = json.dumps(document, separators=(",", ":"), allow_nan=False)
    else:
        text = json.dumps(document, indent=indent, allow_nan=False)
    path = folder / "tileset.json"
    path.write_text(text)
    return path
