"""The same geometries in another CRS, written by patching their WKB instead of rebuilding them.

A reprojected geometry has exactly the structure of the original: only its coordinate values
change. So one WKB encoding of a batch serves as a template: we locate the byte runs holding
coordinates once (a vectorised walk over the WKB headers, level by level), and for every
target CRS copy the template and drop the transformed coordinates into those runs with one
boolean-mask assignment. This avoids building two more arrays of GEOS geometries per batch.
When the checks changed nothing, the template is the source's own WKB (as GDAL read it), so
the geometries are not even encoded once.

The WKB carries no SRID: PostGIS gives a geometry without one the SRID of its typed column
(``geometry(Polygon, 31370)``), which every column we COPY into is.

Only what the ingest produces is handled: little-endian 2D WKB of the types Point,
LineString, Polygon and their Multi forms (`plain_wkb` tells whether source WKB is such).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import shapely

Bytes = npt.NDArray[np.uint8]
Ints = npt.NDArray[np.int64]

POINT, LINESTRING, POLYGON, MULTIPOLYGON = 1, 2, 3, 6
HEADER = 5  # byte order, type
PAIR = 16  # two little-endian doubles


@dataclass(frozen=True)
class Template:
    """WKB of a batch plus where its coordinates are."""

    wkb: pa.Array  # binary, little-endian 2D WKB, offsets from 0
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


def encode(geoms: npt.NDArray[np.object_]) -> pa.Array:
    """Little-endian WKB of 2D geometries."""
    return pa.array(shapely.to_wkb(geoms, byte_order=1), type=pa.binary())


def _buffers(wkb: pa.Array) -> tuple[pa.Array, Ints, Bytes]:
    """The array with offsets from 0 (rebuilt when sliced), its offsets and its bytes."""
    if pa.types.is_large_binary(wkb.type):
        wkb = wkb.cast(pa.binary())
    count = len(wkb)
    if count == 0:
        return wkb, np.zeros(1, np.int64), np.zeros(0, np.uint8)
    offsets = np.frombuffer(wkb.buffers()[1], dtype=np.int32)[
        wkb.offset: wkb.offset + count + 1].astype(np.int64)
    data = wkb.buffers()[2]
    values = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    values = values[offsets[0]: offsets[-1]]
    if offsets[0] != 0 or wkb.offset != 0:
        offsets = offsets - offsets[0]
        wkb = pa.Array.from_buffers(pa.binary(), count, [
            None, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(values)])
    return wkb, offsets, values


def plain_wkb(wkb: pa.Array) -> bool:
    """Whether source WKB can serve as a template: no nulls, little-endian, 2D types 1-6."""
    if wkb.null_count:
        return False
    _wkb, offsets, values = _buffers(wkb)
    starts = offsets[:-1]
    if len(starts) == 0:
        return True
    if np.any(offsets[1:] - starts < HEADER) or np.any(values[starts] != 1):
        return False
    kinds = _u32(values, starts + 1)
    return bool(np.all((kinds >= POINT) & (kinds <= MULTIPOLYGON)))


def template(wkb: pa.Array) -> Template:
    """Find the coordinate bytes of ``wkb`` (`encode` output, or source WKB that passed
    `plain_wkb`)."""
    wkb, offsets, values = _buffers(wkb)
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
        cursor[active] = _runs_of_parts(values, at + HEADER, kind[multi][active] - 3, runs)
    return Template(wkb, values, starts, _mask(len(values), runs))


def _mask(length: int, runs: list[tuple[Ints, Ints]]) -> npt.NDArray[np.bool_]:
    begin = np.concatenate([start for start, _ in runs] or [np.zeros(0, np.int64)])
    end = begin + PAIR * np.concatenate([count for _, count in runs] or [np.zeros(0, np.int64)])
    delta = np.zeros(length + 1, dtype=np.int8)  # runs never overlap: the sum stays 0 or 1
    delta[begin] = 1
    delta[end] = -1
    return np.asarray(np.cumsum(delta[:-1], dtype=np.int8) > 0)


def coordinates(base: Template) -> npt.NDArray[np.float64]:
    """The template's coordinates (n x 2), in the order `with_coordinates` takes them (the
    order of ``shapely.get_coordinates``)."""
    return base.values[base.coordinates].view("<f8").reshape(-1, 2).astype(np.float64)


def with_coordinates(base: Template, xy: npt.NDArray[np.float64]) -> pa.Array:
    """The template's geometries with coordinates ``xy`` (in template order)."""
    values = base.values.copy()
    values[base.coordinates] = np.ascontiguousarray(xy, dtype="<f8").view(np.uint8).ravel()
    buffers = base.wkb.buffers()
    return pa.Array.from_buffers(pa.binary(), len(base.wkb),
                                 [None, buffers[1], pa.py_buffer(values)])
