"""Whether the database's ``ST_Transform`` is as exact as pyproj with the shipped grids.

A PostGIS whose PROJ lacks a grid (a distribution's package, a managed service, a stock
container image) silently takes PROJ's ballpark route: BD72 -> ETRS89 comes out 13 cm off,
RD -> ETRS89 some decimetres. We never trust it blindly. For every pair of CRSs the store
reprojects between, reference points spread over the area both CRSs cover are transformed
by the server and by `gis.interpolated_transform.exact` (pyproj, only the best operation, our
grids); a pair whose worst deviation exceeds `TOLERANCE_METRES` is *inexact*, and its
transforms are done by the application instead (`twin.ogc.sql`). `twin doctor`, ``twin db
migrate`` and the service's start-up report which pairs run where.

Probes are cached per engine and pair for the life of the process: a server's PROJ does not
change under a running service (a grid copied in later is picked up at the next start).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyproj
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from gis.geodesy import area_of_use, parse_crs
from gis.interpolated_transform import exact

#: Largest deviation (metres on the ground) of a server transform still called exact:
#: pyproj and PostGIS run the same PROJ pipelines, so with the grids they agree to
#: micrometres; without them the fallback is off by centimetres to metres.
TOLERANCE_METRES = 0.001
#: Reference points per side of the lattice over the pair's common area.
LATTICE_SIDE = 5
EARTH_RADIUS = 6_371_000.0

PROBE_SQL = text(
    "SELECT ST_X(g), ST_Y(g) FROM ("
    " SELECT ST_Transform(ST_SetSRID(ST_MakePoint(p.x, p.y), CAST(:source AS integer)),"
    "                     CAST(:target AS integer)) AS g, p.n"
    " FROM unnest(CAST(:xs AS double precision[]), CAST(:ys AS double precision[]))"
    "      WITH ORDINALITY AS p(x, y, n)) AS t ORDER BY n"
)

Pair = tuple[int, int]


@dataclass(frozen=True)
class PairProbe:
    """How far the server's transform of one pair is from the grid-exact one."""

    source: int
    target: int
    points: int  # reference points both could transform
    worst_metres: float | None  # None: no reference point (no common area, or a failure)
    failure: str | None = None  # the server refused the transformation

    @property
    def exact(self) -> bool:
        return self.worst_metres is not None and self.worst_metres <= TOLERANCE_METRES

    @property
    def wrong(self) -> bool:
        """The server was measured off (or refused): what deserves a warning. A pair whose
        CRSs share no area (Austrian UTM and Belgian Lambert) cannot be probed; the service
        reprojects it, but nothing says the server would err."""
        return self.failure is not None or (self.worst_metres is not None and not self.exact)

    def describe(self) -> str:
        name = f"EPSG:{self.source} -> EPSG:{self.target}"
        if self.failure:
            return f"{name}: the server cannot transform ({self.failure}); done by the service"
        if self.worst_metres is None:
            return f"{name}: no common area to probe; done by the service"
        where = "in PostGIS" if self.exact else "by the service (pyproj and the shipped grids)"
        return (f"{name}: server off by {_metres(self.worst_metres)} over {self.points} "
                f"reference points; done {where}")


def _metres(value: float) -> str:
    if value < 0.001:
        return f"{value * 1e6:.0f} µm"
    if value < 1:
        return f"{value * 100:.1f} cm"
    return f"{value:.2f} m"


def reference_points(source: int, target: int) -> np.ndarray:
    """A lattice (n x 2, source coordinates) over the area both CRSs are used in, shrunk by a
    tenth on each side so no point sits on the edge of a grid; empty when the areas do not
    meet."""
    area = _common_area(source, target)
    if area is None:
        return np.zeros((0, 2))
    west, south, east, north = area
    dx, dy = (east - west) / 10, (north - south) / 10
    lon, lat = np.meshgrid(np.linspace(west + dx, east - dx, LATTICE_SIDE),
                           np.linspace(south + dy, north - dy, LATTICE_SIDE))
    crs = parse_crs(source)
    to_source = pyproj.Transformer.from_crs(crs.geodetic_crs or crs, crs, always_xy=True)
    x, y = to_source.transform(lon.ravel(), lat.ravel())
    xy = np.column_stack([np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)])
    return xy[np.isfinite(xy).all(axis=1)]


def _common_area(source: int, target: int) -> tuple[float, float, float, float] | None:
    areas = [a for a in (area_of_use(parse_crs(source)), area_of_use(parse_crs(target)))
             if a is not None]
    if not areas:
        return None
    west = max(a[0] for a in areas)
    south = max(a[1] for a in areas)
    east = min(a[2] for a in areas)
    north = min(a[3] for a in areas)
    if west >= east or south >= north:
        return None
    return (west, south, east, north)


def deviation_metres(expected: np.ndarray, got: np.ndarray, target: int) -> np.ndarray:
    """Per point distance on the ground between two transforms' results (target CRS)."""
    if parse_crs(target).is_geographic:
        lat = np.radians(expected[:, 1])
        dx = np.radians(got[:, 0] - expected[:, 0]) * np.cos(lat) * EARTH_RADIUS
        dy = np.radians(got[:, 1] - expected[:, 1]) * EARTH_RADIUS
        return np.asarray(np.hypot(dx, dy))
    return np.asarray(np.hypot(got[:, 0] - expected[:, 0], got[:, 1] - expected[:, 1]))


def probe_pair(engine: Engine, source: int, target: int) -> PairProbe:
    """Transform the pair's reference points on the server and with pyproj; compare."""
    xy = reference_points(source, target)
    if len(xy):
        expected = exact(xy, f"EPSG:{source}", f"EPSG:{target}")
        keep = np.isfinite(expected).all(axis=1)
        xy, expected = xy[keep], expected[keep]
    if not len(xy):
        return PairProbe(source, target, 0, None)
    try:
        with engine.connect() as conn:
            rows = conn.execute(PROBE_SQL, {"source": source, "target": target,
                                            "xs": xy[:, 0].tolist(),
                                            "ys": xy[:, 1].tolist()}).all()
    except DBAPIError as exc:  # the server's PROJ refuses the pair outright
        first = str(exc.orig).splitlines()[0]
        return PairProbe(source, target, 0, None, failure=first)
    got = np.array([(float(r[0]), float(r[1])) for r in rows], dtype=np.float64)
    finite = np.isfinite(got).all(axis=1)
    if not finite.all():
        return PairProbe(source, target, int(finite.sum()), None,
                         failure=f"{int((~finite).sum())} reference points not transformed")
    worst = float(deviation_metres(expected, got, target).max())
    return PairProbe(source, target, len(xy), worst if math.isfinite(worst) else None)


def store_pairs(storage_srids: Iterable[int], others: Iterable[int]) -> set[Pair]:
    """Both directions between every storage CRS and every other CRS the service offers."""
    targets = set(others)
    return {pair for s in storage_srids for t in targets if t != s
            for pair in ((s, t), (t, s))}


class ServerTransforms:
    """Which pairs the database transforms exactly, probed once per pair (thread-safe)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._probes: dict[Pair, PairProbe] = {}
        self._lock = threading.Lock()

    def probe(self, pairs: Iterable[Pair]) -> list[PairProbe]:
        """The probes of ``pairs`` (run now for those not probed yet), in pair order."""
        return [self.result(s, t) for s, t in sorted(set(pairs))]

    def result(self, source: int, target: int) -> PairProbe:
        key = (source, target)
        found = self._probes.get(key)
        if found is None:
            with self._lock:
                found = self._probes.get(key)
                if found is None:
                    found = self._probes[key] = probe_pair(self._engine, source, target)
        return found

    def exact(self, source: int, target: int) -> bool:
        """Whether ``ST_Transform`` from ``source`` to ``target`` may be used on this server
        (the same CRS always may)."""
        return source == target or self.result(source, target).exact

    def known(self) -> list[PairProbe]:
        return [self._probes[k] for k in sorted(self._probes)]
