"""Encode one quantized-mesh-1.0 tile, float64 wherever the format allows.

Written here rather than with quantized-mesh-encoder 0.5.0, which (measured with CesiumJS
1.145) writes the root tiles' horizon-occlusion point outside ellipsoid-scaled space so that
CesiumJS culls a root and everything below it, casts lon/lat to float32 (0.22 m at 43.6°N)
and keeps vertices in input order. Here: the header's doubles are computed from float64
positions, vertices are renumbered in first-use order (the high-water-mark index code is
then shortest, gzip 9 % smaller, and decoders that assume it work), edge vertices are listed
along each edge, and two extensions follow: oct-encoded vertex normals (id 1) and metadata
(id 4, the ``available`` ranges of the levels below a tile).
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tiles.terrain.meshing import MAX_VERTICES
from tiles.terrain.scheme import LonLatBox

WGS84_A = 6378137.0
WGS84_B = 6356752.314245179
WGS84_E2 = 1.0 - (WGS84_B / WGS84_A) ** 2
RADII = np.array([WGS84_A, WGS84_A, WGS84_B])
QUANTIZED_MAX = 32767
#: how far out (in Earth radii) the occlusion point of a tile spanning a hemisphere lies.
#: No finite horizon point exists for such a tile (CesiumJS's own computation gives none),
#: but a point at infinity in the direction ``d`` of the tile's centre is culled exactly when
#: ``(d.c)^2 > |c|^2 - 1`` for a camera ``c`` on the far side: exactly when the hemisphere's
#: rim, and so all of it, is below the camera's horizon. The root tiles then stay visible
#: from anywhere they can be seen (a point inside the Earth culled root 0/1/0, and with it
#: the whole terrain, from a camera over Delft).
FAR_OCCLUSION = 1.0e6
EXTENSION_NORMALS = 1
EXTENSION_METADATA = 4

FloatArray = NDArray[np.float64]


@dataclass
class TileMesh:
    """A tile's triangles with vertex positions as lon, lat (degrees), ellipsoidal height."""

    bounds: LonLatBox
    lon: FloatArray
    lat: FloatArray
    height: FloatArray
    triangles: NDArray[np.int64]
    u: NDArray[np.int64]
    v: NDArray[np.int64]


def ecef(lon: FloatArray, lat: FloatArray, height: FloatArray) -> FloatArray:
    """Earth-centred positions (metres, WGS 84) of geodetic points, one row each."""
    lam, phi = np.radians(lon), np.radians(lat)
    normal = WGS84_A / np.sqrt(1.0 - WGS84_E2 * np.sin(phi) ** 2)
    return np.stack([(normal + height) * np.cos(phi) * np.cos(lam),
                     (normal + height) * np.cos(phi) * np.sin(lam),
                     (normal * (1.0 - WGS84_E2) + height) * np.sin(phi)], axis=1)


def first_use_order(mesh: TileMesh) -> TileMesh:
    """Renumber vertices in the order triangles first use them; drop unused ones."""
    flat = mesh.triangles.ravel()
    _, first = np.unique(flat, return_index=True)
    order = flat[np.sort(first)]
    remap = np.full(len(mesh.lon), -1, dtype=np.int64)
    remap[order] = np.arange(len(order))
    return TileMesh(mesh.bounds, mesh.lon[order], mesh.lat[order], mesh.height[order],
                    remap[mesh.triangles], mesh.u[order], mesh.v[order])


def horizon_occlusion_point(positions: FloatArray, direction: FloatArray) -> FloatArray | None:
    """CesiumJS's horizon-culling point of the positions, in ellipsoid-scaled space (None:
    no finite point exists, as for a tile spanning a hemisphere)."""
    scaled_direction = direction / RADII
    scaled_direction = scaled_direction / np.linalg.norm(scaled_direction)
    scaled = positions / RADII
    magnitude = np.linalg.norm(scaled, axis=1)
    unit = scaled / magnitude[:, None]
    magnitude = np.maximum(magnitude, 1.0)
    cos_alpha = unit @ scaled_direction
    sin_alpha = np.linalg.norm(np.cross(unit, scaled_direction), axis=1)
    cos_beta = 1.0 / magnitude
    sin_beta = np.sqrt(magnitude**2 - 1.0) * cos_beta
    with np.errstate(divide="ignore"):
        candidates = 1.0 / (cos_alpha * cos_beta - sin_alpha * sin_beta)
    if not np.all(np.isfinite(candidates)) or np.any(candidates <= 0):
        return None
    result: FloatArray = scaled_direction * float(np.max(candidates))
    return result


def oct_encode(normals: FloatArray) -> NDArray[np.uint8]:
    """Unit vectors as two bytes each (CesiumJS's ``AttributeCompression.octEncode``)."""
    n = normals / np.sum(np.abs(normals), axis=1, keepdims=True)
    x, y = n[:, 0].copy(), n[:, 1].copy()
    below = n[:, 2] < 0
    ox = (1.0 - np.abs(y[below])) * np.where(x[below] >= 0, 1.0, -1.0)
    oy = (1.0 - np.abs(x[below])) * np.where(y[below] >= 0, 1.0, -1.0)
    x[below], y[below] = ox, oy
    return np.stack([_to_byte(x), _to_byte(y)], axis=1).astype(np.uint8)


def _to_byte(value: FloatArray) -> FloatArray:
    result: FloatArray = np.rint((np.clip(value, -1.0, 1.0) * 0.5 + 0.5) * 255.0)
    return result


def vertex_normals(positions: FloatArray, triangles: NDArray[np.int64]) -> FloatArray:
    """Area-weighted vertex normals (ECEF), for lighting."""
    a, b, c = (positions[triangles[:, k]] for k in range(3))
    faces = np.cross(b - a, c - a)
    normals = np.zeros_like(positions)
    for k in range(3):
        np.add.at(normals, triangles[:, k], faces)
    length = np.linalg.norm(normals, axis=1, keepdims=True)
    fallback = positions / np.linalg.norm(positions, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = normals / length
    result: FloatArray = np.where(length > 0, unit, fallback)
    return result


def zigzag_delta(values: NDArray[np.int64]) -> bytes:
    delta = np.diff(values, prepend=0)
    return ((delta << 1) ^ (delta >> 63)).astype("<u2").tobytes()


def high_water_mark(indices: NDArray[np.int64]) -> NDArray[np.int64]:
    """Indices as ``highest - index`` codes (vertices are in first-use order)."""
    flat = indices.ravel()
    highest = np.maximum.accumulate(np.concatenate([[-1], flat[:-1]])) + 1
    codes: NDArray[np.int64] = highest - flat
    return codes


def encode(mesh: TileMesh, metadata: dict[str, Any] | None = None) -> bytes:
    """The bytes of one quantized-mesh tile (not yet gzipped)."""
    mesh = first_use_order(mesh)
    count = len(mesh.lon)
    if count > MAX_VERTICES:
        raise ValueError(f"{count} vertices: quantized-mesh tiles hold at most {MAX_VERTICES}")
    positions = ecef(mesh.lon, mesh.lat, mesh.height)
    low, high = float(np.min(mesh.height)), float(np.max(mesh.height))
    west, south, east, north = mesh.bounds
    center = ecef(np.array([(west + east) / 2]), np.array([(south + north) / 2]),
                  np.array([(low + high) / 2]))[0]
    sphere_center = (positions.min(axis=0) + positions.max(axis=0)) / 2
    radius = float(np.max(np.linalg.norm(positions - sphere_center, axis=1)))
    occlusion = horizon_occlusion_point(positions, sphere_center)
    if occlusion is None:
        direction = sphere_center / RADII
        occlusion = direction / np.linalg.norm(direction) * FAR_OCCLUSION
    span = high - low
    h = (np.zeros(count, dtype=np.int64) if span <= 0 else
         np.rint((mesh.height - low) / span * QUANTIZED_MAX).astype(np.int64))
    parts = [struct.pack("<3d2f4d3d", *center, low, high, *sphere_center, radius, *occlusion),
             struct.pack("<I", count), zigzag_delta(mesh.u), zigzag_delta(mesh.v),
             zigzag_delta(h), struct.pack("<I", len(mesh.triangles)),
             high_water_mark(mesh.triangles).astype("<u2").tobytes()]
    for edge in _edge_indices(mesh):
        parts += [struct.pack("<I", len(edge)), edge.astype("<u2").tobytes()]
    normals = oct_encode(vertex_normals(positions, mesh.triangles)).tobytes()
    parts.append(struct.pack("<BI", EXTENSION_NORMALS, len(normals)) + normals)
    if metadata is not None:
        text = json.dumps(metadata, separators=(",", ":")).encode()
        parts.append(struct.pack("<BII", EXTENSION_METADATA, len(text) + 4, len(text)) + text)
    return b"".join(parts)


def _edge_indices(mesh: TileMesh) -> list[NDArray[np.int64]]:
    """West, south, east and north edge vertices, each listed along its edge."""
    u, v = mesh.u, mesh.v
    west = np.flatnonzero(u == 0)
    south = np.flatnonzero(v == 0)
    east = np.flatnonzero(u == QUANTIZED_MAX)
    north = np.flatnonzero(v == QUANTIZED_MAX)
    return [west[np.argsort(v[west])], south[np.argsort(u[south])],
            east[np.argsort(v[east])], north[np.argsort(u[north])]]
