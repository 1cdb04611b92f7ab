"""A big IFC model cut into self-contained parts, so that memory holds one part at a time.

IfcOpenShell parses a whole STEP file into memory (about 4.5 kB per element of a generated
model, kept for as long as the model is open) and has no streaming parser for geometry. A
model with more elements than `PART_ELEMENTS` is therefore read once as text, indexed in
flat arrays (offsets, types and references: some bytes per entity), and cut into STEP files
of at most `PART_ELEMENTS` elements each, which IfcOpenShell then opens one after the other.

A part holds, copied byte for byte with their ids:
* its own products, with everything they reference (placement, shape, type, materials);
* every relationship that names one of its own products (containment, aggregation,
  property sets, type, material, openings, ...), with the objects such a relationship
  names in a single attribute (the storey that contains, the wall an opening voids);
* the objects above every object it holds (containment and aggregation upwards), so the
  spatial tree of an element is complete;
* the project, the sites, buildings and storeys (with their own relationships: the site's
  property sets carry an IFC2X3 model's georeferencing), and the types (with theirs);
* what decorates a resource it holds: styles of shape items, representations of materials,
  the map conversion of a representation context.

A relationship's list of objects is cut down to the objects the part holds: the
containment of 40,000 walls in a storey lists only the part's walls. A product may so be
in several parts, but it is its own in exactly one, and only there does it become a row.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gis.bim.elements import NOT_ELEMENTS
from gis.bim.ifcfile import check_step_file
from gis.errors import IngestError

#: own elements per part: a part's parse and geometry iterator hold ~4.5 kB per element,
#: and each part's start repeats the shared entities (types, spatial structure)
PART_ELEMENTS = 10_000

_REFERENCE = re.compile(rb"#(\d+)")
#: a list of references only (the lists of objects relationships have), or a string
_REFERENCE_LIST = re.compile(rb"'(?:[^']|'')*'|\((\s*#\d+\s*(?:,\s*#\d+\s*)*)\)")

# what an entity is to the cut: objects of the core are in every part; types and core
# objects bring every relationship naming them wherever they are held
RESOURCE, OBJECT, TYPE_OBJECT, CORE_OBJECT, RELATIONSHIP, DECORATOR = range(6)
CORE_KINDS = ("IfcProject", "IfcSpatialStructureElement")
NOT_CORE = ("IfcSpace",)
#: resources held for what they decorate (found by the reference they make to it)
DECORATORS = ("IfcStyledItem", "IfcMaterialDefinitionRepresentation", "IfcCoordinateOperation",
              "IfcMaterialProperties", "IfcExtendedMaterialProperties")
#: relationships that lead from an object to the one above it
UPWARD = ("IfcRelContainedInSpatialStructure", "IfcRelAggregates", "IfcRelNests")


@dataclass
class StepIndex:
    """Every entity of a STEP file's data section: where it is, what it is, what it names.

    Arrays, not Python objects: 40,000 walls (360,000 entities, 560,000 references) index
    in about 25 MB."""

    path: Path
    schema: str
    header: bytes
    ids: NDArray[np.int64]
    starts: NDArray[np.int64]
    ends: NDArray[np.int64]
    kinds: NDArray[np.int8]
    #: references as CSR: entity i names targets[pointers[i]:pointers[i + 1]] (positions in
    #: these arrays; -1 for an id the file lacks), in_list where the name is inside a list
    pointers: NDArray[np.int64]
    targets: NDArray[np.int32]
    in_list: NDArray[np.bool_]
    #: the same references by target: who names entity i
    named_pointers: NDArray[np.int64]
    named_by: NDArray[np.int32]
    named_in_list: NDArray[np.bool_]
    upward: NDArray[np.bool_]  # a relationship of `UPWARD`
    decorated: NDArray[np.bool_]  # named by a `DECORATORS` entity
    elements: NDArray[np.bool_]  # a product that may become a row
    #: positions by id: ids[by_id] is sorted
    by_id: NDArray[np.int32]

    @property
    def size(self) -> int:
        return len(self.ids)

    @cached_property
    def _ordered_ids(self) -> NDArray[np.int64]:
        ordered: NDArray[np.int64] = self.ids[self.by_id]
        return ordered

    def positions(self, ids: NDArray[np.int64]) -> NDArray[np.int64]:
        """Where each id is (-1 for an id the file lacks)."""
        ordered = self._ordered_ids
        found = np.minimum(np.searchsorted(ordered, ids), len(ordered) - 1)
        positions: NDArray[np.int64] = np.where(ordered[found] == ids, self.by_id[found], -1)
        return positions


def index_step(path: Path) -> StepIndex | None:
    """Read ``path`` once as text and index its entities; an `IngestError` names the file
    and the problem. None for a file with a comment in its data section (``/* */`` may
    hold quotes: this scan, which knows strings only, would misread what follows)."""
    check_step_file(path)
    label = str(path)
    with path.open("rb") as handle:
        header, schema = _header(handle, label)
        declarations = _schema(schema, label)
        scan = _Scan(label)
        buffer = bytearray(SCAN_BYTES + LOOKAHEAD)
        start = len(header)
        while True:
            handle.seek(start)
            read = handle.readinto(buffer)
            if not read:
                break
            stop = read if read <= SCAN_BYTES else buffer.rfind(b"\n", 0, SCAN_BYTES) + 1
            if stop <= 0:
                raise IngestError(label, f"no line break in {SCAN_BYTES} bytes at byte "
                                  f"{start}: not a STEP file a part can be cut from")
            scan.chunk(np.frombuffer(buffer, dtype=np.uint8, count=read), stop, start)
            if scan.commented:
                return None
            start += stop
    return scan.index(path, schema, header, declarations)


#: bytes scanned at once (memory of the scan: about 10 times this, whatever the file)
SCAN_BYTES = 1 << 20
#: bytes read past a chunk for the digits and the ``=`` of a name at its end
LOOKAHEAD = 64
_DIGITS = 20
_NAME = re.compile(rb"#\d+\s*=\s*([A-Za-z0-9_]*)")


def _header(handle: Any, label: str) -> tuple[bytes, str]:
    """The bytes up to ``DATA;`` and the schema they name."""
    head = b""
    while True:
        more = handle.read(1 << 16)
        head += more
        begin = re.search(rb"(?m)^\s*DATA\s*;", head)
        if begin is not None or not more:
            break
    schema_at = re.search(rb"FILE_SCHEMA\s*\(\s*\(\s*'([^']*)'", head)
    if schema_at is None or begin is None:
        raise IngestError(label, "not a readable IFC file: no FILE_SCHEMA or no DATA section")
    return head[:begin.end()], schema_at.group(1).decode("ascii", "replace").upper()


class _Scan:
    """The entity definitions and references of a data section, read in chunks: which
    bytes are inside strings (quote parity, ``''`` toggles twice) and at which parenthesis
    depth carries from one chunk to the next."""

    def __init__(self, label: str) -> None:
        self.parity = 0
        self.depth = 0
        self.label = label
        self.commented = False
        self.entities = 0
        self.codes: dict[bytes, int] = {}  # type name -> code
        self.definitions: list[NDArray[np.int64]] = []
        self.ids: list[NDArray[np.int64]] = []
        self.types: list[NDArray[np.int32]] = []
        self.semicolons: list[NDArray[np.int64]] = []
        self.references: list[NDArray[np.int64]] = []
        self.owners: list[NDArray[np.int32]] = []
        self.in_list: list[NDArray[np.bool_]] = []

    def chunk(self, raw: NDArray[np.uint8], stop: int, offset: int) -> None:
        """Scan ``raw[:stop]``, at byte ``offset`` of the file (``raw`` goes on a little:
        a number or name at its end is read whole)."""
        body = raw[:stop]
        quote = body == 39
        parity = np.bitwise_xor.accumulate(quote.view(np.uint8)) ^ np.uint8(self.parity)
        structural = (parity == 0) & ~quote
        self.parity = int(parity[-1])
        del parity, quote
        slash = structural[:-1] & (body[:-1] == 47)
        if (slash & (body[1:] == 42)).any():  # "/*"
            self.commented = True
            return
        step = (structural & (body == 40)).view(np.int8) - (structural & (body == 41)).view(
            np.int8)
        depth = np.cumsum(step, dtype=np.int32) + self.depth
        self.depth = int(depth[-1])
        hashes = np.flatnonzero(structural & (body == 35))
        self.semicolons.append(np.flatnonzero(structural & (body == 59)) + offset)
        numbers, after = _numbers(raw, hashes + 1)
        defines = raw[np.minimum(after, len(raw) - 1)] == 61  # "="
        defined_at = hashes[defines]
        named_at = hashes[~defines]
        self.definitions.append(defined_at + offset)
        self.ids.append(numbers[defines])
        self.references.append(numbers[~defines])
        # a reference belongs to the last entity defined before it (maybe in an earlier
        # chunk); inside that entity its own parenthesis is depth 1, a list's 2
        self.owners.append((np.searchsorted(defined_at, named_at, side="right") - 1
                            + self.entities).astype(np.int32))
        self.in_list.append(depth[named_at] >= 2)
        self.entities += len(defined_at)
        names = _NAME.findall(np.where(structural, body, np.uint8(32)).tobytes())
        if len(names) != len(defined_at) or b"" in names:
            raise IngestError(self.label, "an entity definition without a type name near "
                              f"byte {offset}")
        codes = self.codes
        self.types.append(np.array([codes.setdefault(n.upper(), len(codes)) for n in names],
                                   dtype=np.int32))

    def index(self, path: Path, schema: str, header: bytes, declarations: Any) -> StepIndex:
        label = self.label
        if not self.entities:
            raise IngestError(label, "the DATA section holds no entity")
        starts = np.concatenate(self.definitions)
        semicolons = np.concatenate(self.semicolons)
        after = np.searchsorted(semicolons, starts)
        if after[-1] >= len(semicolons):
            raise IngestError(label, "the last entity does not end with ';'")
        ends = semicolons[after] + 1
        del semicolons, after, self.semicolons, self.definitions
        names = list(self.codes)
        kind_of_code = [_kind(name.decode("ascii"), declarations) for name in names]
        owners = np.concatenate(self.owners)
        if len(owners) and owners[0] < 0:
            raise IngestError(label, "a reference before the first entity of the DATA "
                              "section")
        pointers = np.searchsorted(owners, np.arange(self.entities + 1)).astype(np.int64)
        del owners, self.owners
        return _arrays(path, schema, header, np.concatenate(self.ids), starts, ends,
                       np.concatenate(self.types), kind_of_code,
                       np.concatenate(self.references), pointers,
                       np.concatenate(self.in_list))


def _numbers(raw: NDArray[np.uint8], first: NDArray[np.int64]
             ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The decimal number starting at each of ``first`` and where the next non-blank
    byte after it is."""
    values = np.zeros(len(first), dtype=np.int64)
    position = first.copy()
    active = np.ones(len(first), dtype=np.bool_)
    last = len(raw) - 1
    for _ in range(_DIGITS):
        digit = raw[np.minimum(position, last)] - np.uint8(48)
        active &= (digit <= 9) & (position <= last)
        if not active.any():
            break
        values = np.where(active, values * 10 + digit, values)
        position += active
    for _ in range(LOOKAHEAD // 2):
        blank = np.isin(raw[np.minimum(position, last)], _BLANKS) & (position < last)
        if not blank.any():
            break
        position += blank
    return values, position


_BLANKS = np.array([9, 10, 13, 32], dtype=np.uint8)


def _arrays(path: Path, schema: str, header: bytes, ids: NDArray[np.int64],
            starts: NDArray[np.int64], ends: NDArray[np.int64], code_array: NDArray[np.int32],
            kind_of_code: list[tuple[int, bool, bool]],
            wanted: NDArray[np.int64], pointers: NDArray[np.int64],
            list_flags: NDArray[np.bool_]) -> StepIndex:
    order = np.argsort(ids, kind="stable").astype(np.int32)
    sorted_ids = ids[order]
    found = np.minimum(np.searchsorted(sorted_ids, wanted), len(sorted_ids) - 1)
    targets = np.where(sorted_ids[found] == wanted, order[found], -1).astype(np.int32)
    del found, sorted_ids, wanted
    table = np.array([k for k, _, _ in kind_of_code], dtype=np.int8)
    element_code = np.array([e for _, e, _ in kind_of_code], dtype=np.bool_)
    upward_code = np.array([u for _, _, u in kind_of_code], dtype=np.bool_)
    kinds = table[code_array]
    sources = np.repeat(np.arange(len(ids), dtype=np.int32), np.diff(pointers))
    valid = targets >= 0
    by_target = np.argsort(targets[valid], kind="stable").astype(np.int32)
    named_by = sources[valid][by_target]
    named_targets = targets[valid][by_target]
    named_pointers = np.searchsorted(named_targets, np.arange(len(ids) + 1)).astype(np.int64)
    del named_targets
    decorated = np.zeros(len(ids), dtype=np.bool_)
    decorated[targets[valid & (kinds[sources] == DECORATOR)]] = True
    del sources
    return StepIndex(
        path=path, schema=schema, header=header, ids=ids, starts=starts, ends=ends,
        kinds=kinds,
        pointers=pointers, targets=targets, in_list=list_flags,
        named_pointers=named_pointers, named_by=named_by,
        named_in_list=list_flags[valid][by_target], upward=upward_code[code_array],
        decorated=decorated, elements=element_code[code_array], by_id=order)


def _schema(schema: str, label: str) -> Any:
    import ifcopenshell.ifcopenshell_wrapper as wrapper

    try:
        return wrapper.schema_by_name(schema)
    except (RuntimeError, IndexError) as exc:
        raise IngestError(label, f"unsupported IFC schema {schema!r}") from exc


def _kind(name: str, declarations: Any) -> tuple[int, bool, bool]:
    """(kind, may be an element row, leads upward) of an entity type; one the schema
    lacks is a resource (IfcOpenShell skips such entities when it parses the file)."""
    try:
        declaration = declarations.declaration_by_name(name)
    except (RuntimeError, IndexError):
        return RESOURCE, False, False
    chain: list[str] = []
    while declaration is not None:
        chain.append(declaration.name())
        declaration = declaration.supertype()
    if "IfcRelationship" in chain:
        return RELATIONSHIP, False, chain[0] in UPWARD
    if "IfcObjectDefinition" in chain:
        element = "IfcProduct" in chain and not any(k in chain for k in NOT_ELEMENTS)
        if "IfcTypeObject" in chain:
            return TYPE_OBJECT, False, False
        core = any(k in chain for k in CORE_KINDS) and not any(k in chain for k in NOT_CORE)
        return (CORE_OBJECT if core else OBJECT), element, False
    if any(k in chain for k in DECORATORS):
        return DECORATOR, False, False
    return RESOURCE, False, False


@dataclass(frozen=True)
class Part:
    """One part's file and the ids of the products that are its own."""

    path: Path
    own: frozenset[int]


def cut(index: StepIndex, folder: Path, elements: int = PART_ELEMENTS) -> Iterator[Part]:
    """Write the parts of ``index``'s model into ``folder`` one at a time (the caller
    opens, reads and deletes each before asking for the next)."""
    candidates = np.flatnonzero(index.elements)
    candidates = candidates[np.argsort(index.ids[candidates], kind="stable")]  # by id
    core = np.flatnonzero(index.kinds == CORE_OBJECT)
    with index.path.open("rb") as source:
        for number, first in enumerate(range(0, max(len(candidates), 1), elements)):
            own = candidates[first:first + elements]
            held = closure(index, own, core)
            path = folder / f"part-{number:04d}.ifc"
            _write(index, source.fileno(), held, path)
            yield Part(path=path, own=frozenset(int(i) for i in index.ids[own]))


def closure(index: StepIndex, own: NDArray[np.int64], core: NDArray[np.int64]
            ) -> NDArray[np.bool_]:
    """Which entities a part with the ``own`` products (positions) holds (see the module)."""
    held = np.zeros(index.size, dtype=np.bool_)
    full = np.zeros(index.size, dtype=np.bool_)
    full[own] = True
    full |= (index.kinds == TYPE_OBJECT) | (index.kinds == CORE_OBJECT)
    frontier = np.unique(np.concatenate([own, core]).astype(np.int64))
    while len(frontier):
        frontier = frontier[~held[frontier]]
        if not len(frontier):
            break
        held[frontier] = True
        frontier = np.unique(np.concatenate(_next(index, frontier, full, held)))
    return held


def _next(index: StepIndex, frontier: NDArray[np.int64], full: NDArray[np.bool_],
          held: NDArray[np.bool_]) -> list[NDArray[np.int64]]:
    """What the newly held entities bring: see the module's list."""
    kinds = index.kinds[frontier]
    relationships = frontier[kinds == RELATIONSHIP]
    others = frontier[kinds != RELATIONSHIP]
    found: list[NDArray[Any]] = [np.empty(0, dtype=np.int64)]
    # everything a resource or an object names
    targets, _, _ = _gather(index.pointers, index.targets, index.in_list, others)
    found.append(targets[targets >= 0])
    # what a relationship names: not the objects in its lists
    targets, listed, _ = _gather(index.pointers, index.targets, index.in_list, relationships)
    keep = (targets >= 0)
    keep[keep] &= ~(listed[keep] & _is_object(index.kinds[targets[keep]]))
    found.append(targets[keep])
    objects = others[_is_object(index.kinds[others])]
    # every relationship naming an own or full object
    whole = objects[full[objects]]
    namers, _, _ = _gather(index.named_pointers, index.named_by, index.named_in_list, whole)
    found.append(namers[index.kinds[namers] == RELATIONSHIP])
    # the relationships that lead up from any other object held
    context = objects[~full[objects]]
    namers, listed, _ = _gather(index.named_pointers, index.named_by, index.named_in_list,
                                context)
    found.append(namers[listed & index.upward[namers]])
    # decorators of the resources held
    decorated = others[index.decorated[others]]
    namers, _, _ = _gather(index.named_pointers, index.named_by, index.named_in_list,
                           decorated)
    found.append(namers[index.kinds[namers] == DECORATOR])
    return [f.astype(np.int64) for f in found]


def _is_object(kinds: NDArray[np.int8]) -> NDArray[np.bool_]:
    objects: NDArray[np.bool_] = (kinds == OBJECT) | (kinds == TYPE_OBJECT) | (
        kinds == CORE_OBJECT)
    return objects


def _gather(pointers: NDArray[np.int64], values: NDArray[np.int32], flags: NDArray[np.bool_],
            rows: NDArray[np.int64]
            ) -> tuple[NDArray[np.int32], NDArray[np.bool_], NDArray[np.int64]]:
    """The CSR rows ``rows`` concatenated: values, flags and each value's row."""
    starts, stops = pointers[rows], pointers[rows + 1]
    lengths = stops - starts
    total = int(lengths.sum())
    if not total:
        return (np.empty(0, dtype=np.int32), np.empty(0, dtype=np.bool_),
                np.empty(0, dtype=np.int64))
    owners = np.repeat(np.arange(len(rows)), lengths)
    offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    positions = starts[owners] + offsets
    return values[positions], flags[positions], owners


def _write(index: StepIndex, source: int, held: NDArray[np.bool_], path: Path) -> None:
    """The part's STEP file: the header, the held entities in file order (runs of
    neighbours copied in one read), relationships with their lists of objects cut to the
    held ones (one left with an empty list is left out)."""
    dropped = _is_object(index.kinds) & ~held  # objects a relationship's list must lose
    positions = np.flatnonzero(held)
    alone = _to_cut(index, positions, dropped)
    breaks = np.flatnonzero((np.diff(positions) != 1) | alone[1:] | alone[:-1]) + 1
    with path.open("wb") as out:
        out.write(index.header)
        out.write(b"\n")
        for run, cut_run in zip(np.split(positions, breaks), np.split(alone, breaks),
                                strict=True):
            first, last = int(run[0]), int(run[-1])
            start = int(index.starts[first])
            text: bytes | None = os.pread(source, int(index.ends[last]) - start, start)
            if cut_run[0]:
                text = _cut_lists(text, index, dropped)  # type: ignore[arg-type]
                if text is None:
                    continue
            out.write(text)  # type: ignore[arg-type]
            out.write(b"\n")
        out.write(b"ENDSEC;\nEND-ISO-10303-21;\n")


def _to_cut(index: StepIndex, positions: NDArray[np.int64], dropped: NDArray[np.bool_]
            ) -> NDArray[np.bool_]:
    """Which of the held ``positions`` are relationships that list an object the part
    does not hold (each is rewritten alone; every other entity is copied as it is, runs of
    neighbours in one read)."""
    relationships = positions[index.kinds[positions] == RELATIONSHIP]
    targets, listed, owners = _gather(index.pointers, index.targets, index.in_list,
                                      relationships)
    losing = listed & (targets >= 0) & dropped[np.maximum(targets, 0)]
    to_cut = np.zeros(len(positions), dtype=np.bool_)
    to_cut[np.searchsorted(positions, relationships[np.unique(owners[losing])])] = True
    return to_cut


def _cut_lists(text: bytes, index: StepIndex, dropped: NDArray[np.bool_]) -> bytes | None:
    """``text`` without the objects ``dropped`` in its lists of references; None when a
    list loses every name (the relationship relates nothing the part holds)."""
    emptied = False

    def kept(match: re.Match[bytes]) -> bytes:
        nonlocal emptied
        if match.group(1) is None:  # a string
            return match.group(0)
        names = np.array([int(r) for r in _REFERENCE.findall(match.group(1))], dtype=np.int64)
        positions = index.positions(names)
        lose = (positions >= 0) & dropped[np.maximum(positions, 0)]
        if not lose.any():
            return match.group(0)
        if lose.all():
            emptied = True
        return b"(" + b",".join(b"#%d" % n for n in names[~lose]) + b")"

    head, _, arguments = text.partition(b"(")  # the arguments: the entity's id is no list
    result = head + b"(" + _REFERENCE_LIST.sub(kept, arguments)
    return None if emptied else result
