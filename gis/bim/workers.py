"""Triangulating a model on several cores: IfcOpenShell's iterator in forked processes.

IfcOpenShell 0.9's iterator in several threads of one process spends about 1.5 times the
CPU time of one thread on the Duplex (measured: 3.3 s of user time against 2.1 s, its
threads contend) and is no faster in wall time on two cores. Processes do not contend:
each worker, forked once the model is parsed (it inherits the parsed model copy-on-write:
nothing is read again), runs the single-threaded iterator over its share of the products
-- every n-th, which mixes the heavy and light elements of each storey -- and sends back,
in batches, per element its GlobalId, geometry key and matrix, and each decoded geometry
the first time it needs it. The parent mirrors each worker's geometry cache (the same
size, the same order of use: both forget the same key at the same moment), so a geometry
mapped by thousands of elements crosses the pipe once per worker and the meshes are those
of `gis.bim.meshes.iterate_meshes`, in no fixed order (as from the multi-threaded
iterator). Where ``fork`` does not exist, or in a daemon process (a Dask worker), the
iterator runs in this process.

A model read in parts (`gis.bim.parts`) is never parsed in this process: each worker
opens the part file itself, builds its share of the part's products and sends each
element's attributes with its mesh (IfcOpenShell does not give back all the memory of a
model it closes; a worker's ends with it).

Each worker tries the kernels in the order of `gis.bim.meshes.KERNELS`. A worker that dies
without a word (a crash in a geometry library's native code: IfcOpenShell reports some in
its hybrid kernel) or in which IfcOpenShell raises is replaced by one that builds the
products it had not sent with the kernels after the one it was using; only a worker of the
last kernel that stops so fails the ingest, saying how.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from gis.bim.apart import can_fork
from gis.bim.elements import ElementAttributes, ElementInfo, element_products
from gis.bim.footprint import footprint, upright
from gis.bim.ifcfile import open_model
from gis.bim.meshes import (
    GEOMETRY_CACHE,
    KERNELS,
    DecodedGeometry,
    ElementMesh,
    chunks_of,
    decode_geometry,
    geometry_key,
    kernel_passes,
    mesh_of,
    placement_matrix,
    started_meshes,
)
from gis.errors import IngestError

LOG = logging.getLogger(__name__)

#: elements per message from a worker (a pipe write per element would cost more than it)
SEND_EVERY = 64
#: a worker's element whose geometry the parent already holds
KNOWN = "known"
#: (GlobalId, geometry key, 16 matrix values, decoded geometry or `KNOWN`, the element's
#: attributes when the worker read the model itself)
Message = tuple[str, str, tuple[float, ...], "DecodedGeometry | str | None",
                "ElementInfo | None"]
#: what the parent is told of each element's attributes, from a worker that read a part
OnInfo = Callable[[ElementInfo], None]


@dataclass(frozen=True)
class PartShare:
    """A worker's share of a part file that it opens itself: of the products with the ids
    ``own``, every ``step``-th from ``start`` (by id), except the GlobalIds in ``skip``."""

    path: Path
    own: frozenset[int]
    start: int
    step: int
    skip: frozenset[str] = frozenset()

    def opened(self) -> tuple[Any, list[Any]]:
        model = open_model(self.path)
        products = [p for p in element_products(model) if p.id() in self.own]
        return model, [p for p in products[self.start::self.step]
                       if str(p.GlobalId) not in self.skip]


def forked_meshes(model: Any, products: list[Any], processes: int, label: str = "",
                  kernels: tuple[str, ...] = KERNELS) -> Iterator[ElementMesh]:
    """The mesh of every product IfcOpenShell can build, from ``processes`` worker
    processes started now (in this process, one thread, when there is one or no fork)."""
    if processes <= 1 or not can_fork():
        return started_meshes(model, products, 1, kernels)
    workers = [_started(model, share, kernels)
               for share in (products[index::processes] for index in range(processes))
               if share]
    return _gathered(model, workers, label)


def part_meshes(path: Path, own: frozenset[int], processes: int, label: str,
                on_info: OnInfo, kernels: tuple[str, ...] = KERNELS) -> Iterator[ElementMesh]:
    """The meshes of a part's own products from ``processes`` workers (at least one) that
    each open the part; ``on_info`` hears each element's attributes before its mesh."""
    if not can_fork():
        return _meshes_here(PartShare(path, own, 0, 1), on_info, kernels)
    workers = [_started(None, PartShare(path, own, index, max(1, processes)), kernels)
               for index in range(max(1, processes))]
    return _gathered(None, workers, label, on_info)


def _meshes_here(share: PartShare, on_info: OnInfo, kernels: tuple[str, ...]
                 ) -> Iterator[ElementMesh]:
    model, products = share.opened()
    attributes = ElementAttributes(products)
    for mesh in started_meshes(model, products, 1, kernels):
        on_info(attributes[mesh.global_id])
        yield mesh


@dataclass
class _Worker:
    """A geometry worker, its share of the products, and what the parent has of it."""

    process: Any
    receiver: Connection
    share: list[Any] | PartShare
    kernels: tuple[str, ...]
    #: the mirror of the worker's record of the geometries it sent
    cache: OrderedDict[str, DecodedGeometry | None] = field(default_factory=OrderedDict)
    #: the GlobalIds it sent triangles of
    sent: set[str] = field(default_factory=set)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.receiver.close()


def _started(model: Any, share: list[Any] | PartShare, kernels: tuple[str, ...]) -> _Worker:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_work, args=(model, share, kernels, sender), daemon=True,
                              name="bim-geometry")
    process.start()
    sender.close()
    return _Worker(process=process, receiver=receiver, share=share, kernels=kernels)


def _gathered(model: Any, workers: list[_Worker], label: str, on_info: OnInfo | None = None
              ) -> Iterator[ElementMesh]:
    """The workers' meshes as they come; the workers are stopped when the caller stops."""
    started = list(workers)
    live = {worker.receiver: worker for worker in workers}
    try:
        while live:
            for receiver in wait(list(live)):
                assert isinstance(receiver, Connection)
                worker = live[receiver]
                message = _received(receiver)
                if isinstance(message, _Ended):
                    del live[receiver]
                    worker.stop()
                    replacement = _replacement(model, worker, message, label)
                    started.append(replacement)
                    live[replacement.receiver] = replacement
                    continue
                if message is None:
                    del live[receiver]
                    continue
                for global_id, key, values, decoded, info in message:
                    geometry = _mirrored(worker.cache, key, decoded)
                    if geometry is not None:
                        worker.sent.add(global_id)
                        if info is not None and on_info is not None:
                            on_info(info)
                        yield mesh_of(global_id, key, placement_matrix(values), geometry)
    finally:
        for worker in started:
            worker.stop()


@dataclass(frozen=True)
class _Ended:
    """A worker stopped before its last message: it died without a word (``error`` None:
    killed, or a crash in native code) or IfcOpenShell raised ``error`` in it."""

    error: str | None

    def reason(self, worker: _Worker) -> str:
        if self.error is not None:
            return f"IfcOpenShell failed in a geometry worker: {self.error}"
        return (f"a geometry worker ended without its shapes (exit code "
                f"{worker.process.exitcode}: killed, out of memory, or a crash)")


def _replacement(model: Any, ended: _Worker, how: _Ended, label: str) -> _Worker:
    """A worker for the products ``ended`` had not sent, on the kernels after its first;
    on the last kernel, the `IngestError` saying what happened."""
    if len(ended.kernels) <= 1:
        raise IngestError(label, how.reason(ended))
    left: list[Any] | PartShare
    if isinstance(ended.share, PartShare):  # the new worker reads the part again
        left = replace(ended.share, skip=ended.share.skip | frozenset(ended.sent))
    else:
        left = [product for product in ended.share if product.GlobalId not in ended.sent]
    LOG.warning("%s: %s, on IfcOpenShell's %s kernel; the products it had not sent are "
                "built with %s", label, how.reason(ended), ended.kernels[0], ended.kernels[1])
    return _started(model, left, ended.kernels[1:])


def _received(receiver: Connection) -> list[Message] | _Ended | None:
    """A worker's next batch, None when it is done, `_Ended` when it stopped before."""
    try:
        message = receiver.recv()
    except EOFError:
        return _Ended(None)
    if isinstance(message, str):
        return _Ended(message)
    result: list[Message] | None = message
    return result


def _mirrored(cache: OrderedDict[str, DecodedGeometry | None], key: str,
              decoded: DecodedGeometry | str | None) -> DecodedGeometry | None:
    """The geometry of ``key``, kept as the worker keeps its record of what it sent."""
    if isinstance(decoded, str):  # KNOWN: the worker sent it before and we keep it
        cache.move_to_end(key)
        return cache[key]
    cache[key] = decoded
    if len(cache) > GEOMETRY_CACHE:
        cache.popitem(last=False)
    return decoded


def _work(model: Any, share: list[Any] | PartShare, kernels: tuple[str, ...],
          sender: Connection) -> None:
    """A worker: the iterator over its products in this process, one thread (a part's
    worker first opens the part and sends each element's attributes)."""
    try:
        attributes: ElementAttributes | None = None
        if isinstance(share, PartShare):
            model, products = share.opened()
            attributes = ElementAttributes(products)
        else:
            products = share
        sent: OrderedDict[str, bool] = OrderedDict()  # key -> has triangles
        batch: list[Message] = []
        for chunk in chunks_of(products):
            for kernel, iterator, built in kernel_passes(model, chunk, 1, kernels):
                while iterator is not None:
                    shape = iterator.get()
                    key = geometry_key(shape.geometry, kernel)
                    matrix = tuple(shape.transformation.matrix)
                    decoded = _sent_once(sent, key, shape.geometry, matrix)
                    global_id = str(shape.guid)
                    info = None
                    if sent[key]:
                        built.add(global_id)
                        info = attributes[global_id] if attributes is not None else None
                    batch.append((global_id, key, matrix, decoded, info))
                    if len(batch) >= SEND_EVERY:
                        sender.send(batch)
                        batch = []
                    if not iterator.next():
                        break
        sender.send(batch)
        sender.send(None)
    except Exception as exc:  # any failure goes to the parent, named
        sender.send(f"{type(exc).__name__}: {exc}")
    finally:
        sender.close()


def _sent_once(sent: OrderedDict[str, bool], key: str, geometry: Any,
               matrix: tuple[float, ...]) -> DecodedGeometry | str | None:
    """The decoded geometry the first time, then `KNOWN`; ``sent`` notes which have
    triangles, and forgets in step with the parent's mirror. A geometry placed upright
    travels with its footprint in its own frame (`gis.bim.source.FootprintCache`)."""
    if key in sent:
        sent.move_to_end(key)
        return KNOWN
    decoded = decode_geometry(geometry)
    if decoded is not None and upright(placement_matrix(matrix)):
        decoded = replace(decoded, plan=footprint(decoded.vertices, decoded.faces))
    sent[key] = decoded is not None
    if len(sent) > GEOMETRY_CACHE:
        sent.popitem(last=False)
    return decoded
