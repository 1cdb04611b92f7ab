"""Triangulate a tile's sample grid: an error-bounded TIN whose edges both neighbours share.

The grid has ``n + 1`` samples a side, row 0 in the south. Above `FIRST_TIN_LEVEL` pydelatin
keeps the fewest vertices that hold every sample within the level's error (its y axis
already points north). Below it a regular grid follows the Earth's curvature, which a
height-only error measure cannot see.

Crack-free edges: each of the four edges is simplified on its own, in 1-D (Douglas-Peucker
with the same error), from samples both neighbours compute identically (`sampling`). The
neighbour makes the same choice from the same samples, so the kept edge points, and the
polyline between them, are the same on both sides. Boundary triangles are split to use every
kept edge point, and vertices pydelatin put on an edge are moved onto that polyline: the
two tiles meet along one polyline, without T-junction gaps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from pydelatin import Delatin

#: CesiumJS misreads a tile of exactly 65,536 vertices (16-bit indices end at 65,535)
MAX_VERTICES = 65_535


@dataclass
class Mesh:
    """Vertices in grid units (column east, row north), heights, CCW triangles."""

    col: NDArray[np.int64]
    row: NDArray[np.int64]
    height: NDArray[np.float64]
    triangles: NDArray[np.int64]


def regular_mesh(grid: NDArray[np.float64]) -> Mesh:
    """Every sample a vertex, two triangles a cell."""
    n = grid.shape[0] - 1
    row, col = np.divmod(np.arange((n + 1) ** 2), n + 1)
    base = (np.arange(n)[:, None] * (n + 1) + np.arange(n)[None, :]).ravel()
    lower = np.stack([base, base + 1, base + n + 2], axis=1)
    upper = np.stack([base, base + n + 2, base + n + 1], axis=1)
    triangles = np.concatenate([lower, upper])
    return Mesh(col, row, grid.ravel().astype(np.float64), triangles)


def simplify_edge(profile: NDArray[np.float64], tolerance: float) -> NDArray[np.int64]:
    """Indices of an edge profile to keep (Douglas-Peucker, ends always kept)."""
    keep = np.zeros(len(profile), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(profile) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        inner = np.arange(first + 1, last)
        line = profile[first] + (profile[last] - profile[first]) * (inner - first) / (last - first)
        errors = np.abs(profile[inner] - line)
        worst = int(np.argmax(errors))
        if errors[worst] > tolerance:
            split = int(inner[worst])
            keep[split] = True
            stack.extend([(first, split), (split, last)])
    return np.flatnonzero(keep)


def tin_mesh(grid: NDArray[np.float64], tolerance: float) -> Mesh:
    """An error-bounded TIN with shared edges, at most `MAX_VERTICES` vertices."""
    n = grid.shape[0] - 1
    edges = _edges(grid, tolerance)
    edge_points = sum(len(kept) for _, kept in edges.values())
    delatin = Delatin(np.ascontiguousarray(np.flipud(grid), dtype=np.float32), width=n + 1,
                      height=n + 1, max_error=tolerance,
                      max_points=MAX_VERTICES - edge_points)
    vertices = np.asarray(delatin.vertices)
    col = np.rint(vertices[:, 0]).astype(np.int64)
    row = np.rint(vertices[:, 1]).astype(np.int64)
    triangles = np.asarray(delatin.triangles, dtype=np.int64)
    return _with_shared_edges(grid, col, row, triangles, edges)


EdgeSpec = tuple[NDArray[np.float64], NDArray[np.int64]]


def _edges(grid: NDArray[np.float64], tolerance: float) -> dict[str, EdgeSpec]:
    """Each edge's profile (west to east, south to north) and the indices kept on it."""
    profiles = {"south": grid[0, :], "north": grid[-1, :], "west": grid[:, 0],
                "east": grid[:, -1]}
    return {name: (p.astype(np.float64), simplify_edge(p.astype(np.float64), tolerance))
            for name, p in profiles.items()}


def _edge_of(col: int, row: int, n: int) -> list[tuple[str, int]]:
    """The edges a grid point lies on, with its position along each."""
    found = []
    if row == 0:
        found.append(("south", col))
    if row == n:
        found.append(("north", col))
    if col == 0:
        found.append(("west", row))
    if col == n:
        found.append(("east", row))
    return found


def _with_shared_edges(grid: NDArray[np.float64], col: NDArray[np.int64],
                       row: NDArray[np.int64], triangles: NDArray[np.int64],
                       edges: dict[str, EdgeSpec]) -> Mesh:
    n = grid.shape[0] - 1
    index = {(int(c), int(r)): i for i, (c, r) in enumerate(zip(col, row, strict=True))}
    cols, rows = list(map(int, col)), list(map(int, row))

    def vertex(c: int, r: int) -> int:
        if (c, r) not in index:
            index[(c, r)] = len(cols)
            cols.append(c)
            rows.append(r)
        return index[(c, r)]

    def point(edge: str, along: int) -> tuple[int, int]:
        return {"south": (along, 0), "north": (along, n), "west": (0, along),
                "east": (n, along)}[edge]

    touching = _touching_a_side(col, row, triangles, n)
    done: list[tuple[int, int, int]] = [(int(t[0]), int(t[1]), int(t[2]))
                                        for t in triangles[~touching]]
    queue: list[tuple[int, int, int]] = [(int(t[0]), int(t[1]), int(t[2]))
                                         for t in triangles[touching]]
    while queue:
        tri = queue.pop()
        split = _split_boundary(tri, cols, rows, n, edges, vertex, point)
        if split is None:
            done.append(tri)
        else:
            queue.extend(split)
    c_arr, r_arr = np.array(cols, dtype=np.int64), np.array(rows, dtype=np.int64)
    height = grid[r_arr, c_arr].astype(np.float64)
    for edge, on_edge, along in (("south", r_arr == 0, c_arr), ("north", r_arr == n, c_arr),
                                 ("west", c_arr == 0, r_arr), ("east", c_arr == n, r_arr)):
        profile, kept = edges[edge]  # onto the shared polyline (corners: same on both)
        height[on_edge] = np.interp(along[on_edge], kept, profile[kept])
    tris = np.array(done, dtype=np.int64)
    area = ((c_arr[tris[:, 1]] - c_arr[tris[:, 0]]) * (r_arr[tris[:, 2]] - r_arr[tris[:, 0]])
            - (c_arr[tris[:, 2]] - c_arr[tris[:, 0]]) * (r_arr[tris[:, 1]] - r_arr[tris[:, 0]]))
    tris = tris[area != 0]
    clockwise = area[area != 0] < 0
    tris[clockwise] = tris[clockwise][:, [0, 2, 1]]
    return Mesh(c_arr, r_arr, height, tris)


def _touching_a_side(col: NDArray[np.int64], row: NDArray[np.int64],
                     triangles: NDArray[np.int64], n: int) -> NDArray[np.bool_]:
    """Triangles with a side along the tile's border (the only ones that may need a split)."""
    c, r = col[triangles], row[triangles]
    found = np.zeros(len(triangles), dtype=bool)
    for k in range(3):
        j = (k + 1) % 3
        found |= ((r[:, k] == r[:, j]) & ((r[:, k] == 0) | (r[:, k] == n))
                  | (c[:, k] == c[:, j]) & ((c[:, k] == 0) | (c[:, k] == n)))
    return found


def _split_boundary(tri: tuple[int, int, int], cols: list[int], rows: list[int], n: int,
                    edges: dict[str, EdgeSpec], vertex: Callable[[int, int], int],
                    point: Callable[[str, int], tuple[int, int]]
                    ) -> list[tuple[int, int, int]] | None:
    """A fan of triangles using the kept edge points inside one boundary side, or None."""
    for k in range(3):
        a, b, c = tri[k], tri[(k + 1) % 3], tri[(k + 2) % 3]
        on_a = dict(_edge_of(cols[a], rows[a], n))
        on_b = dict(_edge_of(cols[b], rows[b], n))
        for edge in on_a.keys() & on_b.keys():
            lo, hi = sorted((on_a[edge], on_b[edge]))
            kept = edges[edge][1]
            inner = kept[(kept > lo) & (kept < hi)]
            if len(inner) == 0:
                continue
            along = list(inner) if on_a[edge] < on_b[edge] else list(inner[::-1])
            chain = [a, *(vertex(*point(edge, int(p))) for p in along), b]
            return [(chain[i], chain[i + 1], c) for i in range(len(chain) - 1)]
    return None
