"""Grid LiDAR points into a DTM or DSM, out-of-core, then fill the gaps by interpolation.

DTM: mean height of the ground points (class 2, as classified by the producer) per cell.
DSM: highest non-noise point per cell (first returns are the highest of their pulse).
Gaps inside the data footprint (under buildings for a DTM, water for both) are filled by
harmonic (Laplace) interpolation from the measured cells around each gap; filled cells are
flagged in a sidecar mask. Cells outside the footprint are nodata. Points are read chunk by
chunk, so memory follows the grid size, not the point count. Each file is gridded by its
own task over its own block of the grid (`grid_files`), in-process or on any executor's
worker, and the blocks are added in file order: the same heights on any engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, as_completed
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
from gis.lidar.source import open_source, task_options

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


@dataclass(frozen=True)
class Window:
    """A block of the grid: the cells one LiDAR file's points fall in."""

    row: int
    col: int
    height: int
    width: int

    @classmethod
    def of(cls, grid: GridSpec, bounds: tuple[float, float, float, float]) -> Window:
        """The cells of ``bounds`` (a file's indexed point extent), by the rule of `cells`."""
        cols = grid.cells(np.array([bounds[0], bounds[2]]), np.array([bounds[3], bounds[3]]))
        rows = grid.cells(np.array([bounds[0], bounds[0]]), np.array([bounds[3], bounds[1]]))
        first, last = int(cols[0]) % grid.width, int(cols[1]) % grid.width
        top, bottom = int(rows[0]) // grid.width, int(rows[1]) // grid.width
        return cls(top, first, bottom - top + 1, last - first + 1)

    @property
    def slices(self) -> tuple[slice, slice]:
        return (slice(self.row, self.row + self.height), slice(self.col, self.col + self.width))


@dataclass
class PointSums:
    """One file's points accumulated over its window: the output of one gridding task.

    DTM: sum and count of ground heights per cell; DSM: highest non-noise height. Small
    (the file's cells, not its points), picklable, and merged by the coordinator.
    """

    window: Window
    covered: NDArray[np.bool_]
    total: NDArray[np.float64] | None = None
    count: NDArray[np.int32] | None = None
    highest: NDArray[np.float64] | None = None
    points: int = 0


@dataclass(frozen=True)
class FileTask:
    """The inputs of one gridding task: which file (path or URL) and which block."""

    source: str
    window: Window


@dataclass(frozen=True)
class Unreadable:
    """A task's answer when its file cannot be read (a value, not an exception: the
    coordinator raises the `IngestError`, and a damaged file is not read again by retries)."""

    source: str
    problem: str


def _binned(chunk: Any, grid: GridSpec, window: Window, product: Product, sums: PointSums
            ) -> None:
    x, y, z = np.asarray(chunk.x), np.asarray(chunk.y), np.asarray(chunk.z)
    classes = np.asarray(chunk.classification)
    flat = grid.cells(x, y)
    row, col = flat // grid.width - window.row, flat % grid.width - window.col
    if len(flat) and (row.min() < 0 or col.min() < 0 or row.max() >= window.height
                      or col.max() >= window.width):
        raise ValueError("points outside the extent the LiDAR index records for the file "
                         "(changed since its ingest? ingest it again)")
    cells = row * window.width + col
    size = window.height * window.width
    sums.covered.reshape(-1)[cells] = True
    if product == "dtm":
        assert sums.total is not None
        assert sums.count is not None
        ground = classes == GROUND
        sums.total += np.bincount(cells[ground], weights=z[ground], minlength=size)
        sums.count += np.bincount(cells[ground], minlength=size).astype(np.int32)
    else:
        assert sums.highest is not None
        keep = ~np.isin(classes, NOISE)
        np.maximum.at(sums.highest, cells[keep], z[keep])
    sums.points += len(x)


def file_sums(task: FileTask, grid: GridSpec, product: Product,
              storage_options: Mapping[str, Any] | None = None,
              progress: Callable[[int], None] | None = None) -> PointSums:
    """Grid one file's points into its window, chunk by chunk (memory: the window)."""
    shape = (task.window.height, task.window.width)
    size = shape[0] * shape[1]
    sums = PointSums(task.window, np.zeros(shape, dtype=bool))
    if product == "dtm":
        sums.total = np.zeros(size, dtype=np.float64)
        sums.count = np.zeros(size, dtype=np.int32)
    else:
        sums.highest = np.full(size, -np.inf, dtype=np.float64)
    try:
        with open_source(task.source, storage_options) as source, laspy.open(source) as reader:
            for chunk in reader.chunk_iterator(CHUNK_POINTS):
                _binned(chunk, grid, task.window, product, sums)
                if progress:
                    progress(len(chunk))
    except IngestError:
        raise
    except Exception as exc:  # a file changed or damaged since its ingest
        raise IngestError(task.source, f"cannot read points: {exc}") from exc
    return sums


def file_sums_task(task: FileTask, grid: GridSpec, product: Product,
                   storage_options: Mapping[str, Any] | None) -> PointSums | Unreadable:
    """`file_sums` as a task of any worker: its input the file and block, its output the
    sums (or why the file is unreadable); a retried task redoes only its own file."""
    try:
        return file_sums(task, grid, product, storage_options)
    except IngestError as exc:
        return Unreadable(exc.source, exc.problem)


class Mosaic:
    """The whole grid, the files' sums added in file order (the same float sums whatever
    order the tasks finished in, hence the same heights on any engine)."""

    def __init__(self, grid: GridSpec, product: Product) -> None:
        self.grid, self.product = grid, product
        shape = (grid.height, grid.width)
        self.covered = np.zeros(shape, dtype=bool)
        if product == "dtm":
            self.total = np.zeros(shape, dtype=np.float64)
            self.count = np.zeros(shape, dtype=np.int32)
        else:
            self.highest = np.full(shape, -np.inf, dtype=np.float64)

    def add(self, sums: PointSums) -> None:
        block = sums.window.slices
        shape = sums.covered.shape
        self.covered[block] |= sums.covered
        if self.product == "dtm":
            assert sums.total is not None
            assert sums.count is not None
            self.total[block] += sums.total.reshape(shape)
            self.count[block] += sums.count.reshape(shape)
        else:
            assert sums.highest is not None
            np.maximum(self.highest[block], sums.highest.reshape(shape),
                       out=self.highest[block])

    def measured(self) -> NDArray[np.float64]:
        if self.product == "dtm":
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(self.count > 0, self.total / np.maximum(self.count, 1), np.nan)
        return np.where(np.isfinite(self.highest), self.highest, np.nan)


def grid_files(tasks: Sequence[FileTask], grid: GridSpec, product: Product, *,
               executor: Executor | None = None,
               storage_options: Mapping[str, Any] | None = None,
               progress: Callable[[int], None] | None = None) -> tuple[Any, Any]:
    """Measured heights (NaN where no point) and the cells any point fell in.

    One task per file. Without ``executor`` they run here one after the other (progress per
    chunk of points); with one (`tiles.engine`'s Dask executor) they run anywhere, progress
    advancing by a file's points as its task completes.
    """
    mosaic = Mosaic(grid, product)
    if executor is None:
        for task in tasks:
            mosaic.add(file_sums(task, grid, product, storage_options, progress))
    else:
        _grid_on(executor, tasks, grid, product, storage_options, mosaic, progress)
    return mosaic.measured(), mosaic.covered


def _grid_on(executor: Executor, tasks: Sequence[FileTask], grid: GridSpec, product: Product,
             storage_options: Mapping[str, Any] | None, mosaic: Mosaic,
             progress: Callable[[int], None] | None) -> None:
    options = task_options(storage_options, executor)
    futures = [executor.submit(file_sums_task, task, grid, product, options)
               for task in tasks]
    order = {future: index for index, future in enumerate(futures)}
    ready: dict[int, PointSums] = {}
    merged = 0
    try:
        for future in as_completed(futures):
            result = future.result()
            if isinstance(result, Unreadable):
                raise IngestError(result.source, result.problem)
            if progress:
                progress(result.points)
            ready[order[future]] = result
            while merged in ready:  # in file order: the same sums as in-process
                mosaic.add(ready.pop(merged))
                merged += 1
    finally:
        for future in futures:
            future.cancel()


def grid_points(paths: Sequence[Path], grid: GridSpec, product: Product,
                progress: Callable[[int], None] | None = None) -> tuple[Any, Any]:
    """`grid_files` of local files, each over the whole grid (the benchmarks' entry)."""
    whole = Window(0, 0, grid.height, grid.width)
    return grid_files([FileTask(str(path), whole) for path in paths], grid, product,
                      progress=progress)


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
