"""Where a model stands: its map conversion, its site's reference point, or the planner's.

An IFC model is drawn in a local engineering frame (metres once IfcOpenShell has converted
the project's units). Four ways place it on the map, in this order of trust:

1. ``user``: ``--origin E,N,H --crs EPSG:x --rotation DEG`` -- the planner tries a design
   on a candidate parcel, or places a model without georeferencing; it overrides the file.
2. ``map_conversion``: IFC4/IFC4X3 ``IfcMapConversion`` to an ``IfcProjectedCRS`` (EPSG).
3. ``epset_map_conversion``: the IFC2X3 equivalents, the ``ePSet_MapConversion`` and
   ``ePSet_ProjectedCRS`` property sets (buildingSMART's georeferencing guide).
4. ``site_reference``: ``IfcSite`` RefLatitude/RefLongitude/RefElevation and the context's
   true north, projected to the UTM zone of the site: approximate (no grid north, the
   reference point taken as the model's origin), flagged in the quality report.

The map conversion is a Helmert transformation: E = Eastings + s (a x - o y),
N = Northings + s (o x + a y), H = OrthogonalHeight + z, with (a, o) the unit x axis.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from gis.errors import GeodesyError, IngestError
from gis.geodesy import parse_crs

Method = Literal["user", "map_conversion", "epset_map_conversion", "site_reference"]
PLACEMENT_FLAGS = "--origin E,N,H --crs EPSG:xxxx --rotation DEG"


@dataclass(frozen=True)
class Placement:
    """The model's local frame on the map: origin, x-axis direction, scale, CRS."""

    crs: str  # horizontal (projected) CRS, "EPSG:x"
    vertical_crs: str | None  # the heights' datum, "EPSG:y", when the file or user says
    eastings: float
    northings: float
    height: float
    x_axis_abscissa: float
    x_axis_ordinate: float
    scale: float
    method: Method

    @property
    def approximate(self) -> bool:
        return self.method == "site_reference"

    @property
    def rotation_degrees(self) -> float:
        """The model's x axis from grid east, counter-clockwise."""
        return math.degrees(math.atan2(self.x_axis_ordinate, self.x_axis_abscissa))

    @property
    def srid(self) -> int:
        """The EPSG code of the horizontal CRS (``crs`` is always "EPSG:x")."""
        return int(self.crs.split(":")[1])

    @property
    def compound_crs(self) -> str:
        """The 3D CRS of placed coordinates ("EPSG:x+y"), or the horizontal one."""
        if self.vertical_crs is None:
            return self.crs
        return f"{self.crs}+{self.vertical_crs.split(':')[1]}"

    def apply(self, local: NDArray[np.float64]) -> NDArray[np.float64]:
        """Local (n, 3) metres -> (E, N, H) in the placement's CRS."""
        norm = math.hypot(self.x_axis_abscissa, self.x_axis_ordinate)
        a, o = self.x_axis_abscissa / norm, self.x_axis_ordinate / norm
        x, y, z = local[:, 0], local[:, 1], local[:, 2]
        return np.column_stack([self.eastings + self.scale * (a * x - o * y),
                                self.northings + self.scale * (o * x + a * y),
                                self.height + z])

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"rotation_degrees": self.rotation_degrees,
                               "approximate": self.approximate}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Placement:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})


def user_placement(origin: str, crs: str, rotation: float) -> Placement:
    """The planner's placement from the CLI flags (``crs`` may be compound: EPSG:31370+5710)."""
    try:
        east, north, height = (float(v) for v in origin.split(","))
    except ValueError as exc:
        raise IngestError("--origin", f"expected E,N,H in metres, got {origin!r}") from exc
    horizontal, vertical = split_crs(crs, "--crs")
    radians = math.radians(rotation)
    return Placement(crs=horizontal, vertical_crs=vertical, eastings=east, northings=north,
                     height=height, x_axis_abscissa=math.cos(radians),
                     x_axis_ordinate=math.sin(radians), scale=1.0, method="user")


def split_crs(value: str, where: str) -> tuple[str, str | None]:
    """A CRS given as EPSG (projected, or compound projected + vertical) -> its two parts."""
    head, _, tail = value.partition("+")
    vertical_code = tail or None
    try:
        crs = parse_crs(head)
    except GeodesyError as exc:
        raise IngestError(where, f"unknown CRS {value!r} ({exc})") from exc
    if crs.is_compound:
        parts = crs.sub_crs_list
        crs, vertical_code = parts[0], str(parts[1].to_epsg() or "") or None
    code = crs.to_epsg()
    if code is None or not crs.is_projected:
        raise IngestError(where, f"{value!r} is not a projected EPSG CRS")
    return f"EPSG:{code}", f"EPSG:{vertical_code}" if vertical_code else None


def read_placement(model: Any, label: str) -> Placement | None:
    """The placement the file declares (methods 2-4), or None when it has none."""
    return (_map_conversion(model, label) or _epset_map_conversion(model, label)
            or _site_reference(model))


def _map_conversion(model: Any, label: str) -> Placement | None:
    if model.schema == "IFC2X3":
        return None
    for conversion in model.by_type("IfcMapConversion"):
        target = conversion.TargetCRS
        if target is None or not target.is_a("IfcProjectedCRS"):
            continue
        horizontal, vertical = split_crs(str(target.Name), f"{label}: IfcProjectedCRS")
        if vertical is None and getattr(target, "VerticalDatum", None):
            vertical = _vertical_code(str(target.VerticalDatum))
        unit = _map_unit_metres(getattr(target, "MapUnit", None))
        return Placement(
            crs=horizontal, vertical_crs=vertical, eastings=conversion.Eastings * unit,
            northings=conversion.Northings * unit, height=conversion.OrthogonalHeight * unit,
            x_axis_abscissa=conversion.XAxisAbscissa or 1.0,
            x_axis_ordinate=conversion.XAxisOrdinate or 0.0,
            scale=conversion.Scale if conversion.Scale is not None else 1.0,
            method="map_conversion")
    return None


def _epset_map_conversion(model: Any, label: str) -> Placement | None:
    import ifcopenshell.util.element as element_util

    for site in model.by_type("IfcSite"):
        psets = element_util.get_psets(site)
        conversion, projected = psets.get("ePSet_MapConversion"), psets.get("ePSet_ProjectedCRS")
        if not conversion or not projected or not projected.get("Name"):
            continue
        horizontal, vertical = split_crs(str(projected["Name"]), f"{label}: ePSet_ProjectedCRS")
        if vertical is None and projected.get("VerticalDatum"):
            vertical = _vertical_code(str(projected["VerticalDatum"]))
        return Placement(
            crs=horizontal, vertical_crs=vertical, eastings=float(conversion["Eastings"]),
            northings=float(conversion["Northings"]),
            height=float(conversion.get("OrthogonalHeight") or 0.0),
            x_axis_abscissa=float(conversion.get("XAxisAbscissa") or 1.0),
            x_axis_ordinate=float(conversion.get("XAxisOrdinate") or 0.0),
            scale=float(conversion.get("Scale") or 1.0), method="epset_map_conversion")
    return None


def _site_reference(model: Any) -> Placement | None:
    from pyproj import Transformer

    for site in model.by_type("IfcSite"):
        if site.RefLatitude is None or site.RefLongitude is None:
            continue
        lat, lon = dms_degrees(site.RefLatitude), dms_degrees(site.RefLongitude)
        zone = int((lon + 180) // 6) + 1
        crs = f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"
        east, north = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
        rotation = _true_north_rotation(model)
        return Placement(crs=crs, vertical_crs=None, eastings=float(east),
                         northings=float(north), height=float(site.RefElevation or 0.0),
                         x_axis_abscissa=math.cos(rotation), x_axis_ordinate=math.sin(rotation),
                         scale=1.0, method="site_reference")
    return None


def dms_degrees(value: Any) -> float:
    """An IfcCompoundPlaneAngleMeasure (degrees, minutes, seconds, millionths) -> degrees."""
    parts = [float(v) for v in value] + [0.0] * (4 - len(value))
    magnitude = (abs(parts[0]) + abs(parts[1]) / 60 + abs(parts[2]) / 3600
                 + abs(parts[3]) / 3.6e9)
    negative = any(v < 0 for v in parts)
    return -magnitude if negative else magnitude


def _true_north_rotation(model: Any) -> float:
    """The model's x axis from east (radians) given the context's TrueNorth (model x, y of
    north): north maps to the map's +y, so the x axis is turned by 90 deg minus its angle."""
    for context in model.by_type("IfcGeometricRepresentationContext"):
        north = getattr(context, "TrueNorth", None)
        if north is not None:
            nx, ny = north.DirectionRatios[0], north.DirectionRatios[1]
            return math.pi / 2 - math.atan2(ny, nx)
    return 0.0


def _vertical_code(datum: str) -> str | None:
    """An EPSG code from a VerticalDatum text ("EPSG:5709"); names are not guessed."""
    text = datum.strip().upper()
    return text if text.startswith("EPSG:") and text[5:].isdigit() else None


def _map_unit_metres(unit: Any) -> float:
    """The MapUnit's size in metres (None: the CRS's own unit, taken as metres)."""
    if unit is None or not unit.is_a("IfcSIUnit") or unit.Name != "METRE":
        return 1.0
    return {"MILLI": 1e-3, "CENTI": 1e-2, "DECI": 1e-1, "KILO": 1e3}.get(unit.Prefix or "", 1.0)


def require_placement(found: Placement | None, user: Placement | None, label: str
                      ) -> Placement:
    """The user's placement when given, else the file's; none at all is refused."""
    if user is not None:
        return user
    if found is None:
        raise IngestError(label, "the model has no georeferencing (no IfcMapConversion, no "
                          "ePSet_MapConversion, no IfcSite reference point): place it with "
                          f"{PLACEMENT_FLAGS}")
    return found
