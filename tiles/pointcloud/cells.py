"""The integer octree all stages share: a cube of 2**E millimetres in the local frame.

Points are stored as int32 millimetres from the cube's corner, so every node boundary and every
sampling cell is a bit shift: ancestors, tasks and children agree exactly on which cell a point
falls in, wherever they are computed (which is what lets independent tasks build the upper
levels of detail without seeing each other's points).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

#: One record per point in the temporary cell files (20 bytes). A source without returns
#: (or a build without them) leaves ``return_number`` and ``number_of_returns`` at 0.
RECORD = np.dtype([("x", "<i4"), ("y", "<i4"), ("z", "<i4"), ("intensity", "<u2"),
                   ("classification", "u1"), ("red", "u1"), ("green", "u1"), ("blue", "u1"),
                   ("return_number", "u1"), ("number_of_returns", "u1")])
#: Sampling grid per node and axis: a node keeps one point per cell of side node/GRID.
GRID_BITS = 7
GRID = 1 << GRID_BITS

I64 = NDArray[np.int64]
I32 = NDArray[np.int32]
#: Bits of a byte spread three apart (b0 -> 0, b1 -> 3, b2 -> 6, ...), for Morton codes.
_SPREAD = np.array([sum(((v >> b) & 1) << (3 * b) for b in range(8)) for v in range(256)],
                   dtype=np.int64)


@dataclass(frozen=True)
class Cube:
    """The root node: its min corner in the local frame (metres) and side 2**exponent mm."""

    origin: tuple[float, float, float]
    exponent: int

    @property
    def side_mm(self) -> int:
        return 1 << self.exponent

    def node_size_m(self, level: int) -> float:
        return (1 << (self.exponent - level)) / 1000.0

    def clipped(self, records: NDArray[np.void]) -> I32:
        """(3, n) int32 positions clipped into the cube (for cell arithmetic only)."""
        xyz = np.empty((3, len(records)), dtype=np.int32)
        for row, axis in enumerate(("x", "y", "z")):
            np.clip(records[axis], 0, self.side_mm - 1, out=xyz[row])
        return xyz

    def morton(self, clipped: I32, level: int) -> I64:
        """Morton code (3 bits per level: x | y << 1 | z << 2) of each point's node at level.

        Spread bits come from a lookup table a byte of cell index at a time.
        """
        shift = self.exponent - level
        code = np.zeros(clipped.shape[1], dtype=np.int64)
        for axis in range(3):
            cells = clipped[axis] >> shift
            for byte in range(0, level, 8):
                part = (cells >> byte) & 0xFF if level > 8 else cells
                code |= _SPREAD.take(part) << (3 * byte + axis)
        return code

    def node_min_mm(self, level: int, code: int) -> tuple[int, int, int]:
        """Min corner (mm from the cube corner) of the node ``code`` at ``level``."""
        cell = [0, 0, 0]
        for bit in range(level):
            for axis in range(3):
                cell[axis] |= ((code >> (3 * bit + axis)) & 1) << bit
        shift = self.exponent - level
        return (cell[0] << shift, cell[1] << shift, cell[2] << shift)

    def node_centre_mm(self, level: int, code: int) -> tuple[int, int, int]:
        half = 1 << (self.exponent - level - 1) if level < self.exponent else 0
        low = self.node_min_mm(level, code)
        return (low[0] + half, low[1] + half, low[2] + half)


def node_name(level: int, code: int) -> str:
    """``r`` followed by the octant digits from the root: r, r5, r52, ..."""
    if level == 0:
        return "r"
    return "r" + format(code, "o").zfill(level)


def one_per_cell(cube: Cube, clipped: I32, level: int) -> NDArray[np.intp]:
    """Indices of one point of each sampling cell of ONE node at ``level``.

    Callers shuffle points beforehand, so the winner is a uniform random pick per cell.
    """
    shift = cube.exponent - level - GRID_BITS
    count = clipped.shape[1]
    if shift < 0:
        return np.arange(count)
    mask = GRID - 1
    key = (clipped[0] >> shift) & mask
    key |= ((clipped[1] >> shift) & mask) << GRID_BITS
    key |= ((clipped[2] >> shift) & mask) << (2 * GRID_BITS)
    # one winner per cell in O(n): scatter indices, keep those that survived in their slot
    slot = np.empty(1 << (3 * GRID_BITS), dtype=np.int32)
    index = np.arange(count, dtype=np.int32)
    slot[key] = index
    return np.flatnonzero(slot.take(key) == index)
