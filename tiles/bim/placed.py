"""A model's elements ready to tile, read tile by tile from its spilled geometry.

Authoring tools write repeated types (a door, a window, a wall type) as one geometry mapped
by many elements; IfcOpenShell's iterator builds it once (`gis.bim.meshes`) and the ingest
spills it once, with each element's matrix (`gis.bim.spill`). A tile build reads that spill
(or writes one from the model when there is none, e.g. a file never ingested): the index
of every element (class, plan centre) is a few arrays, and a tile's elements, attributes
and geometries are read when that tile is written -- memory follows a tile, not the model.
A tile draws the instances of a geometry with ``EXT_mesh_gpu_instancing``
(`tiles.bim.content`). Two ways to ECEF (heights through the geoid, PROJ with the shipped
grids): exactly, vertex by vertex, for elements drawn as their own triangles; and, for
instances, the affine map PROJ gives at the element's origin and unit axes -- exact at
those points, within a tenth of a millimetre over an element of a few metres (the
curvature term is d^2 / 2R).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gis.bim.georef import Placement
from gis.bim.spill import SpillReader, SpillWriter, geometry_folder
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


@dataclass(frozen=True)
class ModelIndex:
    """What the tile tree is planned from: per element its class and plan centre."""

    classes: list[str]  # per element
    centres: F64  # (n, 2) map E, N

    @classmethod
    def of(cls, spill: SpillReader, placement: Placement) -> ModelIndex:
        names = spill.classes
        classes = [names[code] for code in spill.element_class()]
        centres = spill.element_centre()
        plan = placement.apply(centres)[:, :2] if len(centres) else np.zeros((0, 2))
        return cls(classes=classes, centres=plan)


@contextmanager
def model_geometry(model: Path, threads: int,
                   progress: Callable[[int], None] | None = None) -> Iterator[SpillReader]:
    """The model's spilled geometry: the ingest's, or one written now to a temporary
    folder (removed afterwards) when the model was never ingested."""
    kept = SpillReader.open(geometry_folder(model))
    if kept is not None:
        yield kept
        return
    with tempfile.TemporaryDirectory(prefix="bim-geometry-") as scratch:
        writer = SpillWriter(Path(scratch) / "model.geometry")
        try:
            for mesh, info in model_meshes(model, threads):
                writer.add(mesh, info)
                if progress:
                    progress(writer.counts["elements"])
        except BaseException:
            writer.abandon()
            raise
        spill = SpillReader.open(writer.finish())
        if spill is None:
            raise BuildInputError(f"{model.name}: its geometry could not be spilled")
        yield spill


def placed_elements(spill: SpillReader, members: list[int]
                    ) -> tuple[list[PlacedElement], dict[str, SharedGeometry]]:
    """The elements ``members`` and the geometries they draw, read from the spill."""
    geometry_of = spill.element_geometry()
    shared = spill.element_shared()
    elements, geometries = [], {}
    matrices = spill.matrices(members)
    for element, matrix, values in zip(members, matrices, spill.attributes(members),
                                       strict=True):
        index = int(geometry_of[element])
        key = f"g{index}" if shared[element] else f"{UNSHARED}{index}"
        if key not in geometries:
            found = spill.geometry(index)
            geometries[key] = SharedGeometry(found.vertices, found.faces, found.colours)
        elements.append(PlacedElement(key=key, matrix=matrix,
                                      ifc_class=str(values["ifc_class"]),
                                      attributes=element_attributes(values)))
    return elements, geometries


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
