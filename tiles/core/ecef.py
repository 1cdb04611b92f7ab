"""Earth-centred coordinates (EPSG:4978) for 3D Tiles: closed form, local frames, PROJ.

3D Tiles place everything in ECEF. Products that already hold WGS 84 ellipsoidal heights
(EPSG:4979) use the closed form `geodetic_to_ecef` (and `ecef_to_geodetic` back); products
in a projected CRS with an orthometric height go through `exact_ecef`, PROJ with the geoid
grid the store ships (no fallback: a missing grid is an error, never a metre off). Contents
are written in a local east-north-up `LocalFrame` about a float64 origin, so float32
vertices keep millimetres.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gis.errors import GeodesyError
from gis.geodesy import bounds_of, transformer
from tiles.errors import BuildInputError

F64 = NDArray[np.float64]
WGS84_A = 6378137.0
WGS84_F = 1 / 298.257223563
WGS84_E2 = WGS84_F * (2 - WGS84_F)


def geodetic_to_ecef(lon_deg: F64, lat_deg: F64, height: F64) -> F64:
    """WGS 84 geographic 3D -> geocentric (EPSG:4979 -> EPSG:4978), closed form."""
    lon, lat = np.radians(lon_deg), np.radians(lat_deg)
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    normal = WGS84_A / np.sqrt(1 - WGS84_E2 * sin_lat**2)
    return np.column_stack([
        (normal + height) * cos_lat * np.cos(lon),
        (normal + height) * cos_lat * np.sin(lon),
        (normal * (1 - WGS84_E2) + height) * sin_lat,
    ])


def ecef_to_geodetic(ecef: F64) -> tuple[F64, F64, F64]:
    """Geocentric (n, 3) -> longitude, latitude (degrees), ellipsoidal height (metres).

    Bowring's closed form: one step, under a tenth of a millimetre from PROJ for points
    within tens of kilometres of the surface (everything a tile holds), no iteration.
    Products use it to read regions (radians, heights) off ECEF content.
    """
    x, y, z = ecef[:, 0], ecef[:, 1], ecef[:, 2]
    b = WGS84_A * (1 - WGS84_F)
    second_e2 = (WGS84_A**2 - b**2) / b**2
    p = np.hypot(x, y)
    theta = np.arctan2(z * WGS84_A, p * b)
    lat = np.arctan2(z + second_e2 * b * np.sin(theta) ** 3,
                     p - WGS84_E2 * WGS84_A * np.cos(theta) ** 3)
    sin_lat = np.sin(lat)
    # height along the normal, stable at every latitude (p / cos(lat) fails near the poles)
    height = p * np.cos(lat) + z * sin_lat - WGS84_A * np.sqrt(1 - WGS84_E2 * sin_lat**2)
    return np.degrees(np.arctan2(y, x)), np.degrees(lat), height


def ellipsoid_up(lon_deg: F64, lat_deg: F64) -> F64:
    """The unit normal of the ellipsoid (local "up") at geodetic positions."""
    lon, lat = np.radians(lon_deg), np.radians(lat_deg)
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def exact_ecef(crs: str, x: F64, y: F64, z: F64) -> F64:
    """ECEF by PROJ (geoid applied); non-finite results become a `BuildInputError`."""
    try:
        to_ecef = transformer(crs, "EPSG:4978", within=bounds_of(x, y))
    except GeodesyError as exc:
        raise BuildInputError(str(exc)) from exc
    ex, ey, ez = to_ecef.transform(x, y, z)
    result = np.column_stack([ex, ey, ez]).astype(np.float64)
    if not np.all(np.isfinite(result)):
        raise BuildInputError(
            f"{crs} -> ECEF gives non-finite coordinates (points outside the CRS or geoid "
            "grid area: is the declared CRS right?)"
        )
    return result


@dataclass(frozen=True)
class LocalFrame:
    """East-north-up axes at an ECEF origin; the tileset root ``transform`` maps it to ECEF."""

    origin: tuple[float, float, float]
    rotation: tuple[tuple[float, float, float], ...]  # rows: east, north, up (unit vectors)

    @classmethod
    def at(cls, ecef: F64) -> LocalFrame:
        """The frame whose origin is the ECEF point ``ecef`` (a product's centre)."""
        x, y, z = (float(v) for v in ecef)
        lon = np.arctan2(y, x)
        lat = np.arctan2(z, np.hypot(x, y))  # geocentric is fine: any orthonormal frame works
        east = (-np.sin(lon), np.cos(lon), 0.0)
        north = (-np.sin(lat) * np.cos(lon), -np.sin(lat) * np.sin(lon), np.cos(lat))
        up = (np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat))
        rows = tuple((float(r[0]), float(r[1]), float(r[2])) for r in (east, north, up))
        return cls(origin=(x, y, z), rotation=rows)

    def to_local(self, ecef: F64) -> F64:
        """ECEF points (n, 3) in the frame: metres east, north, up of the origin."""
        result: F64 = (ecef - np.asarray(self.origin)) @ np.asarray(self.rotation).T
        return result

    def to_ecef(self, local: F64) -> F64:
        """The inverse of `to_local` (the rotation is orthonormal: its transpose inverts it)."""
        result: F64 = local @ np.asarray(self.rotation) + np.asarray(self.origin)
        return result

    def transform(self) -> list[float]:
        """The 4x4 local -> ECEF matrix, column-major, as 3D Tiles ``transform`` wants."""
        r = np.asarray(self.rotation)
        matrix = np.eye(4)
        matrix[:3, :3] = r.T
        matrix[:3, 3] = self.origin
        return [float(v) for v in matrix.T.reshape(-1)]
