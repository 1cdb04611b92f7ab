"""The terrain's entry document, ``layer.json``, as CesiumJS 1.145 reads it.

``available`` lists every level's tiles as TMS ranges (both level-0 roots always), for any
client. CesiumJS, when ``metadataAvailability`` is set, takes its availability from the
metadata extension of the tiles at multiples of that many levels instead (each carries the
ranges of the levels below it, `metadata_of`), so it learns of a subtree's tiles only when
it reaches it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from tiles.terrain.scheme import TileId, available_ranges

#: levels of availability each metadata-carrying tile describes
METADATA_LEVELS = 10
EXTENSIONS = ["octvertexnormals", "metadata"]


def layer_json(name: str, tiles: Collection[TileId], max_zoom: int, bounds: list[float],
               version: str, attribution: str = "") -> dict[str, Any]:
    return {
        "tilejson": "2.1.0", "name": name, "description": f"Terrain {name} from its DTM",
        "version": "1.0.0", "format": "quantized-mesh-1.0", "scheme": "tms",
        "attribution": attribution, "projection": "EPSG:4326",
        "tiles": ["{z}/{x}/{y}.terrain"], "minzoom": 0, "maxzoom": max_zoom,
        "bounds": [-180.0, -90.0, 180.0, 90.0], "dataBounds": bounds,
        "extensions": EXTENSIONS, "metadataAvailability": METADATA_LEVELS,
        "available": [available_ranges(tiles, z) for z in range(max_zoom + 1)],
        "buildVersion": version,
    }


def metadata_of(tile: TileId, tiles: Collection[TileId], max_zoom: int
                ) -> dict[str, Any] | None:
    """The metadata extension of a tile: its subtree's ranges for the next levels, on the
    tiles CesiumJS reads them from (levels multiple of `METADATA_LEVELS`)."""
    if tile.z % METADATA_LEVELS:
        return None
    levels = []
    for z in range(tile.z + 1, min(tile.z + METADATA_LEVELS, max_zoom) + 1):
        shift = z - tile.z
        below = [t for t in tiles if t.z == z and t.x >> shift == tile.x
                 and t.y >> shift == tile.y]
        levels.append(available_ranges(below, z))
    return {"available": levels}
