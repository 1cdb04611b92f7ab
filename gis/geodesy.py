"""CRS handling and coordinate operations with the official grids shipped in this package.

PROJ silently falls back to a Helmert transformation when the grid of the accurate operation is
missing (BD72 -> ETRS89: 13 cm off; NAP -> ellipsoid: 43 m off). We never let that happen:
every transformer is created with ``only_best=True`` so a missing grid is an error, not a
quiet loss of accuracy.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path

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


def transformer(source: str | int, target: str | int) -> pyproj.Transformer:
    """The most accurate transformation between two CRSs, or a `GeodesyError`.

    Axis order is always x/east, y/north. Cached per thread: pyproj re-creates a
    transformer's PROJ object in every thread that uses it, with that thread's search path.
    """
    use_shipped_grids()
    return _cached_transformer(source, target, threading.get_ident())


@lru_cache(maxsize=256)
def _cached_transformer(source: str | int, target: str | int, _thread: int) -> pyproj.Transformer:
    src, dst = parse_crs(source), parse_crs(target)
    try:
        _verified(source, target, str(grid_dir()))
        return pyproj.Transformer.from_crs(src, dst, always_xy=True, only_best=True)
    except ProjError as exc:
        raise GeodesyError(
            f"the accurate transformation {src.name} -> {dst.name} needs a grid that is not "
            f"installed in {grid_dir()} ({exc}); refusing the less accurate fallback"
        ) from exc


@lru_cache(maxsize=256)
def _verified(source: str | int, target: str | int, _grids: str) -> bool:
    """`_refuse_degraded` once per pair of CRSs and grid directory, whichever thread asks
    (the verdict depends on the installed grids, not on the thread); a refusal raises, so it
    is never cached."""
    _refuse_degraded(parse_crs(source), parse_crs(target))
    return True


#: How much less accurate (metres) the best installed operation may be than the best known one.
ACCURACY_TOLERANCE = 0.05


def _refuse_degraded(src: pyproj.CRS, dst: pyproj.CRS) -> None:
    """`ProjError` when a missing grid would make the result less accurate than it should be.

    PROJ 9.5 accepts ``only_best=True`` yet still runs the Helmert fallback (with a mere
    warning) when the grid is missing: BD72 -> ETRS89 comes out 13 cm off. So we compare the
    best installed operation with the best known one; an equivalent alternative grid (RAF20
    for RAF18) passes, a ballpark or a Helmert standing in for a grid does not.
    """
    group = pyproj.transformer.TransformerGroup(src, dst, always_xy=True)
    if group.best_available:
        return
    known = [op.accuracy for op in group.unavailable_operations if op.accuracy >= 0]
    installed = group.transformers[0].accuracy if group.transformers else -1.0
    if known and 0 <= installed <= min(known) + ACCURACY_TOLERANCE:
        return
    missing = group.unavailable_operations[0].name if group.unavailable_operations else "?"
    raise ProjError(f"best operation needs a missing grid: {missing}")


def area_of_use(crs: pyproj.CRS) -> tuple[float, float, float, float] | None:
    """West, south, east, north (degrees) where the CRS is valid, if PROJ knows it."""
    area = crs.area_of_use
    if area is None:
        return None
    return (area.west, area.south, area.east, area.north)
