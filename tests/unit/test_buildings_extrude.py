"""LOD1 extrusion: closed, consistently wound prisms with outward flat normals."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box

from tiles.buildings.extrude import PrismMesh, planar_prisms, prism_topology
from tiles.errors import BuildInputError


def _weld(mesh: PrismMesh) -> np.ndarray:
    """Triangles as indices of unique positions (flat normals split vertices)."""
    _, inverse = np.unique(np.round(mesh.positions, 9), axis=0, return_inverse=True)
    return inverse.reshape(-1)[mesh.indices].reshape(-1, 3)


def _directed_edges(triangles: np.ndarray) -> Counter[tuple[int, int]]:
    edges: Counter[tuple[int, int]] = Counter()
    for a, b, c in triangles.tolist():
        edges.update([(a, b), (b, c), (c, a)])
    return edges


def assert_watertight(mesh: PrismMesh) -> None:
    """Every welded edge is used once in each direction: closed and consistently wound."""
    edges = _directed_edges(_weld(mesh))
    assert all(count == 1 for count in edges.values()), "an edge is used twice the same way"
    for a, b in edges:
        assert (b, a) in edges, f"open edge {a}->{b}"


def _only(mesh: PrismMesh, building: int) -> PrismMesh:
    """The triangles of one building (their vertices all belong to it)."""
    triangles = mesh.indices.reshape(-1, 3)
    mine = triangles[mesh.feature[triangles[:, 0]] == building].reshape(-1)
    return PrismMesh(mesh.positions, mesh.normals, mesh.feature, mine)


def signed_volume(mesh: PrismMesh) -> float:
    tri = mesh.positions[mesh.indices.reshape(-1, 3)]
    return float(np.einsum("ij,ij->i", tri[:, 0], np.cross(tri[:, 1], tri[:, 2])).sum() / 6)


def assert_normals_outward(mesh: PrismMesh) -> None:
    """Each triangle's geometric normal agrees with the stored vertex normal (unit length)."""
    tri = mesh.indices.reshape(-1, 3)
    p = mesh.positions[tri]
    face = np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0])
    face /= np.linalg.norm(face, axis=1, keepdims=True)
    stored = mesh.normals[tri[:, 0]]
    np.testing.assert_allclose(np.linalg.norm(mesh.normals, axis=1), 1.0, atol=1e-9)
    np.testing.assert_allclose(np.einsum("ij,ij->i", face, stored), 1.0, atol=1e-6)


L_SHAPE = Polygon([(0, 0), (10, 0), (10, 4), (4, 4), (4, 9), (0, 9)])
COURTYARD = box(0, 0, 20, 20).difference(box(5, 5, 15, 15))
# holes in general position: earcut bridges along exactly collinear hole edges (T-junctions)
TWO_HOLES = box(0, 0, 30, 10).difference(box(2, 2, 8, 8)).difference(box(20, 3, 28, 7))


@pytest.mark.parametrize(
    ("footprint", "area"),
    [
        (box(0, 0, 10, 5), 50.0),
        (Polygon([(0, 0), (4, 2), (0, 4), (1, 2)]), 6.0),  # a concave quad: not the fast path
        (Polygon([(0, 0), (5, 1), (6, 6), (-1, 4)]), 27.0),  # a convex one: the fast path
        (L_SHAPE, 60.0),
        (COURTYARD, 300.0),
        (TWO_HOLES, 300.0 - 36.0 - 32.0),
        (MultiPolygon([box(30, 30, 34, 34), COURTYARD]), 16.0 + 300.0),
        (Point(5, 5).buffer(6, quad_segs=16), Point(5, 5).buffer(6, quad_segs=16).area),
    ],
)
def test_prism_is_closed_wound_and_has_the_footprint_volume(
    footprint: Polygon | MultiPolygon, area: float
) -> None:
    mesh = planar_prisms(np.array([footprint]), np.array([2.0]), np.array([9.5]))
    assert_watertight(mesh)
    assert_normals_outward(mesh)
    assert signed_volume(mesh) == pytest.approx(area * 7.5, rel=1e-9)


def test_clockwise_input_and_closing_duplicates_are_normalised() -> None:
    clockwise = Polygon(list(L_SHAPE.exterior.coords)[::-1])
    with_repeats = Polygon([(0, 0), (0, 0), (10, 0), (10, 0), (10, 5), (5, 5), (0, 5)])
    mesh = planar_prisms(np.array([clockwise, with_repeats]), np.zeros(2), np.array([3.0, 4.0]))
    for building in (0, 1):
        assert_watertight(_only(mesh, building))
    assert_normals_outward(mesh)
    assert signed_volume(mesh) == pytest.approx(60 * 3 + 50 * 4)


def test_collinear_vertices_do_not_leave_t_junctions() -> None:
    footprint = Polygon([(0, 0), (5, 0), (10, 0), (10, 5), (10, 10), (0, 10)])
    mesh = planar_prisms(np.array([footprint]), np.zeros(1), np.ones(1))
    assert_watertight(mesh)


def test_vertices_carry_their_building_and_walls_are_quads() -> None:
    footprints = np.array([box(0, 0, 1, 1), COURTYARD, L_SHAPE])
    topology = prism_topology(footprints)
    mesh = planar_prisms(footprints, np.zeros(3), np.array([1.0, 2.0, 3.0]))
    assert set(np.unique(mesh.feature)) == {0, 1, 2}
    # roof + floor + 4 vertices per wall edge
    assert mesh.positions.shape[0] == 6 * topology.vertex_count
    for building, height in enumerate([1.0, 2.0, 3.0]):
        z = mesh.positions[mesh.feature == building][:, 2]
        assert set(np.round(z, 9)) == {0.0, height}
        assert_watertight(_only(mesh, building))


def test_many_buildings_in_one_call() -> None:
    rng = np.random.default_rng(4)
    origins = rng.uniform(0, 5000, size=(2000, 2))
    footprints = shapely.box(origins[:, 0], origins[:, 1], origins[:, 0] + 8, origins[:, 1] + 12)
    mesh = planar_prisms(footprints, np.zeros(2000), np.full(2000, 6.0))
    assert signed_volume(mesh) == pytest.approx(2000 * 96 * 6.0, rel=1e-6)
    assert mesh.indices.size == 2000 * (2 * 2 + 4 * 2) * 3


@pytest.mark.parametrize("bad", [Point(0, 0), Polygon(), None])
def test_non_polygon_footprints_are_refused_with_their_index(bad: object) -> None:
    with pytest.raises(BuildInputError, match="footprint #1"):
        prism_topology(np.array([box(0, 0, 1, 1), bad], dtype=object))
