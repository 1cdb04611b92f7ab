"""Our quantized-mesh encoder, read back with an independent decoder (quantized-mesh-tile)."""

from __future__ import annotations

import io
import struct
import warnings

import numpy as np
import pytest
from quantized_mesh_tile.terrain import TerrainTile

from tiles.terrain.build import placed
from tiles.terrain.encoding import RADII, ecef, encode, first_use_order, high_water_mark
from tiles.terrain.meshing import regular_mesh, tin_mesh
from tiles.terrain.scheme import TileId, tile_bounds

TILE = TileId(15, 33562, 25849)  # Delft


def hilly(n: int = 256, base: float = 45.0) -> np.ndarray:
    row, col = np.mgrid[0:n + 1, 0:n + 1] / n
    bump = 3 * np.exp(-((col - 0.5) ** 2 + (row - 0.3) ** 2) * 40)
    return base + 8 * np.sin(3 * col) * np.cos(2 * row) + bump


def decode(body: bytes, tile: TileId) -> tuple[TerrainTile, list[str]]:
    west, south, east, north = tile_bounds(tile)
    decoded = TerrainTile(west=west, south=south, east=east, north=north)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        decoded.fromBytesIO(io.BytesIO(body), hasLighting=True)
    return decoded, [str(w.message) for w in caught]


def test_vertices_triangles_and_edges_decode_as_encoded() -> None:
    mesh = placed(tin_mesh(hilly(), 0.1), TILE, 256)
    body = encode(mesh, {"available": [[{"startX": 1, "startY": 2, "endX": 3, "endY": 4}]]})
    decoded, messages = decode(body, TILE)
    ours = first_use_order(mesh)
    assert len(decoded.u) == len(ours.lon)
    got = np.array(decoded.getVerticesCoordinates())
    west, south, east, north = tile_bounds(TILE)
    assert np.max(np.abs(got[:, 0] - ours.lon)) <= (east - west) / 32767
    assert np.max(np.abs(got[:, 1] - ours.lat)) <= (north - south) / 32767
    span = ours.height.max() - ours.height.min()
    assert np.max(np.abs(got[:, 2] - ours.height)) <= span / 32767
    assert np.array_equal(np.array(decoded.indices).reshape(-1, 3), ours.triangles)
    assert sorted(decoded.westI) == sorted(np.flatnonzero(ours.u == 0).tolist())
    assert sorted(decoded.northI) == sorted(np.flatnonzero(ours.v == 32767).tolist())
    assert len(decoded.eastI) > 2
    assert len(decoded.southI) > 2
    assert any("id=4" in m for m in messages)  # the metadata extension follows the normals
    metadata = body[-(len(body) - body.rindex(b'{"available"')):]
    assert metadata.startswith(b'{"available":[[{"startX":1')


def test_vertices_are_numbered_in_first_use_order() -> None:
    mesh = placed(tin_mesh(hilly(), 0.2), TILE, 256)
    decoded, _ = decode(encode(mesh), TILE)
    indices = np.array(decoded.indices)
    _, first = np.unique(indices, return_index=True)
    assert np.array_equal(indices[np.sort(first)], np.arange(len(decoded.u)))
    codes = high_water_mark(np.array([[0, 1, 2], [2, 1, 3], [0, 3, 4]]))
    assert codes.ravel().tolist() == [0, 0, 0, 1, 2, 0, 4, 1, 0]


def test_header_is_float64_with_a_scaled_space_occlusion_point() -> None:
    mesh = placed(tin_mesh(hilly(), 0.1), TILE, 256)
    header = struct.unpack("<3d2f4d3d", encode(mesh)[:88])
    center, low, high = np.array(header[0:3]), header[3], header[4]
    occlusion = np.array(header[9:12])
    assert low == pytest.approx(mesh.height.min(), abs=1e-4)
    assert high == pytest.approx(mesh.height.max(), abs=1e-4)
    assert 6.36e6 < np.linalg.norm(center) < 6.40e6  # metres, Earth-centred
    assert 1.0 < np.linalg.norm(occlusion) < 1.001  # ellipsoid-scaled: just above the surface
    direction = center / RADII
    assert np.dot(occlusion, direction) / np.linalg.norm(occlusion) / np.linalg.norm(direction) \
        == pytest.approx(1.0, abs=1e-6)


def test_root_tiles_have_no_occlusion_point_cesium_could_cull_with() -> None:
    root = TileId(0, 1, 0)
    mesh = placed(regular_mesh(np.zeros((65, 65))), root, 64)
    body = encode(mesh)
    decoded, _ = decode(body, root)
    assert len(decoded.u) == 65 * 65
    occlusion = np.array(struct.unpack("<3d", body[64:88]))
    assert np.linalg.norm(occlusion) == pytest.approx(1e6)  # at infinity over lon 90°
    assert occlusion / np.linalg.norm(occlusion) == pytest.approx([0, 1, 0], abs=1e-9)

    def culled(camera: np.ndarray) -> bool:  # CesiumJS's isScaledSpacePointVisible, negated
        vt = occlusion - camera
        along = -vt @ camera
        limb = camera @ camera - 1
        return bool(along > limb and along * along / (vt @ vt) > limb)

    def over(lon: float, lat: float, metres: float) -> np.ndarray:
        return np.array(ecef(np.array([lon]), np.array([lat]), np.array([metres]))[0]) / RADII

    assert not culled(over(4.36, 52.0, 600))  # over Delft, just east of the root's rim
    assert not culled(over(-0.5, 52.0, 20_000))  # west of the rim, its edge above the horizon
    assert culled(over(-90.0, 0.0, 600))  # the far side of the Earth


def test_normals_point_up_on_flat_ground() -> None:
    mesh = placed(tin_mesh(np.full((257, 257), 43.0), 0.1), TILE, 256)
    decoded, _ = decode(encode(mesh), TILE)
    lon, lat = np.radians(np.mean(decoded.getVerticesCoordinates(), axis=0)[:2])
    up = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    normals = np.array(decoded.vLight)
    assert len(normals) == len(decoded.u)
    assert np.min(normals @ up / np.linalg.norm(normals, axis=1)) > 0.999


def test_a_tile_never_holds_65536_vertices() -> None:
    noise = np.random.default_rng(1).normal(0, 5, (257, 257))
    mesh = tin_mesh(noise, 0.001)
    assert len(mesh.col) <= 65_535
    assert len(np.unique(mesh.triangles)) == len(mesh.col)
    grid = regular_mesh(np.zeros((257, 257)))  # 66,049 vertices: refused
    with pytest.raises(ValueError, match="65535"):
        encode(placed(grid, TILE, 256))
