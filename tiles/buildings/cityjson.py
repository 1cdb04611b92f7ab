"""The LOD1 city model as CityJSON 2.0: one Building per footprint, a Solid per part.

Coordinates stay in the storage CRS with the heights' vertical datum (EPSG:7415 for RD New +
NAP), as integers with a millimetre ``transform``; shared vertices are written once. Surfaces
carry semantics (roof, ground, wall) and are oriented outwards (CCW seen from outside), the
same prisms as the 3D Tiles.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from gis.geodesy import parse_crs
from tiles.buildings.build import BuildingSet

SCALE = 0.001
SEMANTICS = [{"type": "RoofSurface"}, {"type": "GroundSurface"}, {"type": "WallSurface"}]


class _Vertices:
    """Integer vertices collected while walking the buildings (deduplicated at the end)."""

    def __init__(self) -> None:
        self.chunks: list[NDArray[np.float64]] = []
        self.count = 0

    def add(self, xyz: NDArray[np.float64]) -> NDArray[np.int64]:
        self.chunks.append(xyz)
        first = self.count
        self.count += xyz.shape[0]
        return np.arange(first, self.count, dtype=np.int64)


def _part_shell(polygon: shapely.Polygon, ground: float, roof: float,
                vertices: _Vertices) -> tuple[list[Any], list[int]]:
    """Boundaries (one shell) and semantic values of one extruded polygon."""
    rings = [polygon.exterior, *polygon.interiors]
    roof_rings, floor_rings, walls = [], [], []
    for ring in rings:
        xy = np.asarray(ring.coords)[:-1, :2]
        bottom = vertices.add(np.column_stack([xy, np.full(len(xy), ground)]))
        top = vertices.add(np.column_stack([xy, np.full(len(xy), roof)]))
        roof_rings.append(top.tolist())
        floor_rings.append(bottom[::-1].tolist())
        following = np.roll(np.arange(len(xy)), -1)
        walls += [[[int(bottom[i]), int(bottom[j]), int(top[j]), int(top[i])]]
                  for i, j in zip(range(len(xy)), following, strict=True)]
    shell = [roof_rings, floor_rings, *walls]
    return [shell], [0, 1] + [2] * len(walls)


def _geometry(footprint: shapely.Geometry, ground: float, roof: float,
              vertices: _Vertices) -> dict[str, Any]:
    parts = shapely.get_parts(shapely.orient_polygons(
        shapely.simplify(shapely.remove_repeated_points(footprint), 0.0), exterior_cw=False))
    solids = [_part_shell(p, ground, roof, vertices) for p in parts if p.area > 0]
    if len(solids) == 1:
        boundaries, values = solids[0]
        return {"type": "Solid", "lod": "1", "boundaries": boundaries,
                "semantics": {"surfaces": SEMANTICS, "values": [values]}}
    return {"type": "MultiSolid", "lod": "1", "boundaries": [s[0] for s in solids],
            "semantics": {"surfaces": SEMANTICS, "values": [[s[1]] for s in solids]}}


def _attributes(buildings: BuildingSet, index: int) -> dict[str, Any]:
    columns = buildings.columns
    attributes: dict[str, Any] = {
        "fid": int(columns["fid"][index]),
        "measuredHeight": round(float(columns["height"][index]), 3),
        "ground": round(float(buildings.ground[index]), 3),
        "roof": round(float(buildings.roof[index]), 3),
    }
    for name in ("vertical_crs", "source", "method", "quality", "cadastral_reference"):
        if name in columns and columns[name][index]:
            attributes[name] = str(columns[name][index])
    if int(columns["point_count"][index]) >= 0:
        attributes["point_count"] = int(columns["point_count"][index])
        attributes["coverage"] = round(float(columns["coverage"][index]), 4)
    return attributes


def _remap(boundaries: Any, mapping: NDArray[np.int64]) -> Any:
    if isinstance(boundaries, list):
        return [_remap(item, mapping) for item in boundaries]
    return int(mapping[boundaries])


def reference_system(crs: str) -> str:
    """The OGC URL of the (compound) CRS, e.g. EPSG:28992+5709 -> .../EPSG/0/7415."""
    parsed = parse_crs(crs)
    code = parsed.to_epsg()
    if code is None and parsed.is_compound:
        code = parsed.sub_crs_list[0].to_epsg()
    return f"https://www.opengis.net/def/crs/EPSG/0/{code}"


def city_model(buildings: BuildingSet, title: str) -> dict[str, Any]:
    """The CityJSON 2.0 document of ``buildings``."""
    vertices = _Vertices()
    objects: dict[str, Any] = {}
    footprints = shapely.from_wkb(buildings.wkb)
    for index, footprint in enumerate(footprints):
        geometry = _geometry(footprint, float(buildings.ground[index]),
                             float(buildings.roof[index]), vertices)
        objects[str(buildings.columns["id"][index])] = {
            "type": "Building", "attributes": _attributes(buildings, index),
            "geometry": [geometry],
        }
    xyz = np.concatenate(vertices.chunks) if vertices.chunks else np.zeros((0, 3))
    origin = np.floor(xyz.min(axis=0)) if xyz.size else np.zeros(3)
    quantised = np.round((xyz - origin) / SCALE).astype(np.int64)
    unique, mapping = np.unique(quantised, axis=0, return_inverse=True)
    mapping = mapping.reshape(-1)
    for item in objects.values():
        item["geometry"][0]["boundaries"] = _remap(item["geometry"][0]["boundaries"], mapping)
    low, high = (xyz.min(axis=0), xyz.max(axis=0)) if xyz.size else (origin, origin)
    return {
        "type": "CityJSON", "version": "2.0",
        "transform": {"scale": [SCALE] * 3, "translate": [float(v) for v in origin]},
        "metadata": {
            "title": title,
            "referenceSystem": reference_system(buildings.crs),
            "geographicalExtent": [*(float(v) for v in low), *(float(v) for v in high)],
        },
        "CityObjects": objects,
        "vertices": unique.tolist(),
    }
