"""One BIM tile: the elements' triangles as a glb with one feature per element.

Triangles are written unindexed (three vertices each) with their face normal and their IFC
colour per vertex (COLOR_0): flat shading and per-face styles without a material per style.
Positions are float32 offsets from the tile's centre; the centre (float64 ECEF) is the
node translation, and glTF's y-up is applied as in every product of the core.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from tiles.core.ecef import ecef_to_geodetic
from tiles.core.glb import ARRAY_BUFFER, TRIANGLES, GlbBuilder
from tiles.core.metadata import (
    MetadataClass,
    PropertySpec,
    add_property_table,
    mesh_features,
    metadata_schema,
)
from tiles.errors import TilesetWriteError

F64 = NDArray[np.float64]
Region = tuple[float, float, float, float, float, float]

#: the per-element properties a viewer shows on click (strings; absent values are "")
ELEMENT_CLASS = MetadataClass(
    schema_id="bim", class_id="element", name="IFC element",
    description="One IfcProduct of the model: its identity, place in the spatial tree and "
                "property sets.",
    properties=(
        PropertySpec("GlobalId", "IFC GlobalId (22 characters), the layer's feature id"),
        PropertySpec("ifc_class", "IFC entity, e.g. IfcWall"),
        PropertySpec("name", "the element's Name"),
        PropertySpec("storey", "the IfcBuildingStorey holding it"),
        PropertySpec("space", "the IfcSpace holding it"),
        PropertySpec("type", "its type object's name"),
        PropertySpec("material", "its material(s)"),
        PropertySpec("psets", "every property and quantity set, as a JSON object"),
    ),
)


@dataclass(frozen=True)
class ElementTriangles:
    """One element's triangles in ECEF (t, 3, 3), their RGBA colours (t, 4), attributes."""

    corners: F64
    colours: NDArray[np.float32]
    attributes: dict[str, str]

    @property
    def triangles(self) -> int:
        return int(self.corners.shape[0])


@dataclass(frozen=True)
class ContentResult:
    path: Path
    region: Region
    elements: int
    triangles: int
    size: int


def _y_up(vectors: F64) -> F64:
    """glTF is y-up; CesiumJS rotates it back to z-up: (x, y, z) -> (x, z, -y)."""
    return np.column_stack([vectors[:, 0], vectors[:, 2], -vectors[:, 1]])


def _normals(corners: F64, fallback_up: bool = False) -> F64:
    """Unit face normals; degenerate triangles get the direction of their first corner
    from the Earth's centre (ECEF), or +z (a geometry's own frame)."""
    normal = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    length = np.linalg.norm(normal, axis=1)
    if fallback_up:
        fallback = np.tile([0.0, 0.0, 1.0], (len(corners), 1))
    else:
        fallback = corners[:, 0] / np.linalg.norm(corners[:, 0], axis=1)[:, None]
    good = length > 1e-12
    normal[good] /= length[good][:, None]
    normal[~good] = fallback[~good]
    return normal


def region_of(points: F64) -> Region:
    lon, lat, height = ecef_to_geodetic(points)
    return (float(np.radians(lon.min())), float(np.radians(lat.min())),
            float(np.radians(lon.max())), float(np.radians(lat.max())),
            float(height.min()), float(height.max()))


def tile_class(columns: dict[str, list[str]]) -> MetadataClass:
    """`ELEMENT_CLASS` without the properties no element of the tile has: a column of empty
    strings would be a zero-length buffer view, which glTF forbids."""
    kept = tuple(spec for spec in ELEMENT_CLASS.properties
                 if any(value for value in columns[spec.name]))
    return replace(ELEMENT_CLASS, properties=kept)


@dataclass(frozen=True)
class InstanceGroup:
    """Elements drawing one shared geometry: its triangles in its own frame, and per
    instance the linear map (k, 3, 3) and translation (k, 3) to ECEF."""

    vertices: F64
    faces: NDArray[np.uint32]
    colours: NDArray[np.float32]
    linear: F64
    translation: F64
    attributes: list[dict[str, str]]


def _quaternions(rotations: F64) -> F64:
    """Unit quaternions (x, y, z, w) of rotation matrices (k, 3, 3)."""
    result = np.empty((len(rotations), 4))
    for index, r in enumerate(rotations):
        trace = np.trace(r)
        if trace > 0:
            k = 0.5 / np.sqrt(trace + 1.0)
            q = [(r[2, 1] - r[1, 2]) * k, (r[0, 2] - r[2, 0]) * k, (r[1, 0] - r[0, 1]) * k,
                 0.25 / k]
        else:
            i = int(np.argmax(np.diag(r)))
            j, m = (i + 1) % 3, (i + 2) % 3
            k = 2.0 * np.sqrt(1.0 + r[i, i] - r[j, j] - r[m, m])
            q = [0.0, 0.0, 0.0, (r[m, j] - r[j, m]) / k]
            q[i], q[j], q[m] = 0.25 * k, (r[j, i] + r[i, j]) / k, (r[m, i] + r[i, m]) / k
        result[index] = np.asarray(q) / np.linalg.norm(q)
    return result


Y_UP = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]])


def _trs(group: InstanceGroup, centre: F64) -> tuple[F64, F64, F64]:
    """The instances' TRANSLATION, ROTATION and SCALE in the y-up node frame: the polar
    decomposition of each linear map (the projection's scale is all but isotropic)."""
    linear = Y_UP @ group.linear  # (k, 3, 3)
    u, _sigma, vt = np.linalg.svd(linear)
    rotation = u @ vt
    scale = np.linalg.norm(linear, axis=1)  # column norms: each axis' stretch
    translation = (group.translation - centre) @ Y_UP.T
    return translation, _quaternions(rotation), scale


def _instance_corners(group: InstanceGroup) -> F64:
    """ECEF corners of every instance's box (for the tile's region)."""
    low, high = group.vertices.min(axis=0), group.vertices.max(axis=0)
    box = np.array([[x, y, z] for x in (low[0], high[0]) for y in (low[1], high[1])
                    for z in (low[2], high[2])])
    corners = np.einsum("kij,bj->kbi", group.linear, box) + group.translation[:, None, :]
    result: F64 = corners.reshape(-1, 3)
    return result


def glb_of(elements: list[ElementTriangles], groups: list[InstanceGroup] | None = None
           ) -> tuple[bytes, F64]:
    """The glb of ``elements`` (own triangles) and ``groups`` (instances), and the ECEF
    points bounding them (for the tile's region). Feature ids: the elements first, then
    each group's instances, rows of one property table."""
    groups = groups or []
    bounds = [np.concatenate([e.corners for e in elements]).reshape(-1, 3)] if elements else []
    bounds += [_instance_corners(g) for g in groups]
    points = np.concatenate(bounds)
    centre = (points.min(axis=0) + points.max(axis=0)) / 2
    builder = GlbBuilder()
    rows = [e.attributes for e in elements] + [a for g in groups for a in g.attributes]
    nodes: list[dict[str, object]] = []
    meshes: list[dict[str, object]] = []
    translation = [float(v) for v in _y_up(centre[None, :])[0]]
    if elements:
        meshes.append({"primitives": [_own_primitive(builder, elements, centre)]})
        nodes.append({"mesh": 0, "translation": translation})
    first = len(elements)
    for group in groups:
        meshes.append({"primitives": [_shared_primitive(builder, group)]})
        moved, rotation, scale = _trs(group, centre)
        ids = np.arange(first, first + len(group.attributes), dtype=np.float32)
        first += len(group.attributes)
        nodes.append({"mesh": len(meshes) - 1, "translation": translation, "extensions": {
            "EXT_mesh_gpu_instancing": {"attributes": {
                "TRANSLATION": builder.add_accessor(moved.astype(np.float32), None),
                "ROTATION": builder.add_accessor(rotation.astype(np.float32), None),
                "SCALE": builder.add_accessor(scale.astype(np.float32), None),
                "_FEATURE_ID_0": builder.add_accessor(ids, None)}},
            "EXT_instance_features": {"featureIds": [
                {"featureCount": len(rows), "attribute": 0, "propertyTable": 0}]}}})
    columns = {spec.name: [row.get(spec.name, "") for row in rows]
               for spec in ELEMENT_CLASS.properties}
    element_class = tile_class(columns)
    table = add_property_table(builder, element_class, columns, len(rows))
    all_colours = [e.colours for e in elements] + [g.colours for g in groups]
    translucent = bool((np.concatenate(all_colours)[:, 3] < 1.0).any())
    used = ["EXT_mesh_features", "EXT_structural_metadata"]
    document: dict[str, object] = {
        "asset": {"version": "2.0", "generator": "commune-twin tiles.bim"},
        "extensionsUsed": used + (["EXT_mesh_gpu_instancing", "EXT_instance_features"]
                                  if groups else []),
        "extensions": {"EXT_structural_metadata": {
            "schema": metadata_schema(element_class), "propertyTables": [table]}},
        "scene": 0,
        "scenes": [{"nodes": list(range(len(nodes)))}],
        "nodes": nodes,
        "meshes": meshes,
        "materials": [{
            "pbrMetallicRoughness": {"baseColorFactor": [1.0, 1.0, 1.0, 1.0],
                                     "metallicFactor": 0.0, "roughnessFactor": 1.0},
            "doubleSided": True, "alphaMode": "BLEND" if translucent else "OPAQUE"}],
    }
    if groups:
        document["extensionsRequired"] = ["EXT_mesh_gpu_instancing"]
    return builder.to_glb(document), points


def _own_primitive(builder: GlbBuilder, elements: list[ElementTriangles], centre: F64
                   ) -> dict[str, object]:
    """Elements drawn with their own ECEF triangles, about the tile centre."""
    corners = np.concatenate([e.corners for e in elements])  # (t, 3, 3)
    points = corners.reshape(-1, 3)
    normals = np.repeat(_normals(corners), 3, axis=0)
    colours = np.repeat(np.concatenate([e.colours for e in elements]), 3, axis=0)
    feature = np.repeat(np.arange(len(elements), dtype=np.float32),
                        [e.triangles * 3 for e in elements])
    return {"attributes": {
        "POSITION": builder.add_accessor(_y_up(points - centre).astype(np.float32),
                                         ARRAY_BUFFER, with_bounds=True),
        "NORMAL": builder.add_accessor(_y_up(normals).astype(np.float32), ARRAY_BUFFER),
        "COLOR_0": builder.add_accessor(colours.astype(np.float32), ARRAY_BUFFER),
        "_FEATURE_ID_0": builder.add_accessor(feature, ARRAY_BUFFER)},
        "material": 0, "mode": TRIANGLES,
        "extensions": {"EXT_mesh_features": mesh_features(len(elements))}}


def _shared_primitive(builder: GlbBuilder, group: InstanceGroup) -> dict[str, object]:
    """One shared geometry in its own frame (the instances place it)."""
    corners = group.vertices[group.faces.astype(np.int64)]
    points = corners.reshape(-1, 3)
    normals = np.repeat(_normals(corners, fallback_up=True), 3, axis=0)
    colours = np.repeat(group.colours, 3, axis=0)
    return {"attributes": {
        "POSITION": builder.add_accessor(points.astype(np.float32), ARRAY_BUFFER,
                                         with_bounds=True),
        "NORMAL": builder.add_accessor(normals.astype(np.float32), ARRAY_BUFFER),
        "COLOR_0": builder.add_accessor(colours.astype(np.float32), ARRAY_BUFFER)},
        "material": 0, "mode": TRIANGLES}


def write_content(path: Path, elements: list[ElementTriangles],
                  groups: list[InstanceGroup] | None = None) -> ContentResult:
    """Write one tile of ``elements`` and instanced ``groups``."""
    data, points = glb_of(elements, groups)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise TilesetWriteError(f"cannot write {path}: {exc}") from exc
    groups = groups or []
    return ContentResult(
        path=path, region=region_of(points),
        elements=len(elements) + sum(len(g.attributes) for g in groups),
        triangles=sum(e.triangles for e in elements)
        + sum(len(g.faces) * len(g.attributes) for g in groups), size=len(data))


def element_attributes(values: dict[str, object]) -> dict[str, str]:
    """Strings of the metadata table (JSON for the property sets, "" for none)."""
    result = {}
    for spec in ELEMENT_CLASS.properties:
        value = values.get(spec.name)
        if value is None:
            result[spec.name] = ""
        elif isinstance(value, str):
            result[spec.name] = value
        else:
            result[spec.name] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return result
