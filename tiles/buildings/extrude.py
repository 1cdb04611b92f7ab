"""LOD1 extrusion of building footprints into closed prisms, vectorised over many buildings.

The work is split in two so that geometry and geodesy stay separate:

* `prism_topology` reads 2D footprints (Polygon / MultiPolygon with holes) once and returns
  their ring vertices, the "next vertex" of every ring edge and the roof triangles (earcut);
* `assemble_prisms` turns that topology plus a bottom and a top position of every ring vertex
  (in any Cartesian frame: a local plane in the tests, ECEF for tiles) into a mesh with flat
  normals: roof (normal up), floor (normal down) and one quad per ring edge for the walls.

Windings are counter-clockwise seen from outside everywhere, so back-face culling works and
the solid is watertight: every edge of the welded mesh is shared by exactly two triangles
running in opposite directions.
"""

from __future__ import annotations

from dataclasses import dataclass

import mapbox_earcut
import numpy as np
import shapely
from numpy.typing import NDArray

from tiles.errors import BuildInputError

#: Triangles of one wall quad (a_bottom, b_bottom, b_top, a_top), CCW seen from outside.
_QUAD = np.array([0, 1, 2, 0, 2, 3], dtype=np.int64)


@dataclass(frozen=True)
class PrismTopology:
    """Ring vertices of many footprints, without closing duplicates.

    ``feature[i]`` is the building (index into the input array) of vertex ``i``; ``next[i]``
    is the following vertex of the same ring, so ``(i, next[i])`` enumerates every wall edge.
    ``roof`` holds the roof triangles (counter-clockwise seen from above) as vertex indices.
    """

    xy: NDArray[np.float64]
    feature: NDArray[np.int64]
    next: NDArray[np.int64]
    roof: NDArray[np.int64]

    @property
    def vertex_count(self) -> int:
        return int(self.xy.shape[0])


@dataclass(frozen=True)
class PrismMesh:
    """A triangle mesh with one flat normal per vertex and the building of every vertex."""

    positions: NDArray[np.float64]
    normals: NDArray[np.float64]
    feature: NDArray[np.int64]
    indices: NDArray[np.int64]


def _clean_polygons(
    geometries: NDArray[np.object_],
) -> tuple[NDArray[np.object_], NDArray[np.int64]]:
    """Single polygons with exterior rings CCW and holes CW, and the building of each."""
    if geometries.size == 0:
        return np.empty(0, dtype=object), np.empty(0, dtype=np.int64)
    kinds = shapely.get_type_id(geometries)
    bad = np.flatnonzero(~np.isin(kinds, (3, 6)) | shapely.is_empty(geometries))
    if bad.size:
        first = geometries[bad[0]]
        described = "missing" if first is None else f"an empty or {first.geom_type} geometry"
        raise BuildInputError(
            f"footprint #{int(bad[0])} is {described}; buildings need (Multi)Polygon footprints"
        )
    parts, owner = shapely.get_parts(geometries, return_index=True)
    parts = shapely.remove_repeated_points(parts)
    parts = shapely.simplify(parts, 0.0)  # drops exactly collinear vertices, as earcut would
    parts = shapely.orient_polygons(parts, exterior_cw=False)
    keep = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    keep &= shapely.area(parts) > 0.0
    return parts[keep], owner[keep].astype(np.int64)


def _ring_layout(
    ring_offsets: NDArray[np.int64], coordinate_count: int
) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """Which coordinates to keep (closing duplicates dropped) and the new ring offsets."""
    keep = np.ones(coordinate_count, dtype=bool)
    keep[ring_offsets[1:] - 1] = False
    return keep, ring_offsets - np.arange(ring_offsets.size, dtype=np.int64)


def _next_in_ring(ring_offsets: NDArray[np.int64], count: int) -> NDArray[np.int64]:
    following = np.arange(1, count + 1, dtype=np.int64)
    ring_ends = ring_offsets[1:] - 1
    following[ring_ends] = ring_offsets[:-1]
    return following


def _convex_quads(
    xy: NDArray[np.float64], ring_offsets: NDArray[np.int64], polygon_offsets: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Polygons that are one convex 4-vertex ring (most houses): two triangles, no earcut."""
    single = np.diff(polygon_offsets) == 1
    first_ring = polygon_offsets[:-1]
    quads = single & (ring_offsets[first_ring + 1] - ring_offsets[first_ring] == 4)
    starts = ring_offsets[first_ring[quads]]
    corners = xy[starts[:, None] + np.arange(4)[None, :]]
    edges = np.roll(corners, -1, axis=1) - corners
    turns = edges[:, :, 0] * np.roll(edges, -1, axis=1)[:, :, 1] - edges[:, :, 1] * np.roll(
        edges, -1, axis=1)[:, :, 0]
    convex: NDArray[np.bool_] = np.zeros_like(quads)
    convex[np.flatnonzero(quads)] = np.all(turns > 0, axis=1)
    return convex


def _triangulate(
    xy: NDArray[np.float64], ring_offsets: NDArray[np.int64], polygon_offsets: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Earcut every polygon (exterior + holes); triangles returned CCW seen from above."""
    quads = _convex_quads(xy, ring_offsets, polygon_offsets)
    starts = ring_offsets[polygon_offsets[:-1][quads]]
    chunks: list[NDArray[np.int64]] = [
        (starts[:, None] + np.array([0, 1, 2, 0, 2, 3])[None, :]).reshape(-1)]
    triangulate = mapbox_earcut.triangulate_float64
    for first_ring, last_ring in zip(polygon_offsets[:-1][~quads], polygon_offsets[1:][~quads],
                                     strict=True):
        start = ring_offsets[first_ring]
        ends = ring_offsets[first_ring + 1 : last_ring + 1] - start
        local = triangulate(xy[start : ring_offsets[last_ring]], ends.astype(np.uint32))
        chunks.append(local.astype(np.int64) + start)
    triangles = np.concatenate(chunks).reshape(-1, 3)
    a, b, c = xy[triangles[:, 0]], xy[triangles[:, 1]], xy[triangles[:, 2]]
    cross = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
    clockwise = cross < 0
    triangles[clockwise] = triangles[clockwise][:, ::-1]
    kept: NDArray[np.int64] = triangles[cross != 0]
    return kept


def prism_topology(geometries: NDArray[np.object_]) -> PrismTopology:
    """Ring vertices, wall edges and roof triangles of an array of footprints."""
    polygons, owner = _clean_polygons(np.asarray(geometries, dtype=object))
    if polygons.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return PrismTopology(np.empty((0, 2)), empty, empty, np.empty((0, 3), dtype=np.int64))
    _, coords, (ring_offsets, polygon_offsets) = shapely.to_ragged_array(polygons)
    ring_offsets = ring_offsets.astype(np.int64)
    keep, ring_offsets = _ring_layout(ring_offsets, coords.shape[0])
    xy = np.ascontiguousarray(coords[keep][:, :2], dtype=np.float64)
    ring_polygon = np.repeat(np.arange(polygons.size), np.diff(polygon_offsets))
    ring_feature = owner[ring_polygon]
    feature = np.repeat(ring_feature, np.diff(ring_offsets))
    following = _next_in_ring(ring_offsets, xy.shape[0])
    roof = _triangulate(xy, ring_offsets, polygon_offsets.astype(np.int64))
    return PrismTopology(xy=xy, feature=feature, next=following, roof=roof)


def _unit(vectors: NDArray[np.float64]) -> NDArray[np.float64]:
    length = np.linalg.norm(vectors, axis=1, keepdims=True)
    result: NDArray[np.float64] = vectors / np.where(length > 0, length, 1.0)
    return result


def assemble_prisms(
    topology: PrismTopology,
    bottom: NDArray[np.float64],
    top: NDArray[np.float64],
    up: NDArray[np.float64],
) -> PrismMesh:
    """The closed LOD1 mesh: roof, floor and walls with flat, outward normals.

    ``bottom``/``top``/``up`` hold, for every ring vertex, its 3D position at ground and at
    roof level and the local upward unit vector (all in the same Cartesian frame).
    """
    n = topology.vertex_count
    a = np.arange(n, dtype=np.int64)
    b = topology.next
    wall_positions = np.stack([bottom[a], bottom[b], top[b], top[a]], axis=1).reshape(-1, 3)
    wall_normal = _unit(np.asarray(np.cross(bottom[b] - bottom[a], up), dtype=np.float64))
    positions = np.concatenate([top, bottom, wall_positions])
    normals = np.concatenate([up, -up, np.repeat(wall_normal, 4, axis=0)])
    feature = np.concatenate([topology.feature, topology.feature,
                              np.repeat(topology.feature, 4)])
    roof = topology.roof
    floor = roof[:, ::-1] + n
    walls = (2 * n + 4 * a[:, None] + _QUAD[None, :]).reshape(-1, 3)
    indices = np.concatenate([roof, floor, walls]).reshape(-1)
    return PrismMesh(positions=positions, normals=normals, feature=feature, indices=indices)


def planar_prisms(
    geometries: NDArray[np.object_], ground: NDArray[np.float64], roof: NDArray[np.float64]
) -> PrismMesh:
    """Prisms in the footprints' own plane (x, y, height): for tests and CityJSON."""
    topology = prism_topology(geometries)
    z_bottom = np.asarray(ground, dtype=np.float64)[topology.feature]
    z_top = np.asarray(roof, dtype=np.float64)[topology.feature]
    bottom = np.column_stack([topology.xy, z_bottom])
    top = np.column_stack([topology.xy, z_top])
    up = np.tile(np.array([0.0, 0.0, 1.0]), (topology.vertex_count, 1))
    return assemble_prisms(topology, bottom, top, up)
