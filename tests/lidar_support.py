"""Shared helpers of the LiDAR tests: layer specs and damaged copies of real files."""

from __future__ import annotations

import shutil
from pathlib import Path

from gis.model import LayerSpec

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
