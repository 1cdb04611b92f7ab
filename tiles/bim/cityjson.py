"""A BIM model as a CityJSON 2.0 Building, to join the city model's CityJSON.

The building's outside as far as the model tells it without solid operations: the surfaces
of its shell and opening elements (walls, slabs, roofs, curtain walls, doors, windows...)
as an LoD 3 MultiSurface with semantics by IFC class (WallSurface, RoofSurface,
FloorSurface, Door, Window), interior faces included -- extracting the exterior needs a
boolean union of the elements, which is not done. Coordinates in the placement's
(compound) CRS, integers with a millimetre ``transform`` as the city's export
(`tiles.buildings.cityjson`); the object's attributes name the model and its placement.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gis.bim.georef import Placement
from gis.bim.store import model_meshes
from tiles.buildings.cityjson import SCALE, reference_system
from tiles.errors import BuildInputError

#: IFC class -> CityJSON semantic surface; classes absent here are not exported
SURFACES: dict[str, str | None] = {
    "IfcWall": "WallSurface", "IfcWallStandardCase": "WallSurface",
    "IfcCurtainWall": "WallSurface", "IfcPlate": "WallSurface",
    "IfcRoof": "RoofSurface", "IfcSlab": "FloorSurface",
    "IfcDoor": "Door", "IfcWindow": "Window",
    "IfcColumn": None, "IfcBeam": None, "IfcMember": None, "IfcRailing": None,
    "IfcStair": None, "IfcStairFlight": None, "IfcFooting": None, "IfcCovering": None,
}
SEMANTIC_TYPES = ["WallSurface", "RoofSurface", "FloorSurface", "Door", "Window"]


def bim_building(model: Path, placement: Placement, building_id: str, threads: int = 2,
                 attributes: dict[str, Any] | None = None) -> dict[str, Any]:
    """The CityJSON 2.0 document of the model's building (one CityObject)."""
    chunks: list[NDArray[np.float64]] = []
    surfaces: list[list[list[int]]] = []
    values: list[int | None] = []
    count = 0
    for mesh, info in model_meshes(model, threads):
        if info.ifc_class not in SURFACES:
            continue
        placed = placement.apply(mesh.vertices)
        chunks.append(placed)
        semantic = SURFACES[info.ifc_class]
        index = SEMANTIC_TYPES.index(semantic) if semantic else None
        for face in mesh.faces.astype(np.int64) + count:
            surfaces.append([[int(v) for v in face]])
            values.append(index)
        count += len(placed)
    if not chunks:
        raise BuildInputError(f"{model.name}: no wall, slab, roof, door or window to export")
    xyz = np.concatenate(chunks)
    origin = np.floor(xyz.min(axis=0))
    unique, mapping = np.unique(np.round((xyz - origin) / SCALE).astype(np.int64), axis=0,
                                return_inverse=True)
    mapping = mapping.reshape(-1)
    boundaries = [[[int(mapping[v]) for v in ring] for ring in surface] for surface in surfaces]
    kept = [(b, v) for b, v in zip(boundaries, values, strict=True)
            if len(set(b[0])) == 3]  # a triangle collapsed by the millimetre grid is dropped
    low, high = xyz.min(axis=0), xyz.max(axis=0)
    return {
        "type": "CityJSON", "version": "2.0",
        "transform": {"scale": [SCALE] * 3, "translate": [float(v) for v in origin]},
        "metadata": {"referenceSystem": reference_system(placement.compound_crs),
                     "geographicalExtent": [*(float(v) for v in low),
                                            *(float(v) for v in high)]},
        "CityObjects": {building_id: {
            "type": "Building",
            "attributes": {"source": model.name, "placement": placement.method,
                           **(attributes or {})},
            "geometry": [{
                "type": "MultiSurface", "lod": "3",
                "boundaries": [b for b, _ in kept],
                "semantics": {"surfaces": [{"type": t} for t in SEMANTIC_TYPES],
                              "values": [v for _, v in kept]}}]}},
        "vertices": unique.tolist(),
    }
