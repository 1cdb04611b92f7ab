"""Grid-accurate reprojection of large coordinate arrays, interpolated and verified per cell.

Reprojecting through a grid (Belgian BD72 -> ETRS89, Dutch RDNAPTRANS) costs PROJ about a
microsecond per coordinate: the biggest single cost of a vector ingest, which writes every
coordinate in two or three CRSs. Over a few tens of metres a transformation is smooth to far
below a millimetre (a projection's curvature gives errors of h^2/R; the correction grids are
bilinear over cells of hundreds of metres), so, as GDAL's approximate transformer does for
rasters, we transform exactly the nodes of a lattice of small square cells over the data and
interpolate bilinearly inside them; only cells that hold points are transformed.

The error is not assumed but checked: every cell's centre, where bilinear interpolation of a
smooth function errs most, is also transformed exactly, and every point of a cell whose
centre is off by more than half of `TOLERANCE_DEGREES` (or `TOLERANCE_METRES` for a projected
target) is transformed exactly instead (half: a kink of a correction grid crossing a cell can
put the largest error off the centre), as are points whose cell touches a node PROJ cannot
transform (outside a grid), so failures stay per point. Small arrays, and data too spread out
to share cells (more than a quarter as many nodes and centres as points), go straight to PROJ.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import shapely

from gis.geodesy import bounds_of, parse_crs, transformer

XY = npt.NDArray[np.float64]

#: Side of an interpolation cell on the ground (converted to the source CRS's unit).
CELL_METRES = 35.0
#: Largest interpolation error allowed, for geographic / projected targets (1e-9 degree is
#: 0.1 mm on the ground); cell centres must be within half of it.
TOLERANCE_DEGREES = 1e-9
TOLERANCE_METRES = 1e-4
#: Below this many points PROJ alone is cheaper than transforming the lattice.
MIN_POINTS = 4096
#: Interpolate only when the exactly transformed nodes and centres are at most this share of
#: the points.
MAX_LATTICE_SHARE = 0.25
#: Largest lattice over a batch's bounding box (occupancy and nodes are dense arrays: 48 MB).
#: At 35 m that is 50 km square; a batch spread wider goes to PROJ whole.
MAX_LATTICE_CELLS = 2_000_000
EARTH_RADIUS = 6_371_000.0


@dataclass(frozen=True)
class _Plan:
    cell: float  # side of a cell, source units
    centre_tolerance: float  # target units


@lru_cache(maxsize=64)
def _plan(source: str, target: str) -> _Plan:
    src, dst = parse_crs(source), parse_crs(target)
    unit = src.axis_info[0].unit_conversion_factor if src.axis_info else 1.0
    # the unit is radians (geographic) or metres (projected) per axis unit
    cell = (CELL_METRES / EARTH_RADIUS if src.is_geographic else CELL_METRES) / unit
    tolerance = TOLERANCE_DEGREES if dst.is_geographic else TOLERANCE_METRES
    return _Plan(cell, tolerance / 2)


def exact(xy: XY, source: str, target: str) -> XY:
    """PROJ on every coordinate (infinite where it cannot transform)."""
    if len(xy) == 0:
        return xy.copy()
    if len(xy) == 1:  # pyproj would take its scalar path for one-element arrays
        return exact(np.repeat(xy, 2, axis=0), source, target)[:1]
    to_target = transformer(source, target, within=bounds_of(xy[:, 0], xy[:, 1]))
    x, y = to_target.transform(xy[:, 0], xy[:, 1], errcheck=False)
    return np.column_stack([np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)])


def transform(xy: XY, source: str, target: str) -> XY:
    """``xy`` (n x 2, x/east first) from ``source`` to ``target``, within the tolerance of
    the exact transformation everywhere (see the module docstring)."""
    if source == target:
        return xy
    if len(xy) < MIN_POINTS:
        return exact(xy, source, target)
    if not np.isfinite(xy).all():
        finite = np.isfinite(xy[:, 0]) & np.isfinite(xy[:, 1])
        out = np.full_like(xy, np.inf)
        out[finite] = transform(xy[finite], source, target)
        return out
    plan = _plan(source, target)
    lattice = _Lattice.over(xy, plan.cell)
    if lattice.cells > MAX_LATTICE_CELLS:
        return exact(xy, source, target)
    return lattice.interpolate(xy, source, target, plan.centre_tolerance)


@dataclass(frozen=True)
class _Lattice:
    """Square cells of side ``cell`` over the points' bounding box; only the cells holding
    points are ever transformed."""

    cell: float
    origin: npt.NDArray[np.float64]
    columns: int
    rows: int

    @classmethod
    def over(cls, xy: XY, cell: float) -> _Lattice:
        low = np.array([xy[:, 0].min(), xy[:, 1].min()])  # 1-D reductions: faster than axis=0
        high = np.array([xy[:, 0].max(), xy[:, 1].max()])
        columns, rows = (np.floor((high - low) / cell).astype(np.int64) + 1).tolist()
        return cls(cell, low, int(columns), int(rows))

    @property
    def cells(self) -> int:
        return self.columns * self.rows

    def interpolate(self, xy: XY, source: str, target: str, centre_tolerance: float) -> XY:
        column = _cell_index((xy[:, 0] - self.origin[0]) / self.cell, self.columns)
        row = _cell_index((xy[:, 1] - self.origin[1]) / self.cell, self.rows)
        cell = row.index * self.columns + column.index
        occupied = np.flatnonzero(np.bincount(cell, minlength=self.cells))
        width = self.columns + 1  # nodes per lattice row
        corner = occupied // self.columns * width + occupied % self.columns  # lower left
        needed = np.unique(np.concatenate([corner, corner + 1, corner + width,
                                           corner + width + 1]))
        if len(needed) + len(occupied) > MAX_LATTICE_SHARE * len(xy):
            return exact(xy, source, target)  # too spread out: the lattice would cost more
        probes = np.concatenate([
            np.column_stack([needed % width, needed // width]).astype(np.float64),
            np.column_stack([occupied % self.columns, occupied // self.columns]) + 0.5,
        ]) * self.cell + self.origin
        values = exact(probes, source, target)
        nodes = np.full(((self.rows + 1) * width, 2), np.nan)
        nodes[needed] = values[: len(needed)]
        mean = (nodes[corner] + nodes[corner + 1] + nodes[corner + width]
                + nodes[corner + width + 1]) / 4
        bad_cell = np.zeros(self.cells, dtype=bool)  # NaN/inf (a node PROJ refused): bad
        with np.errstate(invalid="ignore"):
            bad_cell[occupied] = ~(np.abs(mean - values[len(needed):]).max(axis=1)
                                   <= centre_tolerance)

        node = row.index * width + column.index
        out = np.empty_like(xy)
        for axis in (0, 1):  # one-dimensional gathers: several times faster than 2-D ones
            value = nodes[:, axis]
            lower = value.take(node) * column.rest + value.take(node + 1) * column.fraction
            upper = (value.take(node + width) * column.rest
                     + value.take(node + width + 1) * column.fraction)
            out[:, axis] = lower * row.rest + upper * row.fraction
        redo = bad_cell[cell]
        if redo.any():
            out[redo] = exact(xy[redo], source, target)
        return out


@dataclass(frozen=True)
class _Along:
    """Per point, along one axis: its cell and where it lies in it (0 -> 1)."""

    index: npt.NDArray[np.int64]
    fraction: XY
    rest: XY  # 1 - fraction


def _cell_index(position: XY, count: int) -> _Along:
    index = np.minimum(position.astype(np.int64), count - 1)
    fraction = position - index
    return _Along(index, fraction, 1.0 - fraction)


def reproject_geometries(geoms: npt.NDArray[np.object_], source: str, target: str, *,
                         keep_z: bool = True) -> npt.NDArray[np.object_]:
    """Shapely geometries from ``source`` to ``target`` (see `transform`), heights untouched.

    The service uses it where the database's own ``ST_Transform`` is not grid-exact
    (`gis.server_transforms`): features served in another CRS, query geometries, edits. With
    ``keep_z`` each geometry keeps its dimension (a 3-D building stays 3-D); without, every
    result is 2-D, as the ingest stores them.
    """
    if source == target or geoms.size == 0:
        return geoms

    def xy_only(coords: XY) -> XY:
        out = coords.copy()
        out[:, :2] = transform(np.ascontiguousarray(coords[:, :2]), source, target)
        return out

    moved = shapely.transform(geoms, xy_only, include_z=None if keep_z else False)
    return np.asarray(moved, dtype=object)
