"""Evaluate a placement lattice: source coordinates to millimetres in the octree cube, fast.

`frame.PlacementLattice` builds the lattice with PROJ in the coordinating process; what the
partition workers receive is this numpy-only table, so they never import pyproj nor create a
PROJ transformer (a quarter of a second each). Per lattice cell it holds the bilinear
coefficients of the ellipsoid-height-zero surface A(x, y) and the unit normal n at the cell
centre, already in millimetres from the cube corner: a point costs five table look-ups and a
few multiply-adds per axis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
#: Per cell and axis: A00, dA/dtx, dA/dty, d2A/dtx.dty (mm) and the normal (mm per metre).
COEFFICIENTS = 5
#: Points per block: the scratch arrays of a block stay in cache and are reused.
BLOCK_POINTS = 32_768
INT32_LOW, INT32_HIGH = -(2**31), 2**31 - 1


@dataclass(frozen=True)
class Placement:
    """``table[axis, coefficient, cell]`` over cells of ``step`` metres from (x0, y0)."""

    x0: float
    y0: float
    step: float
    nx: int  # lattice nodes along x (cells: nx - 1)
    ny: int
    table: F64

    @classmethod
    def from_nodes(cls, x0: float, y0: float, step: float, base_mm: F64, normal_mm: F64
                   ) -> Placement:
        """From node values (ny, nx, 3): A in mm from the cube corner, n in mm per metre."""
        ny, nx, _ = base_mm.shape
        b00, b01 = base_mm[:-1, :-1], base_mm[:-1, 1:]
        b10, b11 = base_mm[1:, :-1], base_mm[1:, 1:]
        centre = (normal_mm[:-1, :-1] + normal_mm[:-1, 1:] + normal_mm[1:, :-1]
                  + normal_mm[1:, 1:]) / 4.0
        parts = (b00, b01 - b00, b10 - b00, b11 - b10 - b01 + b00, centre)
        table = np.stack([p.reshape(-1, 3).T for p in parts], axis=1)  # (3, 5, cells)
        return cls(x0, y0, step, nx, ny, np.ascontiguousarray(table))

    def place_mm(self, x: F64, y: F64, z: F64) -> tuple[F64, F64, F64]:
        """Millimetres (float, not rounded) from the cube corner of points in the source CRS."""
        out = (np.empty(len(x)), np.empty(len(x)), np.empty(len(x)))
        self.place_scaled(x, y, z, ((1.0, 1.0, 1.0), (0.0, 0.0, 0.0)), out, rounded=False)
        return out

    def place_scaled(self, x: NDArray[Any], y: NDArray[Any], z: NDArray[Any],
                     scaling: tuple[tuple[float, float, float], tuple[float, float, float]],
                     out: tuple[NDArray[Any], NDArray[Any], NDArray[Any]],
                     rounded: bool = True) -> None:
        """Write into ``out`` the millimetres of points stored as ``value * scale + offset``
        (LAS integers): rounded, and checked to fit int32, when ``rounded``.

        Block by block with reused buffers: fresh half-megabyte temporaries per operation cost
        more in page faults than the arithmetic itself (three times slower).
        """
        scales, offsets = scaling
        buffers = _Buffers(min(BLOCK_POINTS, len(x)))
        for start in range(0, len(x), BLOCK_POINTS):
            end = min(len(x), start + BLOCK_POINTS)
            values = self._block(x[start:end], y[start:end], z[start:end], scales, offsets,
                                 buffers)
            for axis, value in enumerate(values):
                if rounded:
                    np.rint(value, out=value)
                    if not (value.min() >= INT32_LOW and value.max() <= INT32_HIGH):
                        raise ValueError("points thousands of kilometres outside the header's "
                                         "bounds")
                out[axis][start:end] = value

    def _block(self, x: NDArray[Any], y: NDArray[Any], z: NDArray[Any],
               scales: tuple[float, float, float], offsets: tuple[float, float, float],
               b: _Buffers) -> tuple[F64, F64, F64]:
        count = len(x)
        fx, fy, height, cell, scratch = (b.fx[:count], b.fy[:count], b.z[:count],
                                         b.cell[:count], b.scratch[:count])
        inverse = 1.0 / self.step
        np.multiply(x, scales[0] * inverse, out=fx)
        fx += (offsets[0] - self.x0) * inverse
        np.multiply(y, scales[1] * inverse, out=fy)
        fy += (offsets[1] - self.y0) * inverse
        np.multiply(z, scales[2], out=height)
        height += offsets[2]
        ix = np.clip(fx.astype(np.int64), 0, self.nx - 2)
        iy = np.clip(fy.astype(np.int64), 0, self.ny - 2)
        fx -= ix
        fy -= iy
        np.multiply(iy, self.nx - 1, out=cell)
        cell += ix
        values = []
        for axis in range(3):
            c, value = self.table[axis], b.values[axis][:count]
            c[3].take(cell, out=value)
            value *= fx
            value += c[2].take(cell, out=scratch)
            value *= fy
            value += c[0].take(cell, out=scratch)
            value += np.multiply(c[1].take(cell, out=scratch), fx, out=scratch)
            value += np.multiply(c[4].take(cell, out=scratch), height, out=scratch)
            values.append(value)
        return values[0], values[1], values[2]


class _Buffers:
    """Scratch arrays of one block, reused across blocks."""

    def __init__(self, size: int) -> None:
        self.fx, self.fy, self.z, self.scratch = (np.empty(size) for _ in range(4))
        self.cell = np.empty(size, dtype=np.int64)
        self.values = (np.empty(size), np.empty(size), np.empty(size))
