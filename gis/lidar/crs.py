"""The CRS of a LiDAR file: from its WKT VLR, its GeoTIFF keys, or the command line.

Heights need a vertical datum: a file that only declares its horizontal CRS (the French
Lambert-93 files) is completed by ``--crs EPSG:2154+5720``; a contradiction between the file
and the command line is refused rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyproj

from gis.errors import GeodesyError, IngestError
from gis.geodesy import approximate_lonlat, area_of_use, epsg_code, parse_crs


@dataclass(frozen=True)
class LidarCrs:
    """Horizontal EPSG code plus the vertical one when known."""

    horizontal: int
    vertical: int | None

    @property
    def text(self) -> str:
        """``EPSG:h+v`` (or ``EPSG:h``), the form `gis.geodesy.transformer` accepts."""
        if self.vertical is None:
            return f"EPSG:{self.horizontal}"
        return f"EPSG:{self.horizontal}+{self.vertical}"


def crs_from_pyproj(crs: pyproj.CRS) -> LidarCrs:
    """Split a (possibly compound) CRS into EPSG codes; raises `GeodesyError` without codes."""
    if crs.is_compound:
        horizontal, vertical = crs.sub_crs_list[0], crs.sub_crs_list[1]
        return LidarCrs(epsg_code(horizontal), epsg_code(vertical))
    if crs.is_vertical:
        raise GeodesyError(f"{crs.name!r} is only a vertical CRS")
    return LidarCrs(epsg_code(crs), None)


def parse_given_crs(text: str) -> LidarCrs:
    """The CRS given on the command line (``EPSG:28992+5709``, ``EPSG:7415``, ``EPSG:2154``)."""
    return crs_from_pyproj(parse_crs(text))


def header_crs(header: object, source: str) -> LidarCrs | None:
    """The CRS the file declares (WKT VLR or GeoTIFF keys), or None when it declares none."""
    try:
        crs = header.parse_crs()  # type: ignore[attr-defined]
    except Exception as exc:  # laspy raises several types for broken CRS records
        raise IngestError(source, f"unreadable CRS record: {exc}") from exc
    if crs is None:
        return None
    try:
        return crs_from_pyproj(crs)
    except GeodesyError as exc:
        raise IngestError(source, f"CRS record without EPSG code: {exc}") from exc


def resolve_crs(declared: LidarCrs | None, given: LidarCrs | None, source: str) -> LidarCrs:
    """The file's CRS: declared, completed or confirmed by the given one; never guessed."""
    if declared is None and given is None:
        raise IngestError(
            source, "the file declares no CRS; give it with --crs (e.g. EPSG:28992+5709)"
        )
    if declared is None:
        assert given is not None
        return given
    if given is None:
        return declared
    if declared.horizontal != given.horizontal:
        raise IngestError(
            source,
            f"the file declares EPSG:{declared.horizontal} but --crs says "
            f"EPSG:{given.horizontal}",
        )
    if declared.vertical is not None and given.vertical not in (None, declared.vertical):
        raise IngestError(
            source,
            f"the file declares vertical EPSG:{declared.vertical} but --crs says "
            f"EPSG:{given.vertical}",
        )
    return LidarCrs(declared.horizontal, declared.vertical or given.vertical)


AREA_MARGIN_DEGREES = 0.5


def check_area(crs: LidarCrs, bounds: tuple[float, float, float, float], source: str) -> None:
    """Refuse coordinates outside the CRS's area of use: the sign of a mislabelled CRS.

    Without this, Lambert-93 coordinates read as Dutch RD project to a valid-looking place
    at sea and a tileset "floats in space" with no error anywhere.
    """
    horizontal = parse_crs(f"EPSG:{crs.horizontal}")
    area = area_of_use(horizontal)
    if area is None:
        return
    x = [bounds[0], bounds[2], bounds[0], bounds[2]]
    y = [bounds[1], bounds[1], bounds[3], bounds[3]]
    lon, lat = approximate_lonlat(horizontal, x, y)
    west, south, east, north = area
    m = AREA_MARGIN_DEGREES
    inside = all(
        west - m <= lo <= east + m and south - m <= la <= north + m
        for lo, la in zip(lon, lat, strict=True)
    )
    if not inside:
        raise IngestError(
            source,
            f"coordinates {bounds} fall outside the area of use of EPSG:{crs.horizontal} "
            f"({west:.1f}..{east:.1f} E, {south:.1f}..{north:.1f} N): is the CRS right?",
        )
