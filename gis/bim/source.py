"""A placed IFC model as a `gis.ingest.sources.VectorSource`: one row per element.

The loader's stage -> swap -> version path then applies to BIM unchanged (duplicate
GlobalIds, reprojection to the storage CRS with the official grids, the published view).
Each row: the fixed attributes (`gis.bim.elements.BASE_COLUMNS`), ``psets`` (every property
and quantity set, JSONB), ``zmin``/``zmax`` (the 3D envelope's heights in the placement's
vertical datum), ``triangles``, one column per property value found, and the footprint
(union of the element's triangles seen from above) in the placement's CRS.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import shapely

from gis.bim.elements import BASE_COLUMNS, ElementInfo, psets_json
from gis.bim.footprint import FootprintUnion, footprint, upright
from gis.bim.georef import Placement
from gis.bim.meshes import ElementMesh

#: elements per Arrow batch: a few MB of rows, whatever the model's size
BATCH_ELEMENTS = 2_000
ARROW_OF_FAMILY = {"boolean": pa.bool_(), "number": pa.float64(), "text": pa.string()}


class JsonType(pa.ExtensionType):  # type: ignore[misc]  # pyarrow is untyped
    """Arrow text holding JSON documents: the loader maps an unknown Arrow type to JSONB and
    encodes each value's ``as_py()``, which this type makes the parsed document."""

    def __init__(self) -> None:
        super().__init__(pa.string(), "twin.json")

    def __arrow_ext_serialize__(self) -> bytes:
        return b""

    @classmethod
    def __arrow_ext_deserialize__(cls, storage_type: pa.DataType, serialized: bytes
                                  ) -> JsonType:
        return cls()

    def __arrow_ext_scalar_class__(self) -> type[pa.ExtensionScalar]:
        return JsonScalar


class JsonScalar(pa.ExtensionScalar):  # type: ignore[misc]  # pyarrow is untyped
    """A `JsonType` value: ``as_py`` parses it."""

    def as_py(self, *args: Any, **kwargs: Any) -> Any:
        text = self.value.as_py() if self.value is not None else None
        return None if text is None else json.loads(text)


@dataclass
class IfcSource:
    """The elements of a placed model, streamed as the loader's Arrow batches."""

    label: str
    placement: Placement
    elements: Mapping[str, ElementInfo]  # by GlobalId
    properties: dict[str, str]  # "Pset.Prop" -> boolean / number / text
    meshes: Callable[[], Iterator[ElementMesh]]
    on_missing: Callable[[list[str]], None]  # GlobalIds whose geometry failed
    #: the model's footprint, folded from the elements' as their rows are made
    union: FootprintUnion | None = None
    triangle_count: int = 0
    rows: int = 0
    _footprints: FootprintCache = field(default_factory=lambda: FootprintCache())

    @property
    def name(self) -> str:
        return self.label

    @property
    def crs(self) -> str | None:
        return self.placement.crs

    @property
    def declared_type(self) -> str | None:
        return "MultiPolygon"

    @property
    def feature_estimate(self) -> int | None:
        return len(self.elements)

    def close(self) -> None:
        """Nothing is held open: the model was parsed before."""

    def schema(self) -> pa.Schema:
        fields = [pa.field(name, pa.string()) for name in BASE_COLUMNS]
        fields += [pa.field("psets", JsonType()), pa.field("zmin", pa.float64()),
                   pa.field("zmax", pa.float64()), pa.field("triangles", pa.int32())]
        fields += [pa.field(key, ARROW_OF_FAMILY[family])
                   for key, family in self.properties.items()]
        return pa.schema([*fields, pa.field("wkb_geometry", pa.binary())])

    def batches(self) -> Iterator[pa.RecordBatch]:
        """Rows of `BATCH_ELEMENTS` elements; failed elements are reported at the end."""
        schema, rows, shapes, seen = self.schema(), [], [], set()
        for mesh in self.meshes():
            info = self.elements.get(mesh.global_id)
            if info is None or mesh.global_id in seen:
                continue
            seen.add(mesh.global_id)
            self.triangle_count += mesh.triangles
            shapes.append(self._footprints.of(mesh, self.placement))
            rows.append(self._row(info, mesh, shapes[-1]))
            if len(rows) >= BATCH_ELEMENTS:
                yield self._batch(schema, rows, shapes)
                rows, shapes = [], []
        if rows:
            yield self._batch(schema, rows, shapes)
        missing = [gid for gid in self.elements if gid not in seen]
        if missing:
            self.on_missing(missing)

    def _batch(self, schema: pa.Schema, rows: list[dict[str, Any]],
               shapes: list[shapely.Geometry]) -> pa.RecordBatch:
        if self.union is not None:
            self.union.add(shapes)
        self.rows += len(rows)
        return pa.RecordBatch.from_pylist(rows, schema=schema)

    def _row(self, info: ElementInfo, mesh: ElementMesh, shape: shapely.Geometry
             ) -> dict[str, Any]:
        heights = self.placement.height + mesh.vertices[:, 2]  # as `Placement.apply` does
        row: dict[str, Any] = {
            "GlobalId": info.global_id, "ifc_class": info.ifc_class, "name": info.name,
            "type": info.type_name, "site": info.site, "building": info.building,
            "storey": info.storey, "space": info.space, "material": info.material,
            "psets": psets_json(info.psets),
            "zmin": float(heights.min()), "zmax": float(heights.max()),
            "triangles": mesh.triangles,
            "wkb_geometry": shapely.to_wkb(shape),
        }
        flat = info.flat_properties()
        for key, family in self.properties.items():
            value = flat.get(key)
            row[key] = _typed(value, family)
        return row


class FootprintCache:
    """Footprints of shared geometries, computed once in the geometry's own frame and moved
    by each element's matrix when it only turns about the vertical (walls, doors, windows
    of one type); other elements are computed from their own triangles. The own frame's
    coordinates are the iterator's (``local_vertices``), not the first element's brought
    back by its inverse matrix: an element's footprint then does not depend on which
    element of its type came first, which varies with the iterator's threads or workers.
    A geometry worker (`gis.bim.workers`) sends the own-frame footprint with the geometry,
    computed there, off this process's critical path."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._local: dict[str, shapely.Geometry] = {}

    def of(self, mesh: ElementMesh, placement: Placement) -> shapely.Geometry:
        matrix = mesh.matrix
        if not mesh.geometry_key or not upright(matrix):
            return footprint(placement.apply(mesh.vertices), mesh.faces)
        local = self._local.get(mesh.geometry_key)
        if local is None:
            own = mesh.local_vertices
            if len(own) != len(mesh.vertices):  # a mesh made without its own frame
                inverse = np.linalg.inv(matrix)
                own = mesh.vertices @ inverse[:3, :3].T + inverse[:3, 3]
            local = mesh.local_plan if mesh.local_plan is not None else footprint(
                own, mesh.faces)
            if len(self._local) >= self.size:
                self._local.pop(next(iter(self._local)))
            self._local[mesh.geometry_key] = local
        linear, offset = _plan_map(placement, matrix)
        return shapely.transform(local, lambda xy: xy @ linear.T + offset)


def _plan_map(placement: Placement, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The element's matrix then the placement, in plan, as one 2 x 2 map and an offset
    (heights do not matter in plan): one product per footprint instead of two passes."""
    norm = math.hypot(placement.x_axis_abscissa, placement.x_axis_ordinate)
    a, o = placement.x_axis_abscissa / norm, placement.x_axis_ordinate / norm
    rotation = placement.scale * np.array([[a, -o], [o, a]])
    linear = rotation @ matrix[:2, :2]
    offset = rotation @ matrix[:2, 3] + np.array([placement.eastings, placement.northings])
    return linear, offset


def _typed(value: Any, family: str) -> Any:
    if value is None:
        return None
    if family == "number":
        return float(value)
    if family == "boolean":
        return bool(value)
    return value if isinstance(value, str) else json.dumps(value)
