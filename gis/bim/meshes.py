"""Each element's triangulated geometry, from IfcOpenShell's geometry iterator.

The iterator builds the shapes of the products asked for in ``threads`` native threads and
hands them back one by one (in no fixed order), so memory holds the elements in flight, not
the model. It builds each representation once: elements mapping one type's geometry
(``IfcMappedItem``, how authoring tools write repeated types) share it and differ only by
their placement matrix, so we ask for local coordinates, keep the last `GEOMETRY_CACHE`
geometries decoded, and apply each element's matrix (20,000 walls of one type: 1 s instead
of 20 s with world coordinates, where every wall is triangulated again). Coordinates come
in the model's frame (metres); the caller places them.

The geometry libraries are tried in the order of `KERNELS`: IfcOpenShell's hybrid kernel
first, then OpenCASCADE alone for the products it built nothing for. A product no kernel
builds is a failed element: the caller lists it by GlobalId and the others still load.
The ingest runs the iterator in worker processes (`gis.bim.workers`: its threads contend).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: grey for elements without a surface style
DEFAULT_COLOUR = (0.8, 0.8, 0.8, 1.0)
#: decoded geometries kept for reuse (bounded: memory does not grow with the model)
GEOMETRY_CACHE = 512
#: products per iterator at most: IfcOpenShell's iterator holds ~4.5 kB per product it was
#: given until it is done, so a big model is iterated in even chunks and memory stays that
#: of one chunk (40,000 walls: +190 MB at once, +80 MB in chunks of 10,000). Not smaller:
#: each iterator's start reads the whole model again (0.8 s for 40,000 walls: chunks of
#: 5,000 cost 5 s more there), and a shared geometry is triangulated once per chunk
ITERATOR_CHUNK = 20_000
#: IfcOpenShell's geometry libraries, in the order tried. First, the hybrid kernel that
#: IfcOpenShell's own Bonsai opens models with: CGAL for faceted and simple solids,
#: OpenCASCADE for what CGAL lacks, and for the openings' booleans. Then OpenCASCADE alone,
#: the iterator's default, for a product the hybrid built nothing for (`gis.bim.workers`
#: also uses it for the rest of a worker that crashed).
#: Measured on every model in data/ifc and the test data: the same elements built, bounding
#: boxes within 0.2 mm, the same surface areas, and 1.9 to 20 times less time (Duplex 1.41 s
#: -> 0.47 s, the IFC4X3 bridge 3.7 s -> 0.19 s). The hybrid also winds each closed shell
#: consistently, where OpenCASCADE mixes orientations in some (our materials are double-sided).
KERNELS = ("hybrid-cgal-simple-opencascade", "opencascade")


@dataclass(frozen=True)
class ElementMesh:
    """One element's triangles in the model's frame, with a colour per triangle."""

    global_id: str
    vertices: NDArray[np.float64]  # (n, 3) metres
    faces: NDArray[np.uint32]  # (m, 3) vertex indices
    colours: NDArray[np.float32]  # (m, 4) RGBA per triangle
    #: the shared geometry's key and this element's placement of it (local -> model frame):
    #: elements of one type share the key, so what is derived from the geometry alone (a
    #: footprint) is computed once per type
    geometry_key: str = ""
    matrix: NDArray[np.float64] = field(default_factory=lambda: np.eye(4))
    #: the shared geometry's own vertices (``vertices`` = these moved by ``matrix``)
    local_vertices: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 3)))
    #: the shared geometry's footprint in its own frame, when a geometry worker made it
    local_plan: Any = None

    @property
    def triangles(self) -> int:
        return len(self.faces)


def iterate_meshes(model: Any, products: list[Any], threads: int,
                   kernels: tuple[str, ...] = KERNELS) -> Iterator[ElementMesh]:
    """The mesh of every product whose geometry one of ``kernels`` can build."""
    return started_meshes(model, products, threads, kernels, start=False)


def started_meshes(model: Any, products: list[Any], threads: int,
                   kernels: tuple[str, ...] = KERNELS, start: bool = True
                   ) -> Iterator[ElementMesh]:
    """`iterate_meshes` with the first chunk's iterator started now: IfcOpenShell builds
    the shapes in its own threads while the caller reads the attributes and prepares the
    load (the Duplex: its openings' booleans are most of the ingest)."""
    chunks = chunks_of(products)
    first = started_iterator(model, chunks[0], threads, kernels[0]) if chunks and start \
        else None
    return _chunks_meshes(model, chunks, first, threads, kernels)


def _chunks_meshes(model: Any, chunks: list[list[Any]], first: Any, threads: int,
                   kernels: tuple[str, ...]) -> Iterator[ElementMesh]:
    cache: OrderedDict[str, DecodedGeometry | None] = OrderedDict()
    for number, chunk in enumerate(chunks):
        for kernel, iterator, built in kernel_passes(model, chunk, threads, kernels,
                                                     first if number == 0 else None):
            for mesh in _drain(iterator, cache, kernel):
                built.add(mesh.global_id)
                yield mesh


def kernel_passes(model: Any, products: list[Any], threads: int, kernels: tuple[str, ...],
                  first: Any = None) -> Iterator[tuple[str, Any, set[str]]]:
    """(kernel, started iterator or None, built) for each kernel in turn, over the products
    no kernel before it built. The caller adds to ``built`` the GlobalId of every product it
    got a mesh of, before asking for the next pass (``first``: the first kernel's iterator,
    already started)."""
    left = products
    for number, kernel in enumerate(kernels):
        iterator = first if number == 0 and first is not None else started_iterator(
            model, left, threads, kernel)
        built: set[str] = set()
        yield kernel, iterator, built
        left = [product for product in left if product.GlobalId not in built]
        if not left:
            return


def geometry_key(geometry: Any, kernel: str) -> str:
    """The key of a shared geometry: IfcOpenShell's id, tagged with any kernel but the first
    (a representation the first built nothing for is built again by the next)."""
    return str(geometry.id) if kernel == KERNELS[0] else f"{kernel}/{geometry.id}"


def chunks_of(products: list[Any]) -> list[list[Any]]:
    """`ITERATOR_CHUNK` products at most per chunk, in even chunks."""
    if not products:
        return []
    count = max(1, math.ceil(len(products) / ITERATOR_CHUNK))
    size = math.ceil(len(products) / count)
    return [products[start:start + size] for start in range(0, len(products), size)]


def started_iterator(model: Any, products: list[Any], threads: int, kernel: str) -> Any:
    """IfcOpenShell's iterator over ``products`` with the geometry library ``kernel``,
    initialised (its threads at work), or None when it has nothing to build."""
    import ifcopenshell.geom

    geom: Any = ifcopenshell.geom  # partly typed: its settings and iterator are not
    settings = geom.settings()
    iterator = geom.iterator(settings, model, max(1, threads), include=products,
                             geometry_library=kernel)
    return iterator if iterator.initialize() else None


def _drain(iterator: Any, cache: OrderedDict[str, DecodedGeometry | None], kernel: str
           ) -> Iterator[ElementMesh]:
    if iterator is None:
        return
    while True:
        shape = iterator.get()
        key = geometry_key(shape.geometry, kernel)
        geometry = _cached(cache, key, shape.geometry)
        if geometry is not None:
            yield mesh_of(str(shape.guid), key, placement_matrix(shape.transformation.matrix),
                          geometry)
        if not iterator.next():
            break


def mesh_of(global_id: str, key: str, matrix: NDArray[np.float64],
            geometry: DecodedGeometry) -> ElementMesh:
    """An element's mesh: the shared geometry ``key`` placed by its matrix."""
    vertices = geometry.vertices @ matrix[:3, :3].T + matrix[:3, 3]
    return ElementMesh(global_id=global_id, vertices=vertices, faces=geometry.faces,
                       colours=geometry.colours, geometry_key=key, matrix=matrix,
                       local_vertices=geometry.vertices, local_plan=geometry.plan)


@dataclass(frozen=True)
class DecodedGeometry:
    """One representation as the iterator built it: triangles in its own frame."""

    vertices: NDArray[np.float64]
    faces: NDArray[np.uint32]
    colours: NDArray[np.float32]
    #: its footprint in that frame (a shapely MultiPolygon), when a worker computed it
    plan: Any = None


def placement_matrix(values: Any) -> NDArray[np.float64]:
    """IfcOpenShell's 4x4 placement matrix (16 values, column by column)."""
    return np.asarray(values, dtype=np.float64).reshape(4, 4).T


def _cached(cache: OrderedDict[str, DecodedGeometry | None], key: str, geometry: Any
            ) -> DecodedGeometry | None:
    """The decoded geometry, from the cache when an element of the same type had it."""
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    decoded = decode_geometry(geometry)
    cache[key] = decoded
    if len(cache) > GEOMETRY_CACHE:
        cache.popitem(last=False)
    return decoded


def decode_geometry(geometry: Any) -> DecodedGeometry | None:
    vertices = np.asarray(geometry.verts, dtype=np.float64).reshape(-1, 3)
    faces = np.asarray(geometry.faces, dtype=np.uint32).reshape(-1, 3)
    if len(faces) == 0:
        return None
    palette = np.array([_colour(m) for m in geometry.materials] or [DEFAULT_COLOUR],
                       dtype=np.float32)
    ids = np.asarray(geometry.material_ids, dtype=np.int64)
    if len(ids) != len(faces):
        ids = np.zeros(len(faces), dtype=np.int64)
    ids = np.where((ids >= 0) & (ids < len(palette)), ids, 0)
    return DecodedGeometry(vertices=vertices, faces=faces, colours=palette[ids])


def _colour(material: Any) -> tuple[float, float, float, float]:
    """A style's diffuse colour and opacity (IfcSurfaceStyleRendering)."""
    try:
        diffuse = material.diffuse
        rgb = (float(diffuse.r()), float(diffuse.g()), float(diffuse.b()))
        transparency = float(material.transparency or 0.0)
    except (AttributeError, TypeError, ValueError):
        return DEFAULT_COLOUR
    if not all(np.isfinite(rgb)):
        return DEFAULT_COLOUR
    alpha = 1.0 - transparency if np.isfinite(transparency) else 1.0
    return (*rgb, min(1.0, max(0.0, alpha)))
