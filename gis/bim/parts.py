"""A model's elements, attributes and meshes, read whole or part by part.

A model of more than `PART_ELEMENTS` elements is cut into parts (`gis.bim.partition`)
and never parsed in this process: IfcOpenShell does not give back all the memory of a
model it closes (measured: 15 MB of every 30 MB a 10,000-wall part takes stay after it is
closed), so the index and the cut are made in a child process, each part is parsed in
child processes whose memory ends with them, and this process holds only what the load
needs: every GlobalId, the property columns, the element whose row is being made. A part
is read twice: once for its GlobalIds and property names (the load must know its columns
before its first row), ``threads`` parts at once; then by its geometry workers, which send
each element's attributes with its mesh (`gis.bim.workers.part_meshes`).

A smaller model is read whole, in this process, as before: its geometry workers start
before its attributes are read, and share the parsed model copy-on-write.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gis.bim.apart import apart
from gis.bim.elements import ElementAttributes, ElementInfo, PropertyKinds, element_products
from gis.bim.georef import Placement, read_placement
from gis.bim.ifcfile import check_step_file, open_model
from gis.bim.meshes import ElementMesh
from gis.bim.partition import PART_ELEMENTS, Part, cut, index_step
from gis.bim.workers import forked_meshes, part_meshes
from gis.errors import IngestError

#: files smaller than this are read whole without looking (fewer than `PART_ELEMENTS`
#: elements in every model we have seen: 10,000 generated walls take 5 MB, the Duplex's
#: 236 elements 2.4 MB)
PARTITION_BYTES = 4 << 20


@dataclass(frozen=True)
class PartSummary:
    """What the first reading of a part finds."""

    global_ids: list[str]
    kinds: PropertyKinds
    placement: Placement | None
    schema: str


def summarise(part: Part, label: str) -> PartSummary:
    """Read one part (in a child process: its parse's memory goes with the process)."""
    try:
        model = open_model(part.path)
    except IngestError as exc:
        raise IngestError(label, f"{part.path.name}: {exc}") from exc
    products = [p for p in element_products(model) if p.id() in part.own]
    attributes = ElementAttributes(products)
    kinds = PropertyKinds()
    attributes.add_kinds(kinds)
    kinds.forget_sets()  # they name this process's objects
    return PartSummary(global_ids=list(attributes), kinds=kinds,
                       placement=read_placement(model, label),
                       schema=str(model.schema_identifier))


def _cut_parts(path: Path, folder: Path, elements: int) -> list[Part]:
    """The parts of the model at ``path`` written into ``folder``; none when it has no
    more than ``elements`` elements or cannot be cut (in a child process: the index goes
    with it)."""
    index = index_step(path)
    if index is None or int(index.elements.sum()) <= elements:
        return []  # read whole
    return list(cut(index, folder, elements))


class PartedModel(Mapping[str, ElementInfo]):
    """Each element's attributes by GlobalId (while its mesh is being read), every
    GlobalId, the property columns, the placement the file declares, and the meshes.

    Made in two steps so that a model refused for its placement starts no worker:
    ``PartedModel(...)`` opens (or indexes and cuts) the model and reads its placement;
    `start` starts the first geometry workers and reads the attributes. A context
    manager: the parts' files go when it closes."""

    def __init__(self, path: Path, work: Path, threads: int) -> None:
        self.path, self.label, self.threads = path, str(path), threads
        self.placement: Placement | None = None
        self.schema = ""
        self._folder: Path | None = None
        self._parts: list[Part] = []
        self._summaries: list[PartSummary] = []
        self._model: Any = None
        self._whole: ElementAttributes | None = None
        self._first: Iterator[ElementMesh] | None = None
        self._last: ElementInfo | None = None
        self._ids: dict[str, None] = {}
        self._kinds = PropertyKinds()
        check_step_file(path)
        try:
            self._open(work)
        except BaseException:
            self.close()
            raise

    def _open(self, work: Path) -> None:
        if self.path.stat().st_size >= PARTITION_BYTES:
            work.mkdir(parents=True, exist_ok=True)
            self._folder = Path(tempfile.mkdtemp(prefix=".parts-", dir=work))
            (self._parts,) = apart(_cut_parts, [(self.path, self._folder, PART_ELEMENTS)],
                                   self.label, 1)
            if not self._parts:
                self.close()
        if self._parts:
            self._summaries = self._read_parts()
            self.placement = self._summaries[0].placement
            self.schema = self._summaries[0].schema
        else:
            self._model = open_model(self.path)
            self.placement = read_placement(self._model, self.label)
            self.schema = str(self._model.schema_identifier)

    @property
    def parts(self) -> int:
        return max(1, len(self._parts))

    def _read_parts(self) -> list[PartSummary]:
        """Every part's summary, ``threads`` parts at once, each in a process of its own."""
        return apart(summarise, [(part, self.label) for part in self._parts], self.label,
                     self.threads)

    def start(self) -> None:
        """Start the first geometry workers, and read every GlobalId and property name."""
        if not self._parts:
            products = element_products(self._model)
            # the workers build the shapes while this process reads the rest
            self._first = forked_meshes(self._model, products, self.threads, self.label)
            self._whole = ElementAttributes(products)
            self._ids = dict.fromkeys(self._whole)
            self._whole.add_kinds(self._kinds)
            return
        self._first = self._part_meshes(0)
        for summary in self._summaries:
            self._ids.update(dict.fromkeys(summary.global_ids))
            self._kinds.absorb(summary.kinds)
        self._summaries = []

    def property_columns(self) -> tuple[dict[str, str], int]:
        """`gis.bim.elements.property_columns` of every element."""
        return self._kinds.columns()

    def meshes(self) -> Iterator[ElementMesh]:
        """Every part's meshes in turn; each element's attributes are known while its mesh
        is the last one given."""
        if self._first is None:
            raise RuntimeError("PartedModel.start() first")
        yield from self._first
        for number in range(1, len(self._parts)):
            yield from self._part_meshes(number)

    def _part_meshes(self, number: int) -> Iterator[ElementMesh]:
        part = self._parts[number]
        return part_meshes(part.path, part.own, self.threads,
                           f"{self.label} (part {number + 1} of {len(self._parts)})",
                           self._heard)

    def _heard(self, info: ElementInfo) -> None:
        self._last = info

    def __getitem__(self, global_id: str) -> ElementInfo:
        if self._whole is not None:
            return self._whole[global_id]
        last = self._last
        if last is None or last.global_id != global_id:
            raise KeyError(global_id)
        return last

    def __contains__(self, global_id: object) -> bool:
        return global_id in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def close(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> PartedModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
