"""Generated building footprints with realistic shapes and sizes, for benchmarks and tests.

Blocks of houses along streets: rectangles (most), L-shapes, and some larger buildings with a
courtyard (a hole), rotated like a real street grid, 6-25 m wide, 3-30 m high.
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely import affinity
from shapely.geometry import Polygon


def _l_shape(width: float, depth: float, cut_x: float, cut_y: float) -> Polygon:
    return Polygon([(0, 0), (width, 0), (width, depth - cut_y), (width - cut_x, depth - cut_y),
                    (width - cut_x, depth), (0, depth)])


def _shape(rng: np.random.Generator) -> Polygon:
    kind = rng.random()
    width, depth = rng.uniform(6, 25), rng.uniform(7, 18)
    if kind < 0.70:
        return shapely.box(0, 0, width, depth)
    if kind < 0.93:
        return _l_shape(width, depth, width * rng.uniform(0.3, 0.6), depth * rng.uniform(0.3, 0.6))
    outer = shapely.box(0, 0, width + 20, depth + 20)
    return outer.difference(shapely.box(8, 8, width + 12, depth + 12))


def footprints(
    count: int, origin: tuple[float, float], seed: int = 1
) -> tuple[NDArray[np.object_], NDArray[np.float64], NDArray[np.float64]]:
    """``count`` footprints around ``origin`` (projected metres), their ground and roof."""
    rng = np.random.default_rng(seed)
    shapes = [_shape(rng) for _ in range(min(count, 500))]
    per_row = max(1, int(np.sqrt(count)))
    index = np.arange(count)
    x = origin[0] + (index % per_row) * 45.0 + rng.uniform(-3, 3, count)
    y = origin[1] + (index // per_row) * 40.0 + rng.uniform(-3, 3, count)
    angles = rng.uniform(-0.3, 0.3, count)
    geometries = np.empty(count, dtype=object)
    for i in range(count):
        shape = shapes[i % len(shapes)]
        cos, sin = np.cos(angles[i]), np.sin(angles[i])
        geometries[i] = affinity.affine_transform(shape, [cos, -sin, sin, cos, x[i], y[i]])
    ground = rng.uniform(-1.0, 2.0, count)
    roof = ground + rng.uniform(3.0, 30.0, count)
    return geometries, ground, roof
