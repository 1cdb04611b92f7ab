"""A model's triangulated geometry on disk: built once at ingest, read by every tile build.

Triangulating a model is most of the cost of loading it and of tiling it. The ingest
already runs IfcOpenShell's iterator for the footprints, so it writes what the iterator
gave beside the kept copy of the model (``<sha256>.geometry/``, named by the model's
bytes: a stale folder cannot be read for another file); `twin build bim` then reads it
instead of parsing and triangulating the model again. The folder is written as
``.partial`` and renamed once complete (``meta.json`` last), so a build never sees half.

The layout lets a reader take one tile's elements at a time without holding the model:
flat binary arrays (memory-mapped) of the distinct geometries (vertices, faces, colours,
each geometry once: elements mapping one type share it) and of the elements (geometry
index, placement matrix, model-frame centre, class code), and one JSON line of
attributes per element with its byte offsets. Memory while writing: the index of
distinct geometries, not the elements.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

from gis.bim.elements import ElementInfo, psets_json
from gis.bim.meshes import KERNELS, ElementMesh

#: bumped when the layout changes: an older folder is then ignored and rebuilt
FORMAT = 1
META = "meta.json"
#: the arrays of a spill: file name -> (dtype, values per row)
ARRAYS: dict[str, tuple[str, int]] = {
    "vertices": ("<f8", 3), "faces": ("<u4", 3), "colours": ("<f4", 4),
    "geometry_starts": ("<i8", 2), "element_geometry": ("<i8", 1),
    "element_shared": ("u1", 1), "element_matrix": ("<f8", 16),
    "element_centre": ("<f8", 3), "element_class": ("<i4", 1),
    "attribute_offsets": ("<i8", 1)}
ATTRIBUTES = "attributes.jsonl"
#: the arrays with a row per element (buffered, written every `FLUSH_ELEMENTS`)
ELEMENT_ARRAYS = ("element_geometry", "element_shared", "element_matrix", "element_centre",
                  "element_class", "attribute_offsets")
FLUSH_ELEMENTS = 2_000


def geometry_folder(model: Path) -> Path:
    """Where the geometry of the kept model ``<sha256>.ifc`` lies."""
    return model.with_suffix(".geometry")


@dataclass(frozen=True)
class SpilledGeometry:
    """One distinct geometry, in its own frame (shared) or the model's (an element's own)."""

    vertices: NDArray[np.float64]
    faces: NDArray[np.uint32]
    colours: NDArray[np.float32]


class SpillWriter:
    """Appends elements (and each geometry at its first use) to a ``.partial`` folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
        shutil.rmtree(self.partial, ignore_errors=True)
        self.partial.mkdir(parents=True)
        self._files: dict[str, BinaryIO] = {
            name: (self.partial / f"{name}.bin").open("wb") for name in ARRAYS}
        self._attributes = (self.partial / ATTRIBUTES).open("wb")
        self._geometry_of: dict[str, int] = {}
        self._classes: dict[str, int] = {}
        self.counts = {"elements": 0, "geometries": 0, "vertices": 0, "faces": 0,
                       "triangles": 0, "attribute_bytes": 0}
        self._rows: dict[str, list[Any]] = {name: [] for name in ELEMENT_ARRAYS}
        self._lines: list[bytes] = []
        self._write("attribute_offsets", np.zeros(1, dtype=np.int64))

    def add(self, mesh: ElementMesh, info: ElementInfo) -> None:
        """One element: its geometry (written once per shared key) and placement."""
        shared = bool(mesh.geometry_key) and len(mesh.local_vertices) == len(mesh.vertices) \
            and float(np.linalg.det(mesh.matrix[:3, :3])) > 0
        key = mesh.geometry_key if shared else f"element:{info.global_id}"
        index = self._geometry_of.get(key) if shared else None
        if index is None:
            index = self._add_geometry(mesh.local_vertices if shared else mesh.vertices,
                                       mesh.faces, mesh.colours)
            if shared:
                self._geometry_of[key] = index
        line = _attribute_line(info)
        self.counts["attribute_bytes"] += len(line)
        rows = self._rows
        rows["element_geometry"].append(index)
        rows["element_shared"].append(shared)
        rows["element_matrix"].append(mesh.matrix if shared else np.eye(4))
        rows["element_centre"].append(mesh.vertices.mean(axis=0))
        rows["element_class"].append(self._classes.setdefault(info.ifc_class,
                                                              len(self._classes)))
        rows["attribute_offsets"].append(self.counts["attribute_bytes"])
        self._lines.append(line)
        self.counts["elements"] += 1
        self.counts["triangles"] += mesh.triangles
        if len(self._lines) >= FLUSH_ELEMENTS:
            self._flush()

    def _flush(self) -> None:
        """The buffered elements' rows, one write per array (small writes cost more than
        the rows: 20,000 elements, six arrays)."""
        for name, values in self._rows.items():
            if values:
                self._write(name, np.asarray(values))
            values.clear()
        self._attributes.write(b"".join(self._lines))
        self._lines.clear()

    def _add_geometry(self, vertices: NDArray[np.float64], faces: NDArray[np.uint32],
                      colours: NDArray[np.float32]) -> int:
        starts = np.array([self.counts["vertices"], self.counts["faces"]], dtype=np.int64)
        self._write("geometry_starts", starts)
        self._write("vertices", vertices)
        self._write("faces", faces)
        self._write("colours", colours)
        self.counts["vertices"] += len(vertices)
        self.counts["faces"] += len(faces)
        self.counts["geometries"] += 1
        return self.counts["geometries"] - 1

    def _write(self, name: str, values: NDArray[Any]) -> None:
        dtype, _width = ARRAYS[name]
        self._files[name].write(np.ascontiguousarray(values, dtype=dtype).tobytes())

    def finish(self) -> Path:
        """Close the files, write ``meta.json`` and move the folder into place."""
        self._flush()
        self._close()
        meta = {"format": FORMAT, "ifcopenshell": _ifcopenshell_version(),
                "kernels": list(KERNELS), **self.counts, "classes": list(self._classes)}
        (self.partial / META).write_text(json.dumps(meta), encoding="utf-8")
        shutil.rmtree(self.folder, ignore_errors=True)
        try:
            self.partial.rename(self.folder)
        except OSError:  # another ingest of the same bytes won the race: same content
            shutil.rmtree(self.partial, ignore_errors=True)
        return self.folder

    def abandon(self) -> None:
        self._close()
        shutil.rmtree(self.partial, ignore_errors=True)

    def _close(self) -> None:
        for handle in [*self._files.values(), self._attributes]:
            handle.close()


@functools.cache
def _ifcopenshell_version() -> str:
    """The triangulator's version: a spill of another version is built again (its
    meshes may differ), without importing IfcOpenShell to ask (read once per process:
    every tile of a build opens the spill)."""
    from importlib.metadata import version

    return version("ifcopenshell")


def _attribute_line(info: ElementInfo) -> bytes:
    """The element's JSON line: its attributes, then its property sets (whose text is made
    once per shared dict), as ``json.dumps`` of them all writes it."""
    head = {"GlobalId": info.global_id, "ifc_class": info.ifc_class, "name": info.name,
            "storey": info.storey, "space": info.space, "type": info.type_name,
            "material": info.material}
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))
    return f'{text[:-1]},"psets":{psets_json(info.psets, compact=True)}}}\n'.encode()


def spill_meshes(meshes: Iterable[ElementMesh], elements: Mapping[str, ElementInfo],
                 folder: Path) -> Iterator[ElementMesh]:
    """``meshes`` passed through, each known element also written to ``folder`` (complete
    when the iteration ends; abandoned if it does not). A complete spill of the same
    bytes (a re-ingest) is kept as it is: a tile build may be reading it."""
    if SpillReader.open(folder) is not None:
        yield from meshes
        return
    writer = SpillWriter(folder)
    seen: set[str] = set()
    try:
        for mesh in meshes:
            info = elements.get(mesh.global_id)
            if info is not None and mesh.global_id not in seen:
                seen.add(mesh.global_id)
                writer.add(mesh, info)
            yield mesh
    except BaseException:
        writer.abandon()
        raise
    writer.finish()


class SpillReader:
    """A complete spill folder, memory-mapped: elements and geometries read on demand."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.meta: dict[str, Any] = json.loads((folder / META).read_text(encoding="utf-8"))
        self.classes: list[str] = list(self.meta["classes"])
        self._arrays = {name: self._map(name) for name in ARRAYS}

    @classmethod
    def open(cls, folder: Path) -> SpillReader | None:
        """The spill at ``folder``, or None when absent, partial, or of another format,
        IfcOpenShell version or choice of geometry kernels (`gis.bim.meshes.KERNELS`: the
        rows of a re-ingest come from the current ones, so must the tiles)."""
        try:
            reader = cls(folder)
        except (OSError, ValueError, KeyError):
            return None
        current = (reader.meta.get("format"), reader.meta.get("ifcopenshell"),
                   tuple(reader.meta.get("kernels") or ()))
        return reader if current == (FORMAT, _ifcopenshell_version(), KERNELS) else None

    def _map(self, name: str) -> NDArray[Any]:
        dtype, width = ARRAYS[name]
        path = self.folder / f"{name}.bin"
        if path.stat().st_size == 0:
            return np.zeros((0, width), dtype=dtype)
        return np.memmap(path, dtype=dtype, mode="r").reshape(-1, width)

    @property
    def elements(self) -> int:
        return int(self.meta["elements"])

    @property
    def triangles(self) -> int:
        return int(self.meta["triangles"])

    def element_geometry(self) -> NDArray[np.int64]:
        return np.asarray(self._arrays["element_geometry"][:, 0])

    def element_shared(self) -> NDArray[np.bool_]:
        return np.asarray(self._arrays["element_shared"][:, 0]).astype(bool)

    def element_class(self) -> NDArray[np.int32]:
        return np.asarray(self._arrays["element_class"][:, 0])

    def element_centre(self) -> NDArray[np.float64]:
        """Each element's mean vertex in the model's frame (n, 3)."""
        return np.asarray(self._arrays["element_centre"])

    def matrices(self, elements: list[int]) -> NDArray[np.float64]:
        """The placement matrices (k, 4, 4) of ``elements``, in one read."""
        return np.asarray(self._arrays["element_matrix"][elements]).reshape(-1, 4, 4)

    def attributes(self, elements: Iterable[int]) -> list[dict[str, Any]]:
        """The attributes of ``elements``, read by their byte offsets."""
        offsets = self._arrays["attribute_offsets"][:, 0]
        result = []
        with (self.folder / ATTRIBUTES).open("rb") as handle:
            for element in elements:
                start, end = int(offsets[element]), int(offsets[element + 1])
                handle.seek(start)
                result.append(json.loads(handle.read(end - start)))
        return result

    def geometry(self, index: int) -> SpilledGeometry:
        starts = self._arrays["geometry_starts"]
        v0, f0 = (int(v) for v in starts[index])
        last = index + 1 >= len(starts)
        v1 = int(self.meta["vertices"]) if last else int(starts[index + 1][0])
        f1 = int(self.meta["faces"]) if last else int(starts[index + 1][1])
        return SpilledGeometry(
            vertices=np.array(self._arrays["vertices"][v0:v1]),
            faces=np.array(self._arrays["faces"][f0:f1]),
            colours=np.array(self._arrays["colours"][f0:f1]))
