"""A BIM model as a CityJSON 2.0 Building, to join the city model's CityJSON.

The building's outside as far as the model tells it without solid operations: the surfaces
of its shell and opening elements (walls, slabs, roofs, curtain walls, doors, windows...)
as an LoD 3 MultiSurface with semantics by IFC class (WallSurface, RoofSurface,
FloorSurface, Door, Window), interior faces included -- extracting the exterior needs a
boolean union of the elements, which is not done. The surfaces are read from the geometry
the ingest spilled (`gis.bim.spill`), as the tile build does: the model is not parsed nor
triangulated again. Coordinates in the placement's
(compound) CRS, integers with a millimetre ``transform`` as the city's export
(`tiles.buildings.cityjson`); the object's attributes name the model and its placement.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Engine

from gis.bim.buildings import bims_of_building
from gis.bim.georef import Placement
from gis.bim.spill import SpilledGeometry, SpillReader, geometry_folder
from gis.bim.store import stored_model
from gis.geodesy import transformer
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


def spilled_surfaces(spill: SpillReader) -> Iterator[tuple[str, NDArray[np.float64],
                                                           NDArray[np.uint32]]]:
    """(IFC class, model-frame vertices, faces) of each exported element, read from the
    ingest's spilled geometry: a shared geometry moved by the element's matrix exactly as
    the iterator did (`gis.bim.meshes.mesh_of`), so the coordinates are the same."""
    codes = spill.element_class()
    wanted = [i for i in range(spill.elements) if spill.classes[int(codes[i])] in SURFACES]
    geometry_of, shared = spill.element_geometry(), spill.element_shared()
    geometries: dict[int, SpilledGeometry] = {}
    for element, matrix in zip(wanted, spill.matrices(wanted), strict=True):
        index = int(geometry_of[element])
        geometry = geometries.get(index) or geometries.setdefault(index, spill.geometry(index))
        vertices = geometry.vertices
        if shared[element]:
            vertices = vertices @ matrix[:3, :3].T + matrix[:3, 3]
        yield spill.classes[int(codes[element])], vertices, geometry.faces


def _spill_of(model: Path, building_id: str) -> SpillReader:
    """The geometry the ingest kept beside ``model``; an old version ingested before the
    spill existed (or by another IfcOpenShell) has none and must be loaded again."""
    spill = SpillReader.open(geometry_folder(model))
    if spill is None:
        raise BuildInputError(
            f"{building_id}: the model {model.name} has no spilled geometry at "
            f"{geometry_folder(model)} (ingested before it was kept, or by another "
            f"IfcOpenShell): load it again with `twin ingest ifc` and export again")
    return spill


def bim_building(model: Path, placement: Placement, building_id: str, threads: int = 2,
                 attributes: dict[str, Any] | None = None) -> dict[str, Any]:
    """The CityJSON 2.0 document of the model's building (one CityObject), from the
    geometry its ingest spilled (`gis.bim.spill`): no IFC parsing nor triangulation.
    ``threads`` is kept for callers; reading the spill needs none."""
    del threads
    return building_document(spilled_surfaces(_spill_of(model, building_id)), placement,
                             building_id, model.name, attributes)


def building_document(surfaces_of: Iterable[tuple[str, NDArray[np.float64],
                                                   NDArray[np.uint32]]],
                      placement: Placement, building_id: str, source: str,
                      attributes: dict[str, Any] | None = None) -> dict[str, Any]:
    """The document of the elements ``surfaces_of`` yields ((IFC class, model-frame
    vertices, faces), as `spilled_surfaces`), placed by ``placement``."""
    chunks: list[NDArray[np.float64]] = []
    surfaces: list[list[list[int]]] = []
    values: list[int | None] = []
    count = 0
    for ifc_class, vertices, faces in surfaces_of:
        if ifc_class not in SURFACES:
            continue
        placed = placement.apply(vertices)
        chunks.append(placed)
        semantic = SURFACES[ifc_class]
        index = SEMANTIC_TYPES.index(semantic) if semantic else None
        for face in faces.astype(np.int64) + count:
            surfaces.append([[int(v) for v in face]])
            values.append(index)
        count += len(placed)
    if not chunks:
        raise BuildInputError(f"{source}: no wall, slab, roof, door or window to export")
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
            "attributes": {"source": source, "placement": placement.method,
                           **(attributes or {})},
            "geometry": [{
                "type": "MultiSurface", "lod": "3",
                "boundaries": [b for b, _ in kept],
                "semantics": {"surfaces": [{"type": t} for t in SEMANTIC_TYPES],
                              "values": [v for _, v in kept]}}]}},
        "vertices": unique.tolist(),
    }


def _epsg_of(reference: str) -> int:
    return int(reference.rstrip("/").rsplit("/", 1)[-1])


def _real_vertices(document: dict[str, Any]) -> NDArray[np.float64]:
    transform = document["transform"]
    scaled: NDArray[np.float64] = (
        np.asarray(document["vertices"], dtype=np.float64).reshape(-1, 3)
        * np.asarray(transform["scale"]) + np.asarray(transform["translate"]))
    return scaled


def _shifted(boundaries: Any, offset: int) -> Any:
    if isinstance(boundaries, list):
        return [_shifted(item, offset) for item in boundaries]
    return int(boundaries) + offset


def join_city(city: dict[str, Any], bim: dict[str, Any], replaces: list[str]
              ) -> dict[str, Any]:
    """Add the building(s) of ``bim`` (a `bim_building` document) to ``city`` (the city
    model's CityJSON, `tiles.buildings.cityjson.city_model`), in place.

    The BIM building is its own CityObject (its LoD 3 surfaces next to the LOD1 solids), with
    ``replaces``: the ids of the city's buildings it stands in for; each of those lists it in
    ``bim`` (the ids of the BIM objects replacing it) -- a two-way link, so a reader choosing
    a LoD per building finds the other. Vertices are moved onto the city's grid (its
    ``transform``), reprojected first when the two reference systems differ."""
    xyz = _real_vertices(bim)
    source, target = (_epsg_of(bim["metadata"]["referenceSystem"]),
                      _epsg_of(city["metadata"]["referenceSystem"]))
    if source != target:
        move = transformer(f"EPSG:{source}", f"EPSG:{target}")
        xyz = np.column_stack(move.transform(xyz[:, 0], xyz[:, 1], xyz[:, 2]))
    transform = city["transform"]
    on_grid = np.round((xyz - np.asarray(transform["translate"]))
                       / np.asarray(transform["scale"])).astype(np.int64)
    offset = len(city["vertices"])
    city["vertices"].extend(on_grid.tolist())
    present = [r for r in replaces if r in city["CityObjects"]]
    for object_id, item in bim["CityObjects"].items():
        attributes = dict(item.get("attributes") or {}) | {"replaces": present}
        geometry = [geometry | {"boundaries": _shifted(geometry["boundaries"], offset)}
                    for geometry in item["geometry"]]
        city["CityObjects"][object_id] = item | {"attributes": attributes,
                                                 "geometry": geometry}
        for replaced in present:
            attributes = city["CityObjects"][replaced].setdefault("attributes", {})
            attributes["bim"] = sorted({*attributes.get("bim", []), object_id})
    extent = city["metadata"].get("geographicalExtent")
    if extent and len(xyz):
        low = np.minimum(np.asarray(extent[:3]), xyz.min(axis=0))
        high = np.maximum(np.asarray(extent[3:]), xyz.max(axis=0))
        city["metadata"]["geographicalExtent"] = [*map(float, low), *map(float, high)]
    return city


def city_with_bims(engine: Engine, city_layer: str, city: dict[str, Any], threads: int = 2
                   ) -> list[str]:
    """Join to ``city`` (the CityJSON of ``city_layer``) every BIM model whose current
    version replaces some of its buildings (`gis.bim.buildings`); the BIM layer ids joined."""
    with engine.connect() as conn:
        links = bims_of_building(conn, city_layer)
    replaced: dict[str, list[str]] = {}
    for link in links:
        replaced.setdefault(link.bim_layer, []).append(link.feature_id)
    for bim_layer, ids in replaced.items():
        stored = stored_model(engine, bim_layer)
        document = bim_building(stored.model, stored.placement, bim_layer, threads=threads,
                                attributes={"layer": bim_layer, "layerVersion": stored.version,
                                            "parcels": stored.parcels})
        join_city(city, document, ids)
    return sorted(replaced)
