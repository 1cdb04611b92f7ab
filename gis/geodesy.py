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

_lock = threading.Lock()
_configured: list[Path] = []


def grid_dir() -> Path:
    """The folder of grids PROJ is pointed at (``TWIN_PROJ_GRID_DIR`` overrides, for tests)."""
    return Path(os.environ.get(GRID_DIR_ENV, str(SHIPPED_GRID_DIR)))


def use_shipped_grids() -> Path:
    """Point PROJ at our grids and forbid network grid downloads; idempotent and thread-safe."""
    directory = grid_dir()
    with _lock:
        if directory not in _configured:
            set_network_enabled(False)
            pyproj.datadir.append_data_dir(str(directory))
            _configured.append(directory)
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


@lru_cache(maxsize=128)
def transformer(source: str | int, target: str | int) -> pyproj.Transformer:
    """The most accurate transformation between two CRSs, or a `GeodesyError`.

    Axis order is always x/east, y/north. The result is cached: building a transformer costs
    a proj.db query, using it is cheap and thread-safe for reading.
    """
    use_shipped_grids()
    src, dst = parse_crs(source), parse_crs(target)
    try:
        return pyproj.Transformer.from_crs(src, dst, always_xy=True, only_best=True)
    except ProjError as exc:
        raise GeodesyError(
            f"the accurate transformation {src.name} -> {dst.name} needs a grid that is not "
            f"installed in {grid_dir()} ({exc}); refusing the less accurate fallback"
        ) from exc


def area_of_use(crs: pyproj.CRS) -> tuple[float, float, float, float] | None:
    """West, south, east, north (degrees) where the CRS is valid, if PROJ knows it."""
    area = crs.area_of_use
    if area is None:
        return None
    return (area.west, area.south, area.east, area.north)
