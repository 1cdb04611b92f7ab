"""Shared helpers of the LiDAR tests: layer specs and damaged copies of real files."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import laspy
import numpy as np
import pyproj

from gis.model import LayerSpec
from tiles.pointcloud.build import sources_from_headers
from tiles.pointcloud.partition import PointSource

REPO = Path(__file__).resolve().parent.parent
DELFT = sorted((REPO / "data" / "delft").glob("ahn3_cropped_*.laz"))
MONTPELLIER = sorted((REPO / "data" / "lidar_fr" / "montpellier").glob("*.laz"))
LIDARPROD = sorted((REPO / "data" / "lidar_fr" / "lidarprod").glob("*.laz"))


def lidar_spec(layer_id: str, access_level: str = "open") -> LayerSpec:
    return LayerSpec.model_validate({
        "id": layer_id, "kind": "lidar", "title": {"en": f"LiDAR {layer_id}"},
        "producer": "tests", "contact_point": {"name": "t", "email": "t@example.org"},
        "licence": "CC0", "update_frequency": "IRREG", "access_level": access_level,
    })


def truncated_copy(source: Path, target: Path, keep: float = 0.6) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target


def corrupt_copy(source: Path, target: Path) -> Path:
    """Same size and header, point data overwritten with garbage in the middle."""
    shutil.copyfile(source, target)
    size = target.stat().st_size
    with target.open("r+b") as stream:
        stream.seek(size // 2)
        stream.write(bytes((i * 7919) % 251 for i in range(20000)))
    return target


def copy_with_crs(source: Path, target: Path, crs: str) -> Path:
    """A copy of a LAS/LAZ file that declares ``crs`` in a WKT VLR (LAS 1.4 style)."""
    import laspy
    import pyproj

    las = laspy.read(source)
    las.header.add_crs(pyproj.CRS.from_user_input(crs))
    las.write(target)
    return target


# -- synthetic tiles (no database): RD New + NAP near Delft --------------------------------

CRS = "EPSG:28992+5709"
SIDE = 200.0
ORIGIN = (84000.0, 446000.0)


def write_tile(path: Path, column: int, row: int, points: int = 40_000, seed: int = 0) -> Path:
    """A LiDAR-like tile (ground, roofs) at grid place (column, row), in RD New + NAP."""
    rng = np.random.default_rng(seed * 100 + column * 10 + row)
    header = laspy.LasHeader(point_format=6, version="1.4")
    header.scales = np.array([0.001, 0.001, 0.001])
    header.offsets = np.array([ORIGIN[0], ORIGIN[1], 0.0])
    header.add_crs(pyproj.CRS.from_user_input("EPSG:7415"))
    las = laspy.LasData(header)
    x = ORIGIN[0] + column * SIDE + rng.uniform(0, SIDE, points)
    y = ORIGIN[1] + row * SIDE + rng.uniform(0, SIDE, points)
    roof = ((x % 40) < 15) & ((y % 40) < 12)
    las.x, las.y = x, y
    las.z = np.where(roof, 9.0, 0.0) + rng.uniform(-0.2, 0.2, points)
    las.classification = np.where(roof, 6, 2).astype(np.uint8)
    las.intensity = rng.integers(0, 4000, points).astype(np.uint16)
    las.write(path)
    return path


def sources(paths: list[Path]) -> list[PointSource]:
    """Sources with their checksums, as the LiDAR index gives them."""
    return [PointSource(s.path, s.crs, s.point_count, s.bounds, s.rgb_divisor,
                        hashlib.sha256(Path(s.path).read_bytes()).hexdigest())
            for s in sources_from_headers(paths, CRS)]
