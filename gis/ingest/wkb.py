"""The same geometries in another CRS, written by patching their EWKB instead of rebuilding them.

A reprojected geometry has exactly the structure of the original: only its SRID and its
coordinate values change. So one EWKB encoding of a batch serves as a template: we locate
the byte runs holding coordinates once (a vectorised walk over the WKB headers, level by
level), and for every target CRS copy the template, write the SRID and drop the transformed
coordinates into those runs with one boolean-mask assignment. This avoids building two more
arrays of GEOS geometries per batch (the costliest step of the ingest otherwise).

Only what the ingest produces is handled: little-endian 2D EWKB with an SRID, of the types
Point, LineString, Polygon and their Multi forms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import shapely

Bytes = npt.NDArray[np.uint8]
Ints = npt.NDArray[np.int64]

POINT, LINESTRING, POLYGON = 1, 2, 3
HEADER = 9  # byte order, type, SRID
PART_HEADER = 5  # byte order, type (parts of a Multi carry no SRID)
PAIR = 16  # two little-endian doubles


@dataclass(frozen=True)
class Template:
    """EWKB of a batch plus where its coordinates are."""

    wkb: pa.Array  # binary, EWKB little-endian with SRID
    values: Bytes  # the data buffer of ``wkb``
    starts: Ints  # byte offset of every geometry in ``values``
    coordinates: npt.NDArray[np.bool_]  # which bytes of ``values`` are coordinates


def _u32(values: Bytes, at: Ints) -> Ints:
    """Little-endian uint32 read at byte offsets ``at`` (unaligned)."""
    gathered = np.ascontiguousarray(values[at[:, None] + np.arange(4)])
    return gathered.view("<u4").ravel().astype(np.int64)


def _runs_of_rings(values: Bytes, cursor: Ints, rings: Ints,
                   runs: list[tuple[Ints, Ints]]) -> Ints:
    """Walk ``rings`` point sequences starting at ``cursor``; returns the cursors after them."""
    cursor = cursor.copy()
    for index in range(int(rings.max(initial=0))):
        active = rings > index
        at = cursor[active]
        count = _u32(values, at)
        runs.append((at + 4, count))
        cursor[active] = at + 4 + PAIR * count
    return cursor


def _runs_of_parts(values: Bytes, cursor: Ints, kind: Ints,
                   runs: list[tuple[Ints, Ints]]) -> Ints:
    """Coordinate runs of single geometries (without their header) of type ``kind``."""
    cursor = cursor.copy()
    point = kind == POINT
    runs.append((cursor[point], np.ones(int(point.sum()), dtype=np.int64)))
    cursor[point] += PAIR
    line = kind == LINESTRING
    cursor[line] = _runs_of_rings(values, cursor[line], np.ones(int(line.sum()), np.int64),
                                  runs)
    polygon = kind == POLYGON
    at = cursor[polygon]
    cursor[polygon] = _runs_of_rings(values, at + 4, _u32(values, at), runs)
    return cursor


def _ewkb(geoms: npt.NDArray[np.object_], srid: int) -> pa.Array:
    """EWKB (little-endian, with SRID) of 2D geometries without SRID.

    GEOS writes plain WKB; the SRID flag and the four SRID bytes are inserted here for the
    whole batch at once (cheaper than cloning every geometry to set its SRID).
    """
    plain = pa.array(shapely.to_wkb(geoms, byte_order=1), type=pa.binary())
    count = len(plain)
    offsets = np.frombuffer(plain.buffers()[1], dtype=np.int32)[: count + 1].astype(np.int64)
    source = np.frombuffer(plain.buffers()[2], dtype=np.uint8)[: offsets[-1]]
    new_offsets = offsets + 4 * np.arange(count + 1)
    out = np.empty(int(new_offsets[-1]), dtype=np.uint8)
    srid_at = (new_offsets[:-1, None] + 5 + np.arange(4)).ravel()
    rest = np.ones(len(out), dtype=bool)
    rest[srid_at] = False
    out[rest] = source
    out[srid_at] = np.tile(np.frombuffer(np.array([srid], "<u4").tobytes(), np.uint8), count)
    out[new_offsets[:-1] + 4] |= 0x20  # the EWKB "has SRID" flag, high byte of the type
    return pa.Array.from_buffers(pa.binary(), count, [
        None, pa.py_buffer(new_offsets.astype(np.int32)), pa.py_buffer(out)])


def template(geoms: npt.NDArray[np.object_], srid: int) -> Template:
    """Encode ``geoms`` (2D, no SRID set) once and find their coordinate bytes."""
    wkb = _ewkb(geoms, srid)
    offsets = np.frombuffer(wkb.buffers()[1], dtype=np.int32)[: len(wkb) + 1].astype(np.int64)
    values = np.frombuffer(wkb.buffers()[2], dtype=np.uint8)[: offsets[-1]]
    starts = offsets[:-1]
    kind = _u32(values, starts + 1) & 0xFFFF
    runs: list[tuple[Ints, Ints]] = []
    single = kind <= POLYGON
    _runs_of_parts(values, starts[single] + HEADER, kind[single], runs)
    multi = ~single
    cursor, parts = starts[multi] + HEADER + 4, _u32(values, starts[multi] + HEADER)
    for index in range(int(parts.max(initial=0))):
        active = parts > index
        at = cursor[active]
        cursor[active] = _runs_of_parts(values, at + PART_HEADER, kind[multi][active] - 3,
                                        runs)
    return Template(wkb, values, starts, _mask(len(values), runs))


def _mask(length: int, runs: list[tuple[Ints, Ints]]) -> npt.NDArray[np.bool_]:
    begin = np.concatenate([start for start, _ in runs] or [np.zeros(0, np.int64)])
    end = begin + PAIR * np.concatenate([count for _, count in runs] or [np.zeros(0, np.int64)])
    delta = np.zeros(length + 1, dtype=np.int8)  # runs never overlap: the sum stays 0 or 1
    delta[begin] = 1
    delta[end] = -1
    return np.asarray(np.cumsum(delta[:-1], dtype=np.int8) > 0)


def with_coordinates(base: Template, xy: npt.NDArray[np.float64], srid: int) -> pa.Array:
    """The template's geometries with coordinates ``xy`` (in template order) and ``srid``."""
    values = base.values.copy()
    values[base.coordinates] = np.ascontiguousarray(xy, dtype="<f8").view(np.uint8).ravel()
    srid_bytes = np.frombuffer(np.array([srid], dtype="<u4").tobytes(), dtype=np.uint8)
    values[(base.starts[:, None] + 5 + np.arange(4)).ravel()] = np.tile(srid_bytes,
                                                                        len(base.starts))
    buffers = base.wkb.buffers()
    return pa.Array.from_buffers(pa.binary(), len(base.wkb),
                                 [None, buffers[1], pa.py_buffer(values)])
