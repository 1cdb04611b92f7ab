"""CRS handling and coordinate operations with the official grids shipped in this package.

PROJ silently falls back to a Helmert transformation when the grid of the accurate operation is
missing (BD72 -> ETRS89: 13 cm off; NAP -> ellipsoid: 43 m off). We never let that happen:
every transformer is created with ``only_best=True`` so a missing grid is an error, not a
quiet loss of accuracy.
"""

from __future__ import annotations

import math
import os
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
from pyproj._network import set_network_enabled
from pyproj.exceptions import CRSError, ProjError

from gis.errors import GeodesyError

SHIPPED_GRID_DIR = Path(__file__).with_name("proj_data")
GRID_DIR_ENV = "TWIN_PROJ_GRID_DIR"

#: Geoid model of each vertical datum we know, by EPSG code of the vertical CRS.
GEOID_GRIDS: dict[int, str] = {
    5709: "nl_nsgi_nlgeo2018.tif",  # NAP height
    5720: "fr_ign_RAF20.tif",  # NGF-IGN69 height
    5710: "be_ign_hBG18.tif",  # Ostend height (TAW)
}

_thread_state = threading.local()


def grid_dir() -> Path:
    """The folder of grids PROJ is pointed at (``TWIN_PROJ_GRID_DIR`` overrides, for tests)."""
    return Path(os.environ.get(GRID_DIR_ENV, str(SHIPPED_GRID_DIR)))


def use_shipped_grids() -> Path:
    """Point PROJ at our grids and forbid network grid downloads, in the calling thread.

    pyproj keeps one PROJ context per thread, and a context created before the search path
    changed keeps the old one: configured only in a worker thread, the main thread silently
    fell back to a Helmert without geoid (43 m off in Delft), ``only_best`` notwithstanding.
    So every thread sets the full search path (PROJ's own data + our grids) once.
    """
    directory = grid_dir()
    if getattr(_thread_state, "directory", None) != directory:
        set_network_enabled(False)
        paths = pyproj.datadir.get_data_dir().split(os.pathsep)
        wanted = [p for p in paths if p and Path(p) != directory] + [str(directory)]
        pyproj.datadir.set_data_dir(os.pathsep.join(dict.fromkeys(wanted)))
        _thread_state.directory = directory
    return directory


def parse_crs(value: str | int) -> pyproj.CRS:
    """A CRS from ``EPSG:xxxx``, ``EPSG:h+v``, an integer code, a URI or WKT."""
    text = str(value).strip()
    if "+" in text and text.upper().startswith("EPSG:"):
        horizontal, vertical = text[5:].split("+", 1)
        text = f"urn:ogc:def:crs,crs:EPSG::{horizontal},crs:EPSG::{vertical}"
    try:
        return pyproj.CRS.from_user_input(text)
    except CRSError as exc:
        raise GeodesyError(f"unknown or malformed CRS {value!r}: {exc}") from exc


def epsg_code(crs: pyproj.CRS) -> int:
    """The integer EPSG code of a CRS, which is what SQL uses (never text SRS strings)."""
    code = crs.to_epsg(min_confidence=70)
    if code is None:
        raise GeodesyError(f"CRS {crs.name!r} has no EPSG code; give it as EPSG:xxxx")
    return code


#: A box in a source CRS's coordinates: x min, y min, x max, y max.
Box = tuple[float, float, float, float]


def transformer(source: str | int, target: str | int, within: Box | None = None
                ) -> pyproj.Transformer:
    """The most accurate transformation between two CRSs, or a `GeodesyError`.

    Axis order is always x/east, y/north. Cached per thread: pyproj re-creates a
    transformer's PROJ object in every thread that uses it, with that thread's search path.

    ``within``, the box (source coordinates) the points to transform lie in, saves PROJ's
    search for candidate operations (0.06 s for BD72 -> Lambert 2008, 0.15 to 0.27 s for a
    compound CRS -> ECEF, per thread) when one operation is what ``from_crs``'s transformer
    would run for every point of the box (`_Candidates.for_box`): that operation's pipeline
    then runs directly, bit-identical (tested). Otherwise the full transformer is used.
    """
    use_shipped_grids()
    if within is not None:
        definition = _checked_candidates(source, target).for_box(lonlat_box(source, within))
        if definition is not None:
            return _pipeline_transformer(definition, threading.get_ident())
    return _cached_transformer(source, target, threading.get_ident())


#: How far (degrees) a box must stay inside an area of use, and how near one it counts as
#: touching it: boxes come from `approximate_lonlat`, a few hundred metres off.
AREA_MARGIN = 0.02


@dataclass(frozen=True)
class _Candidate:
    definition: str  # PROJ pipeline
    area: Box | None  # area of use, degrees (None: unknown, taken as the world)
    accuracy: float  # metres; negative: unknown
    offshore: bool

    def touches(self, box: Box) -> bool:
        if self.area is None:
            return True
        west, south, east, north = self.area
        m = AREA_MARGIN
        return (box[0] <= east + m and west - m <= box[2]
                and box[1] <= north + m and south - m <= box[3])

    def holds(self, box: Box) -> bool:
        if self.area is None:
            return True
        west, south, east, north = self.area
        m = AREA_MARGIN
        return (west + m <= box[0] and box[2] <= east - m
                and south + m <= box[1] and box[3] <= north - m)


@dataclass(frozen=True)
class _Candidates:
    """The installed operations between two CRSs, in PROJ's order."""

    operations: tuple[_Candidate, ...]

    def for_box(self, box: Box | None) -> str | None:
        """The pipeline ``from_crs``'s transformer runs for every point of ``box``, when it is
        one and the same operation; else None.

        PROJ picks per point, among the candidates whose area holds it, the first one, replaced
        by any later one of known and strictly better accuracy (not an offshore one), or of
        equal accuracy and smaller area. Only boxes that every candidate touching them holds
        whole get an answer (so every point has the same candidates), and only when no
        offshore or equal-accuracy subtlety arises (then the full transformer decides).
        """
        if box is None:
            return None
        relevant = [op for op in self.operations if op.touches(box)]
        if not relevant or not all(op.holds(box) for op in relevant):
            return None
        best = relevant[0]
        for op in relevant[1:]:
            if 0 <= op.accuracy < best.accuracy:
                if op.offshore:
                    return None
                best = op
            elif op.accuracy == best.accuracy and op.area != best.area:
                return None
        return best.definition or None


@lru_cache(maxsize=256)
def _cached_transformer(source: str | int, target: str | int, _thread: int) -> pyproj.Transformer:
    src, dst = parse_crs(source), parse_crs(target)
    _checked_candidates(source, target)
    try:
        return pyproj.Transformer.from_crs(src, dst, always_xy=True, only_best=True)
    except ProjError as exc:
        raise _missing_grid(source, target, exc) from exc


@lru_cache(maxsize=256)
def _pipeline_transformer(definition: str, _thread: int) -> pyproj.Transformer:
    return pyproj.Transformer.from_pipeline(definition)


def _checked_candidates(source: str | int, target: str | int) -> _Candidates:
    try:
        return _installed_operations(source, target, str(grid_dir()))
    except ProjError as exc:
        raise _missing_grid(source, target, exc) from exc


def _missing_grid(source: str | int, target: str | int, exc: ProjError) -> GeodesyError:
    src, dst = parse_crs(source), parse_crs(target)
    return GeodesyError(
        f"the accurate transformation {src.name} -> {dst.name} needs a grid that is not "
        f"installed in {grid_dir()} ({exc}); refusing the less accurate fallback"
    )


@lru_cache(maxsize=256)
def _installed_operations(source: str | int, target: str | int, _grids: str) -> _Candidates:
    """The installed operations, once per pair of CRSs and grid directory, whichever thread
    asks (they depend on the installed grids, not on the thread), after `_refuse_degraded`;
    a refusal raises, so it is never cached."""
    with warnings.catch_warnings():  # "best transformation is not available": judged below
        warnings.simplefilter("ignore", UserWarning)
        group = pyproj.transformer.TransformerGroup(parse_crs(source), parse_crs(target),
                                                    always_xy=True)
    _refuse_degraded(group)
    candidates = []
    for operation in group.transformers:
        area = operation.area_of_use
        candidates.append(_Candidate(
            definition=operation.definition,
            area=None if area is None else (area.west, area.south, area.east, area.north),
            accuracy=operation.accuracy,
            offshore=area is not None and "offshore" in area.name.lower(),
        ))
    return _Candidates(tuple(candidates))


def bounds_of(x: Any, y: Any) -> Box | None:
    """The box of coordinate arrays (finite values only; None if there are none): what
    `transformer` takes as ``within``."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.any():
        return None
    fx, fy = x[finite], y[finite]
    return (float(fx.min()), float(fy.min()), float(fx.max()), float(fy.max()))


def lonlat_box(crs: str | int, within: Box) -> Box | None:
    """Approximate longitude/latitude bounds of a box of ``crs`` coordinates (None if they
    are not finite). Corners and edge midpoints: projected edges bow a little in degrees."""
    if not all(math.isfinite(v) for v in within):
        return None
    horizontal = _horizontal(crs)
    x0, y0, x1, y1 = within
    xs = [x0, x1, x0, x1, (x0 + x1) / 2, (x0 + x1) / 2, x0, x1]
    ys = [y0, y0, y1, y1, y0, y1, (y0 + y1) / 2, (y0 + y1) / 2]
    if horizontal.is_geographic:
        lon, lat = xs, ys
    else:
        lon, lat = approximate_lonlat(horizontal, xs, ys)
    if not all(math.isfinite(v) for v in (*lon, *lat)):
        return None
    return (min(lon), min(lat), max(lon), max(lat))


@lru_cache(maxsize=256)
def _horizontal(crs: str | int) -> pyproj.CRS:
    parsed = parse_crs(crs)
    if parsed.is_compound and parsed.sub_crs_list:
        return parsed.sub_crs_list[0]
    return parsed


#: How much less accurate (metres) the best installed operation may be than the best known one.
ACCURACY_TOLERANCE = 0.05


def _refuse_degraded(group: pyproj.transformer.TransformerGroup) -> None:
    """`ProjError` when a missing grid would make the result less accurate than it should be.

    PROJ 9.5 accepts ``only_best=True`` yet still runs the Helmert fallback (with a mere
    warning) when the grid is missing: BD72 -> ETRS89 comes out 13 cm off. So we compare the
    best installed operation with the best known one; an equivalent alternative grid (RAF20
    for RAF18) passes, a ballpark or a Helmert standing in for a grid does not.
    """
    if group.best_available:
        return
    known = [op.accuracy for op in group.unavailable_operations if op.accuracy >= 0]
    installed = group.transformers[0].accuracy if group.transformers else -1.0
    if known and 0 <= installed <= min(known) + ACCURACY_TOLERANCE:
        return
    missing = group.unavailable_operations[0].name if group.unavailable_operations else "?"
    raise ProjError(f"best operation needs a missing grid: {missing}")


def approximate_lonlat(crs: pyproj.CRS, x: Sequence[float], y: Sequence[float]
                       ) -> tuple[list[float], list[float]]:
    """Longitude and latitude (degrees) of projected points on the CRS's own datum.

    Only the inverse projection runs, with no datum shift: results are up to a few hundred
    metres off WGS 84, plenty for checks at the scale of an area of use, and they need
    neither grids nor PROJ's search for the best operation (a tenth of a second per pair of
    CRSs, which a small point-cloud build paid for a check with a half-degree margin).
    """
    lon, lat = _inverse_projection(crs).transform(list(x), list(y))
    return list(lon), list(lat)


@lru_cache(maxsize=64)
def _inverse_projection(crs: pyproj.CRS) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(crs, crs.geodetic_crs or crs, always_xy=True)


def area_of_use(crs: pyproj.CRS) -> tuple[float, float, float, float] | None:
    """West, south, east, north (degrees) where the CRS is valid, if PROJ knows it."""
    area = crs.area_of_use
    if area is None:
        return None
    return (area.west, area.south, area.east, area.north)
