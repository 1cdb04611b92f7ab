"""One building tile: footprints + heights -> a 3D Tiles 1.1 glb with per-building metadata.

Positions are float32 offsets from the tile centre; the centre itself (float64 ECEF) is the
node translation, so nothing is rounded to float32 in ECEF (a float32 ECEF coordinate is up to
0.25 m off). Heights are orthometric in the source's vertical datum: PROJ applies the geoid
grid while going to WGS 84 geographic 3D (EPSG:4979), and the closed-form geodetic -> ECEF
conversion follows (the same conversion PROJ does for EPSG:4978; a test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from gis.geodesy import bounds_of, transformer
from tiles.buildings.extrude import PrismMesh, assemble_prisms, prism_topology
from tiles.buildings.metadata import PropertySpec, building_class
from tiles.core.ecef import ellipsoid_up, geodetic_to_ecef
from tiles.core.glb import ARRAY_BUFFER, ELEMENT_ARRAY_BUFFER, TRIANGLES, GlbBuilder
from tiles.core.metadata import add_property_table, mesh_features, metadata_schema
from tiles.errors import BuildInputError, TilesetWriteError

BUILDING_COLOUR = [0.86, 0.84, 0.80, 1.0]
#: west, south, east, north (radians), minimum and maximum ellipsoidal height (metres)
Region = tuple[float, float, float, float, float, float]


@dataclass(frozen=True)
class ContentTask:
    """Everything a worker process needs to write one tile (picklable, no shapely objects)."""

    path: Path
    crs: str
    wkb: list[bytes]
    ground: NDArray[np.float64]
    roof: NDArray[np.float64]
    properties: tuple[PropertySpec, ...]
    columns: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ContentResult:
    """What the tileset needs to know about a written tile."""

    path: Path
    region: Region
    features: int
    vertices: int
    triangles: int
    size: int


def ecef_mesh(task: ContentTask) -> tuple[PrismMesh, Region]:
    """The tile's prisms in ECEF and its region (radians, ellipsoidal heights)."""
    topology = prism_topology(np.asarray(shapely.from_wkb(task.wkb), dtype=object))
    if topology.vertex_count == 0:
        raise BuildInputError(f"{task.path.name}: every footprint of the tile has no area")
    ground = task.ground[topology.feature]
    rise = task.roof[topology.feature] - ground
    x, y = topology.xy[:, 0], topology.xy[:, 1]
    lon, lat, h_ground = transformer(task.crs, "EPSG:4979", within=bounds_of(x, y)).transform(
        x, y, ground)
    h_roof = h_ground + rise  # the geoid separation does not depend on the height
    mesh = assemble_prisms(
        topology, geodetic_to_ecef(lon, lat, h_ground), geodetic_to_ecef(lon, lat, h_roof),
        ellipsoid_up(lon, lat),
    )
    if not np.all(np.isfinite(mesh.positions)):
        raise TilesetWriteError(f"{task.path.name}: coordinates outside the CRS {task.crs}")
    region = (
        float(np.radians(lon.min())), float(np.radians(lat.min())),
        float(np.radians(lon.max())), float(np.radians(lat.max())),
        float(min(h_ground.min(), h_roof.min())), float(max(h_ground.max(), h_roof.max())),
    )
    return mesh, region


def _y_up(vectors: NDArray[np.float64]) -> NDArray[np.float64]:
    """glTF is y-up; CesiumJS rotates it back to z-up: (x, y, z) -> (x, z, -y)."""
    return np.column_stack([vectors[:, 0], vectors[:, 2], -vectors[:, 1]])


def glb_document(mesh: PrismMesh, task: ContentTask) -> bytes:
    """The glb of one tile: one mesh, one feature per building, metadata in a table."""
    builder = GlbBuilder()
    centre = (mesh.positions.min(axis=0) + mesh.positions.max(axis=0)) / 2
    local = _y_up(mesh.positions - centre).astype(np.float32)
    count = len(task.wkb)  # feature ids as float32 (exact to 2**24): vertex data is 4-aligned
    index_type = np.uint16 if local.shape[0] < 65535 else np.uint32
    attributes = {
        "POSITION": builder.add_accessor(local, ARRAY_BUFFER, with_bounds=True),
        "NORMAL": builder.add_accessor(_y_up(mesh.normals).astype(np.float32), ARRAY_BUFFER),
        "_FEATURE_ID_0": builder.add_accessor(mesh.feature.astype(np.float32), ARRAY_BUFFER),
    }
    indices = builder.add_accessor(mesh.indices.astype(index_type), ELEMENT_ARRAY_BUFFER)
    building = building_class(task.properties)
    table = add_property_table(builder, building, task.columns, count)
    primitive = {
        "attributes": attributes, "indices": indices, "material": 0, "mode": TRIANGLES,
        "extensions": {"EXT_mesh_features": mesh_features(count)},
    }
    return builder.to_glb({
        "asset": {"version": "2.0", "generator": "commune-twin tiles.buildings"},
        "extensionsUsed": ["EXT_mesh_features", "EXT_structural_metadata"],
        "extensions": {"EXT_structural_metadata": {
            "schema": metadata_schema(building), "propertyTables": [table]
        }},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "translation": [float(v) for v in _y_up(centre[None, :])[0]]}],
        "meshes": [{"primitives": [primitive]}],
        "materials": [{
            "pbrMetallicRoughness": {"baseColorFactor": BUILDING_COLOUR, "metallicFactor": 0.0,
                                     "roughnessFactor": 1.0},
        }],
    })


def write_content(task: ContentTask) -> ContentResult:
    """Build and write one tile; runs in a worker process."""
    mesh, region = ecef_mesh(task)
    data = glb_document(mesh, task)
    try:
        task.path.parent.mkdir(parents=True, exist_ok=True)
        task.path.write_bytes(data)
    except OSError as exc:
        raise TilesetWriteError(f"cannot write {task.path}: {exc}") from exc
    return ContentResult(
        path=task.path, region=region, features=len(task.wkb),
        vertices=int(mesh.positions.shape[0]), triangles=int(mesh.indices.size // 3),
        size=len(data),
    )
