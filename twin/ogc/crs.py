"""CRS handling for OGC API Features Part 2: the URIs we accept and how they map to SRIDs.

Output geometries come from the stored columns whenever possible (``geom_4326`` for CRS84,
``geom_3857``, ``geom`` for the storage CRS) and are otherwise reprojected by PostGIS with an
integer SRID. EPSG:4326 has latitude first, so its coordinates are flipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from twin.errors import BadRequest

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_PREFIX = "http://www.opengis.net/def/crs/EPSG/0/"

#: SRIDs offered by every collection besides CRS84 and its storage CRS (Belgium first).
OFFERED_SRIDS = (4326, 3857, 31370, 3812)
#: SRIDs whose EPSG axis order is latitude, longitude.
LAT_LON_SRIDS = frozenset({4326, 4258})


@dataclass(frozen=True)
class OutputCrs:
    """A requested CRS: its URI, SRID and whether axes are swapped relative to x/y."""

    uri: str
    srid: int
    lat_lon: bool

    @property
    def geographic(self) -> bool:
        return self.srid in (4326, 4258)


def uri_of(srid: int) -> str:
    return f"{EPSG_PREFIX}{srid}"


def supported_uris(storage_srid: int) -> list[str]:
    """The ``crs`` list of a collection: CRS84, the offered SRIDs and the storage CRS."""
    srids = list(OFFERED_SRIDS)
    if storage_srid not in srids:
        srids.append(storage_srid)
    return [CRS84, *(uri_of(s) for s in srids)]


def storage_uri(storage_srid: int) -> str:
    return uri_of(storage_srid)


def parse_crs(value: str | None, storage_srid: int, parameter: str = "crs") -> OutputCrs:
    """The CRS of a ``crs`` / ``bbox-crs`` / ``filter-crs`` value; 400 when not offered."""
    if value is None or value == CRS84:
        return OutputCrs(CRS84, 4326, lat_lon=False)
    if value in supported_uris(storage_srid) and value.startswith(EPSG_PREFIX):
        srid = int(value.removeprefix(EPSG_PREFIX))
        return OutputCrs(value, srid, lat_lon=srid in LAT_LON_SRIDS)
    raise BadRequest(
        f"{parameter}: {value!r} is not offered by this collection; "
        f"use one of {', '.join(supported_uris(storage_srid))}"
    )
