"""Reprojection by the service, for the pairs of CRSs the database does not transform exactly.

`gis.server_transforms` tells, per pair, whether PostGIS's ``ST_Transform`` agrees with
pyproj and the shipped grids. Where it does not, features leave PostgreSQL as WKB in the
storage CRS and are reprojected here, all of a page's coordinates in one vectorised call
(`gis.interpolated_transform`), then written as GeoJSON with the precision PostGIS would
have used; query geometries (``bbox`` in a ``bbox-crs``, CQL2 literals in a ``filter-crs``)
go the other way before they are bound.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely

from gis.interpolated_transform import reproject_geometries
from twin.errors import BadRequest


def _epsg(srid: int) -> str:
    return f"EPSG:{srid}"


def swapped_axes(geometry: shapely.Geometry) -> shapely.Geometry:
    """The geometry with its first two axes exchanged (EPSG:4326's latitude first)."""
    return shapely.transform(geometry, lambda c: c[:, [1, 0, *range(2, c.shape[1])]],
                             include_z=None)


def to_storage(geometry: shapely.Geometry, srid: int, storage_srid: int) -> shapely.Geometry:
    """A query geometry given in ``srid``, in the storage CRS; 400 where it has no place
    there (outside the grids, or beyond the projection's domain)."""
    moved = reproject_geometries(np.array([geometry], dtype=object), _epsg(srid),
                                 _epsg(storage_srid))[0]
    if not np.isfinite(shapely.get_coordinates(moved)).all():
        raise BadRequest(f"a query geometry in EPSG:{srid} has coordinates that cannot be "
                         f"transformed to the storage CRS EPSG:{storage_srid}")
    return moved


def geojson_geometries(wkbs: Sequence[bytes | None], storage_srid: int, srid: int,
                       lat_lon: bool, digits: int) -> list[str]:
    """GeoJSON geometry texts, in ``srid``, of WKB geometries stored in ``storage_srid``."""
    geoms = shapely.from_wkb(np.array(list(wkbs), dtype=object))
    moved = reproject_geometries(geoms, _epsg(storage_srid), _epsg(srid))
    coordinates = shapely.get_coordinates(moved, include_z=True)
    if not np.isfinite(coordinates[:, :2]).all():
        raise BadRequest(f"some features of this page cannot be transformed to EPSG:{srid} "
                         "(outside the area the transformation covers)")
    if lat_lon:
        moved = swapped_axes(moved)
    rounded = shapely.transform(moved, lambda c: np.round(c, digits), include_z=None)
    texts = shapely.to_geojson(rounded)
    return [t if t is not None else "null" for t in texts.tolist()]
