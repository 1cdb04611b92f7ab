"""Each element's triangulated geometry, from IfcOpenShell's multi-core geometry iterator.

The iterator builds the shapes of the products asked for in ``threads`` native threads and
hands them back one by one (in no fixed order), so memory holds the elements in flight, not
the model. It builds each representation once: elements mapping one type's geometry
(``IfcMappedItem``, how authoring tools write repeated types) share it and differ only by
their placement matrix, so we ask for local coordinates, keep the last `GEOMETRY_CACHE`
geometries decoded, and apply each element's matrix (20,000 walls of one type: 1 s instead
of 20 s with world coordinates, where every wall is triangulated again). Coordinates come
in the model's frame (metres); the caller places them. A product the iterator yields
nothing for is a failed element: the caller lists it by GlobalId and the others still load.
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

    @property
    def triangles(self) -> int:
        return len(self.faces)


def iterate_meshes(model: Any, products: list[Any], threads: int) -> Iterator[ElementMesh]:
    """The mesh of every product whose geometry IfcOpenShell can build."""
    cache: OrderedDict[str, DecodedGeometry | None] = OrderedDict()
    for chunk in chunks_of(products):
        yield from _drain(started_iterator(model, chunk, threads), cache)


def started_meshes(model: Any, products: list[Any], threads: int) -> Iterator[ElementMesh]:
    """`iterate_meshes` with the first chunk's iterator started now: IfcOpenShell builds
    the shapes in its own threads while the caller reads the attributes and prepares the
    load (the Duplex: its openings' booleans are most of the ingest)."""
    chunks = chunks_of(products)
    first = started_iterator(model, chunks[0], threads) if chunks else None
    return continued_meshes(model, first, chunks[1:], threads)


def continued_meshes(model: Any, first: Any, rest: list[list[Any]], threads: int
               ) -> Iterator[ElementMesh]:
    cache: OrderedDict[str, DecodedGeometry | None] = OrderedDict()
    yield from _drain(first, cache)
    for chunk in rest:
        yield from _drain(started_iterator(model, chunk, threads), cache)


def chunks_of(products: list[Any]) -> list[list[Any]]:
    """`ITERATOR_CHUNK` products at most per chunk, in even chunks."""
    if not products:
        return []
    count = max(1, math.ceil(len(products) / ITERATOR_CHUNK))
    size = math.ceil(len(products) / count)
    return [products[start:start + size] for start in range(0, len(products), size)]


def started_iterator(model: Any, products: list[Any], threads: int) -> Any:
    """IfcOpenShell's iterator over ``products``, initialised (its threads at work), or
    None when it has nothing to build."""
    import ifcopenshell.geom

    geom: Any = ifcopenshell.geom  # partly typed: its settings and iterator are not
    settings = geom.settings()
    iterator = geom.iterator(settings, model, max(1, threads), include=products)
    return iterator if iterator.initialize() else None


def _drain(iterator: Any, cache: OrderedDict[str, DecodedGeometry | None]
           ) -> Iterator[ElementMesh]:
    if iterator is None:
        return
    while True:
        shape = iterator.get()
        geometry = _cached(cache, shape.geometry)
        if geometry is not None:
            yield mesh_of(str(shape.guid), str(shape.geometry.id),
                          placement_matrix(shape.transformation.matrix), geometry)
        if not iterator.next():
            break


def mesh_of(global_id: str, key: str, matrix: NDArray[np.float64],
            geometry: DecodedGeometry) -> ElementMesh:
    """An element's mesh: the shared geometry ``key`` placed by its matrix."""
    vertices = geometry.vertices @ matrix[:3, :3].T + matrix[:3, 3]
    return ElementMesh(global_id=global_id, vertices=vertices, faces=geometry.faces,
                       colours=geometry.colours, geometry_key=key, matrix=matrix,
                       local_vertices=geometry.vertices)


@dataclass(frozen=True)
class DecodedGeometry:
    """One representation as the iterator built it: triangles in its own frame."""

    vertices: NDArray[np.float64]
    faces: NDArray[np.uint32]
    colours: NDArray[np.float32]


def placement_matrix(values: Any) -> NDArray[np.float64]:
    """IfcOpenShell's 4x4 placement matrix (16 values, column by column)."""
    return np.asarray(values, dtype=np.float64).reshape(4, 4).T


def _cached(cache: OrderedDict[str, DecodedGeometry | None], geometry: Any
            ) -> DecodedGeometry | None:
    """The decoded geometry, from the cache when an element of the same type had it."""
    key = str(geometry.id)
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
