"""SHA-256 of every file of the building and point-cloud tilesets built from sample data.

Recorded once (`python tests/tile_digests.py FOLDER` prints them) and compared by
`tests/unit/test_tiles_identical.py`: a refactoring of the 3D Tiles core (GLB, tileset, ECEF,
swap) must leave every byte of the outputs as it was. The recorded digests were taken before
`tiles.core` existed, with the two products' own writers.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import shapely

from tiles.buildings.build import BuildingSet, build_tileset
from tiles.buildings.metadata import BUILDING_PROPERTIES
from tiles.buildings.synthetic import footprints
from tiles.pointcloud.build import build_pointcloud, sources_from_headers

REPO = Path(__file__).resolve().parent.parent
DELFT_LAZ = REPO / "data" / "delft" / "ahn3_cropped_2.laz"
#: IGN LiDAR HD (point format 8: 16-bit RGB), for the colour attribute and stride 12
COLOUR_LAZ = REPO / "data" / "lidar_fr" / "montpellier" / "test_data_77050_627760_LA93_IGN69.laz"
LA93_IGN69 = "EPSG:2154+5720"
DELFT_ORIGIN = (84900.0, 447500.0)
NAP = "EPSG:28992+5709"


def building_set(count: int, origin: tuple[float, float] = DELFT_ORIGIN,
                 first_fid: int = 1) -> BuildingSet:
    """Synthetic LoD1 buildings (seeded: the same set every run), NAP heights, all metadata."""
    geometries, ground, roof = footprints(count, origin)
    n = len(geometries)
    columns = {
        "id": np.array([f"synthetic/{i}" for i in range(n)], dtype=object),
        "fid": np.arange(n, dtype=np.int64) + first_fid,
        "height": roof - ground, "ground": ground, "roof": roof,
        "vertical_crs": np.full(n, "EPSG:5709", dtype=object),
        "source": np.full(n, "lidar", dtype=object),
        "method": np.full(n, "lidar:p70-class6/ground-ring-median", dtype=object),
        "quality": np.array(["ok", "low_coverage", "é ü ß"] * (n // 3) + ["ok"] * (n % 3),
                            dtype=object),
        "point_count": np.arange(n, dtype=np.int32),
        "coverage": np.linspace(0, 1, n),
    }
    return BuildingSet(NAP, shapely.to_wkb(geometries), ground, roof, BUILDING_PROPERTIES,
                       columns)


def digests(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder`` (hidden build state aside)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build_both(root: Path) -> dict[str, dict[str, str]]:
    """Build both products under ``root``; their digests by product."""
    build_tileset(building_set(2000), root / "buildings", version="digest")
    build_pointcloud(sources_from_headers([DELFT_LAZ], NAP), root / "pointcloud", workers=1)
    build_pointcloud(sources_from_headers([COLOUR_LAZ], LA93_IGN69, rgb_divisor=256),
                     root / "pointcloud_colour", workers=1)
    return {product: digests(root / product)
            for product in ("buildings", "pointcloud", "pointcloud_colour")}


if __name__ == "__main__":
    print(json.dumps(build_both(Path(sys.argv[1])), indent=1, sort_keys=True))
