"""A model's elements ready to tile: shared geometries once, each element as a placement.

Authoring tools write repeated types (a door, a window, a wall type) as one geometry mapped
by many elements; IfcOpenShell's iterator builds it once (`gis.bim.meshes`). We keep it once
too, with each element's matrix: memory follows the model's distinct geometries, and a
tile draws the instances of a geometry with ``EXT_mesh_gpu_instancing`` (`tiles.bim.content`).
Two ways to ECEF (heights through the geoid, PROJ with the shipped grids): exactly, vertex
by vertex, for elements drawn as their own triangles; and, for instances, the affine map
PROJ gives at the element's origin and unit axes -- exact at those points, within a tenth
of a millimetre over an element of a few metres (the curvature term is d^2 / 2R).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gis.bim.georef import Placement
from gis.bim.store import model_meshes
from tiles.bim.content import element_attributes
from tiles.errors import BuildInputError

F64 = NDArray[np.float64]
#: a distinct geometry kept per element (no sharing): its own key
UNSHARED = "element:"


@dataclass(frozen=True)
class SharedGeometry:
    """Triangles in the geometry's own frame, with their RGBA colours."""

    vertices: F64
    faces: NDArray[np.uint32]
    colours: NDArray[np.float32]


@dataclass(frozen=True)
class PlacedElement:
    key: str  # the geometry it draws
    matrix: F64  # geometry frame -> model frame
    ifc_class: str
    attributes: dict[str, str]
    centre: tuple[float, float]  # plan centre on the map (E, N)


@dataclass
class ModelGeometry:
    geometries: dict[str, SharedGeometry] = field(default_factory=dict)
    elements: list[PlacedElement] = field(default_factory=list)
    uses: Counter[str] = field(default_factory=Counter)


def collect(model: Path, placement: Placement, threads: int,
            progress: Any = None) -> ModelGeometry:
    """Every element of the model with its geometry shared by key."""
    collected = ModelGeometry()
    for mesh, info in model_meshes(model, threads):
        shared = bool(mesh.geometry_key) and len(mesh.local_vertices) == len(mesh.vertices) \
            and np.linalg.det(mesh.matrix[:3, :3]) > 0
        key = mesh.geometry_key if shared else f"{UNSHARED}{info.global_id}"
        if key not in collected.geometries:
            vertices = mesh.local_vertices if shared else mesh.vertices
            collected.geometries[key] = SharedGeometry(vertices, mesh.faces, mesh.colours)
        matrix = mesh.matrix if shared else np.eye(4)
        plan = placement.apply(mesh.vertices)[:, :2].mean(axis=0)
        collected.elements.append(PlacedElement(
            key=key, matrix=matrix, ifc_class=info.ifc_class,
            attributes=element_attributes({
                "GlobalId": info.global_id, "ifc_class": info.ifc_class, "name": info.name,
                "storey": info.storey, "space": info.space, "type": info.type_name,
                "material": info.material, "psets": info.psets}),
            centre=(float(plan[0]), float(plan[1]))))
        collected.uses[key] += 1
        if progress:
            progress(len(collected.elements))
    return collected


class EcefPlacer:
    """Model-frame coordinates -> ECEF through the placement and PROJ (geoid applied)."""

    def __init__(self, placement: Placement, to_ecef: Any, label: str) -> None:
        self.placement = placement
        self.to_ecef = to_ecef
        self.label = label

    def ecef(self, model_frame: F64) -> F64:
        placed = self.placement.apply(model_frame)
        x, y, z = self.to_ecef.transform(placed[:, 0], placed[:, 1], placed[:, 2])
        result = np.column_stack([x, y, z])
        if not np.all(np.isfinite(result)):
            raise BuildInputError(f"{self.label}: elements lie outside the placement's CRS "
                                  "or its geoid grid")
        return result

    def exact(self, elements: list[PlacedElement], geometries: dict[str, SharedGeometry]
              ) -> list[F64]:
        """Each element's triangle corners (t, 3, 3) in ECEF, in one PROJ call."""
        model_frames = []
        for element in elements:
            geometry = geometries[element.key]
            m = element.matrix
            model_frames.append(geometry.vertices @ m[:3, :3].T + m[:3, 3])
        points = self.ecef(np.concatenate(model_frames))
        corners, start = [], 0
        for element, frame in zip(elements, model_frames, strict=True):
            own = points[start:start + len(frame)]
            start += len(frame)
            corners.append(own[geometries[element.key].faces.astype(np.int64)])
        return corners

    def affine(self, elements: list[PlacedElement]) -> tuple[F64, F64]:
        """Per element the linear part (k, 3, 3) and translation (k, 3) of its geometry
        frame -> ECEF map, from PROJ at its origin and unit axes."""
        basis = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float64)
        frames = [basis @ e.matrix[:3, :3].T + e.matrix[:3, 3] for e in elements]
        points = self.ecef(np.concatenate(frames)).reshape(len(elements), 4, 3)
        origin = points[:, 0]
        linear = np.transpose(points[:, 1:] - origin[:, None, :], (0, 2, 1))  # columns: axes
        return linear, origin
