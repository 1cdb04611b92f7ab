"""The TIN holds the samples within its error, and neighbours mesh their shared edge alike."""

from __future__ import annotations

import numpy as np

from tiles.terrain.meshing import Mesh, simplify_edge, tin_mesh


def interpolate(mesh: Mesh, n: int) -> np.ndarray:
    """The mesh's height at every grid point (barycentric, triangle by triangle)."""
    out = np.full((n + 1, n + 1), np.nan)
    for a, b, c in mesh.triangles:
        cols, rows = mesh.col[[a, b, c]], mesh.row[[a, b, c]]
        r, q = np.mgrid[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
        det = (rows[1] - rows[2]) * (cols[0] - cols[2]) + (cols[2] - cols[1]) * (rows[0] - rows[2])
        w1 = ((rows[1] - rows[2]) * (q - cols[2]) + (cols[2] - cols[1]) * (r - rows[2])) / det
        w2 = ((rows[2] - rows[0]) * (q - cols[2]) + (cols[0] - cols[2]) * (r - rows[2])) / det
        w3 = 1 - w1 - w2
        inside = (w1 >= -1e-12) & (w2 >= -1e-12) & (w3 >= -1e-12)
        h = w1 * mesh.height[a] + w2 * mesh.height[b] + w3 * mesh.height[c]
        out[r[inside], q[inside]] = h[inside]
    return out


def terrain(seed: int, n: int = 128) -> np.ndarray:
    rng = np.random.default_rng(seed)
    row, col = np.mgrid[0:n + 1, 0:n + 1] / n
    return 10 * np.sin(4 * col + seed) * np.cos(3 * row) + rng.normal(0, 0.05, (n + 1, n + 1))


def test_every_sample_is_within_the_error() -> None:
    grid = terrain(3)
    mesh = tin_mesh(grid, 0.2)
    error = np.abs(interpolate(mesh, 128) - grid)
    assert not np.isnan(error).any()  # the triangles cover the tile, no holes
    assert np.percentile(error, 99) <= 0.2
    assert error.max() <= 0.4  # edge vertices moved onto the shared polyline: within 2x
    assert len(mesh.col) < 0.5 * grid.size


def test_neighbours_share_edge_vertices_and_heights() -> None:
    west, east = terrain(1), terrain(2)
    east[:, 0] = west[:, -1]  # the shared column, sampled identically by both tiles
    a, b = tin_mesh(west, 0.1), tin_mesh(east, 0.1)
    a_edge = np.flatnonzero(a.col == 128)
    b_edge = np.flatnonzero(b.col == 0)
    # every vertex of one side lies on the other side's edge polyline
    a_rows, b_rows = a.row[a_edge], b.row[b_edge]
    a_h = a.height[a_edge][np.argsort(a_rows)]
    b_h = b.height[b_edge][np.argsort(b_rows)]
    assert np.allclose(np.interp(np.sort(a_rows), np.sort(b_rows), b_h), a_h, atol=1e-9)
    assert np.allclose(np.interp(np.sort(b_rows), np.sort(a_rows), a_h), b_h, atol=1e-9)


def test_edge_simplification_keeps_ends_and_bounds_the_error() -> None:
    profile = np.concatenate([np.zeros(50), np.linspace(0, 5, 51)[1:]])
    kept = simplify_edge(profile, 0.01)
    assert kept[0] == 0
    assert kept[-1] == len(profile) - 1
    assert len(kept) == 3
    assert kept[1] == 49
    line = np.interp(np.arange(len(profile)), kept, profile[kept])
    assert np.abs(line - profile).max() <= 0.01
