"""Grid LiDAR points into a DTM or DSM, out-of-core, then fill the gaps by interpolation.

DTM: mean height of the ground points (class 2, as classified by the producer) per cell.
DSM: highest non-noise point per cell (first returns are the highest of their pulse).
Gaps inside the data footprint (under buildings for a DTM, water for both) are filled by
harmonic (Laplace) interpolation from the measured cells around each gap; filled cells are
flagged in a sidecar mask. Cells outside the footprint are nodata. Points are read chunk by
chunk, so memory follows the grid size, not the point count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import laspy
import numpy as np
import shapely
from numpy.typing import NDArray
from rasterio import features
from rasterio.transform import Affine
from scipy import ndimage, sparse
from scipy.sparse.linalg import spsolve

from gis.errors import IngestError

Product = Literal["dtm", "dsm"]
GROUND = 2
NOISE = (7, 18)
CHUNK_POINTS = 1_000_000
NODATA = -9999.0


@dataclass(frozen=True)
class GridSpec:
    """A north-up grid aligned on multiples of the resolution."""

    west: float
    north: float
    resolution: float
    width: int
    height: int

    @classmethod
    def covering(cls, bounds: tuple[float, float, float, float], resolution: float) -> GridSpec:
        west = np.floor(bounds[0] / resolution) * resolution
        south = np.floor(bounds[1] / resolution) * resolution
        east = np.ceil(bounds[2] / resolution) * resolution
        north = np.ceil(bounds[3] / resolution) * resolution
        width = max(1, round((east - west) / resolution))
        height = max(1, round((north - south) / resolution))
        return cls(float(west), float(north), resolution, int(width), int(height))

    @property
    def transform(self) -> Affine:
        return Affine(self.resolution, 0.0, self.west, 0.0, -self.resolution, self.north)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return (self.west, self.north - self.height * self.resolution,
                self.west + self.width * self.resolution, self.north)

    def cells(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.int64]:
        """Flat cell index of each point (points on the far edges fall in the last cell)."""
        col = np.clip(((x - self.west) / self.resolution).astype(np.int64), 0, self.width - 1)
        row = np.clip(((self.north - y) / self.resolution).astype(np.int64), 0, self.height - 1)
        return row * self.width + col


@dataclass
class Surface:
    """A gridded model: heights (NaN = nodata), which cells were filled, and counts."""

    values: NDArray[np.float32]
    filled: NDArray[np.bool_]
    data_cells: int
    filled_cells: int
    nodata_cells: int


class _Binner:
    def __init__(self, grid: GridSpec, product: Product) -> None:
        self.grid, self.product = grid, product
        size = grid.width * grid.height
        self.covered = np.zeros(size, dtype=bool)
        if product == "dtm":
            self.total = np.zeros(size, dtype=np.float64)
            self.count = np.zeros(size, dtype=np.int32)
        else:
            self.highest = np.full(size, -np.inf, dtype=np.float64)

    def add(self, chunk: Any) -> None:
        x, y, z = np.asarray(chunk.x), np.asarray(chunk.y), np.asarray(chunk.z)
        classes = np.asarray(chunk.classification)
        cells = self.grid.cells(x, y)
        self.covered[cells] = True
        if self.product == "dtm":
            ground = classes == GROUND
            self.total += np.bincount(cells[ground], weights=z[ground],
                                      minlength=len(self.total))
            self.count += np.bincount(cells[ground], minlength=len(self.count)).astype(np.int32)
        else:
            keep = ~np.isin(classes, NOISE)
            np.maximum.at(self.highest, cells[keep], z[keep])

    def measured(self) -> NDArray[np.float64]:
        if self.product == "dtm":
            with np.errstate(invalid="ignore", divide="ignore"):
                values = np.where(self.count > 0, self.total / np.maximum(self.count, 1), np.nan)
        else:
            values = np.where(np.isfinite(self.highest), self.highest, np.nan)
        return values.reshape(self.grid.height, self.grid.width)


def grid_points(paths: Sequence[Path], grid: GridSpec, product: Product,
                progress: Callable[[int], None] | None = None) -> tuple[Any, Any]:
    """Measured heights (NaN where no point) and the cells any point fell in."""
    binner = _Binner(grid, product)
    for path in paths:
        try:
            with laspy.open(path) as reader:
                for chunk in reader.chunk_iterator(CHUNK_POINTS):
                    binner.add(chunk)
                    if progress:
                        progress(len(chunk))
        except Exception as exc:  # a file changed or damaged since its ingest
            raise IngestError(str(path), f"cannot read points: {exc}") from exc
    covered = binner.covered.reshape(grid.height, grid.width)
    return binner.measured(), covered


def footprint_mask(grid: GridSpec, footprints: Sequence[shapely.Geometry],
                   covered: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Cells inside the data footprint: the files' footprints plus every cell with a point."""
    mask = covered.copy()
    if footprints:
        burnt = features.rasterize([(shapely.geometry.mapping(f), 1) for f in footprints],
                                   out_shape=(grid.height, grid.width),
                                   transform=grid.transform, fill=0, dtype="uint8")
        mask |= burnt.astype(bool)
    return mask


def fill_gaps(measured: NDArray[np.float64], inside: NDArray[np.bool_]) -> Surface:
    """Harmonic (Laplace) interpolation of every gap from its measured rim.

    Each gap cell becomes the mean of its four neighbours inside the footprint, measured
    cells fixed: a smooth membrane through the surrounding terrain (the classic fill of
    terrain under buildings), solved exactly as one sparse linear system. A gap that touches no
    measured cell at all takes the nearest measured value.
    """
    valid = np.isfinite(measured)
    if not valid.any():
        raise ValueError("no measured cell")
    holes = inside & ~valid
    values = measured.copy()
    if holes.any():
        labels, _ = ndimage.label(holes)
        touching = np.unique(labels[ndimage.binary_dilation(valid) & holes])
        solvable = np.isin(labels, touching[touching > 0])
        if solvable.any():
            values[solvable] = _laplace(measured, valid, solvable, inside)
        orphans = holes & ~solvable
        if orphans.any():
            _, (rows, cols) = ndimage.distance_transform_edt(~valid, return_indices=True)
            values[orphans] = measured[rows[orphans], cols[orphans]]
    values[~inside] = np.nan
    return Surface(values=values.astype(np.float32), filled=holes,
                   data_cells=int(valid.sum()), filled_cells=int(holes.sum()),
                   nodata_cells=int((~inside).sum()))


def _laplace(measured: NDArray[np.float64], valid: NDArray[np.bool_],
             unknown: NDArray[np.bool_], inside: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Solve the discrete Laplace equation on ``unknown`` cells, ``valid`` ones fixed."""
    height, width = measured.shape
    index = np.full(measured.shape, -1, dtype=np.int64)
    rows, cols = np.nonzero(unknown)
    index[rows, cols] = np.arange(len(rows))
    diagonal = np.zeros(len(rows))
    rhs = np.zeros(len(rows))
    a_rows: list[NDArray[np.int64]] = []
    a_cols: list[NDArray[np.int64]] = []
    for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        nr, nc = rows + dr, cols + dc
        ok = (nr >= 0) & (nr < height) & (nc >= 0) & (nc < width)
        me, nr, nc = np.flatnonzero(ok), nr[ok], nc[ok]
        usable = inside[nr, nc]
        me, nr, nc = me[usable], nr[usable], nc[usable]
        diagonal[me] += 1.0
        fixed = valid[nr, nc]
        np.add.at(rhs, me[fixed], measured[nr[fixed], nc[fixed]])
        free = index[nr, nc] >= 0
        a_rows.append(me[free])
        a_cols.append(index[nr[free], nc[free]])
    off_rows, off_cols = np.concatenate(a_rows), np.concatenate(a_cols)
    size = len(rows)
    entries = np.concatenate([diagonal, -np.ones(len(off_rows))])
    at_rows = np.concatenate([np.arange(size), off_rows])
    at_cols = np.concatenate([np.arange(size), off_cols])
    matrix = sparse.csr_matrix((entries, (at_rows, at_cols)), shape=(size, size))
    solution: NDArray[np.float64] = spsolve(matrix.tocsc(), rhs)
    return solution
