"""Roof and ground heights of building footprints from classified LiDAR points.

Per footprint:

* roof: the ``roof_percentile`` (70th by default, as the 3DBAG's LoD1.2 roof height) of the
  building-class (6) points inside the footprint; where the file has too few of them, of the
  first returns that are not ground or water (method ``first-return``);
* ground: the median of the ground-class (2) points in a ring around the footprint
  (``ring`` metres wide, widened three times when it holds too few points);
* coverage: the share of the footprint's cells (``cell`` metres) holding at least one point.

Buildings with fewer than ``min_points`` roof points or without ground points get no height
and a flag saying why: heights are never invented.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from gis.city.points import BUILDING, GROUND, WATER, Points


@dataclass(frozen=True)
class HeightParameters:
    """The knobs of the LiDAR method; stored with every run."""

    roof_percentile: float = 70.0
    min_points: int = 10
    min_ground_points: int = 5
    ring: float = 3.0
    cell: float = 1.0
    low_coverage: float = 0.5

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def label(self) -> str:
        return f"p{self.roof_percentile:g}"


@dataclass
class Heights:
    """One value per footprint (NaN / -1 when unknown) plus the method and flag of each."""

    roof: NDArray[np.float64]
    ground: NDArray[np.float64]
    point_count: NDArray[np.int64]
    ground_point_count: NDArray[np.int64]
    coverage: NDArray[np.float64]
    method: list[str] = field(default_factory=list)
    flag: list[str] = field(default_factory=list)

    @classmethod
    def empty(cls, count: int) -> Heights:
        return cls(np.full(count, np.nan), np.full(count, np.nan), np.zeros(count, np.int64),
                   np.zeros(count, np.int64), np.zeros(count), [""] * count, [""] * count)

    @property
    def height(self) -> NDArray[np.float64]:
        result: NDArray[np.float64] = self.roof - self.ground
        return result


@dataclass(frozen=True)
class _Index:
    """A k-d tree over some points and their heights."""

    tree: cKDTree
    xy: NDArray[np.float64]
    z: NDArray[np.float64]

    @classmethod
    def of(cls, points: Points) -> _Index:
        xy = np.ascontiguousarray(points.xyz[:, :2])
        return cls(cKDTree(xy if len(xy) else np.zeros((1, 2))), xy, points.xyz[:, 2])

    def inside(self, polygon: shapely.Geometry, centre: NDArray[np.float64],
               radius: float) -> NDArray[np.int64]:
        if self.xy.shape[0] == 0:
            return np.empty(0, dtype=np.int64)
        near = np.asarray(self.tree.query_ball_point(centre, radius), dtype=np.int64)
        if near.size == 0:
            return near
        inside: NDArray[np.bool_] = shapely.contains_xy(polygon, self.xy[near, 0],
                                                         self.xy[near, 1])
        return near[inside]


def _coverage(polygon: shapely.Geometry, xy: NDArray[np.float64], cell: float) -> float:
    """Share of the footprint's cells (centre inside) that hold at least one point."""
    minx, miny, maxx, maxy = polygon.bounds
    nx, ny = max(1, int(np.ceil((maxx - minx) / cell))), max(1, int(np.ceil((maxy - miny) / cell)))
    gx, gy = np.meshgrid(minx + (np.arange(nx) + 0.5) * cell, miny + (np.arange(ny) + 0.5) * cell)
    inside = shapely.contains_xy(polygon, gx.ravel(), gy.ravel())
    total = int(inside.sum())
    if total == 0:
        return 1.0 if xy.shape[0] else 0.0
    col = np.clip(((xy[:, 0] - minx) / cell).astype(np.int64), 0, nx - 1)
    row = np.clip(((xy[:, 1] - miny) / cell).astype(np.int64), 0, ny - 1)
    occupied = np.zeros(nx * ny, dtype=bool)
    occupied[row * nx + col] = True
    return float((occupied & inside).sum() / total)


def _radius(polygon: shapely.Geometry) -> float:
    minx, miny, maxx, maxy = polygon.bounds
    return float(np.hypot(maxx - minx, maxy - miny) / 2)


def _ground(polygon: shapely.Geometry, ground: _Index, params: HeightParameters
            ) -> tuple[float, int]:
    centre = np.asarray(shapely.centroid(shapely.envelope(polygon)).coords[0])
    for width in (params.ring, params.ring * 3):
        ring = shapely.difference(shapely.buffer(polygon, width, quad_segs=2), polygon)
        shapely.prepare(ring)
        chosen = ground.inside(ring, centre, _radius(polygon) + width)
        if chosen.size >= params.min_ground_points:
            return float(np.median(ground.z[chosen])), int(chosen.size)
    return float("nan"), 0


def derive_heights(
    footprints: NDArray[np.object_], points: Points, params: HeightParameters
) -> Heights:
    """Roof, ground, point count, coverage, method and flag of every footprint."""
    result = Heights.empty(len(footprints))
    classes = points.classification
    building = _Index.of(points.subset(classes == BUILDING))
    fallback = _Index.of(points.subset(points.first_return & ~np.isin(classes, (GROUND, WATER))))
    ground = _Index.of(points.subset(classes == GROUND))
    for i, polygon in enumerate(footprints):
        shapely.prepare(polygon)
        centre = np.asarray(shapely.centroid(shapely.envelope(polygon)).coords[0])
        radius = _radius(polygon)
        method, source = f"lidar:{params.label}-class6", building
        chosen = building.inside(polygon, centre, radius)
        if chosen.size < params.min_points:
            method, source = f"lidar:{params.label}-first-return", fallback
            chosen = fallback.inside(polygon, centre, radius)
        result.method[i] = method + "/ground-ring-median"
        result.point_count[i] = chosen.size
        result.coverage[i] = _coverage(polygon, source.xy[chosen], params.cell)
        if chosen.size >= params.min_points:
            result.roof[i] = float(np.percentile(source.z[chosen], params.roof_percentile))
        result.ground[i], result.ground_point_count[i] = _ground(polygon, ground, params)
        result.flag[i] = _flag(result, i, params)
    return result


def _flag(result: Heights, i: int, params: HeightParameters) -> str:
    if result.point_count[i] < params.min_points:
        result.roof[i] = np.nan
        return "few_points"
    if not np.isfinite(result.ground[i]):
        return "no_ground"
    if result.coverage[i] < params.low_coverage:
        return "low_coverage"
    return "ok"
