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
"""

from __future__ import annotations

import multiprocessing
from collections import OrderedDict
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from gis.bim.meshes import (
    GEOMETRY_CACHE,
    DecodedGeometry,
    ElementMesh,
    chunks_of,
    decode_geometry,
    mesh_of,
    placement_matrix,
    started_iterator,
    started_meshes,
)
from gis.errors import IngestError

#: elements per message from a worker (a pipe write per element would cost more than it)
SEND_EVERY = 64
#: a worker's element whose geometry the parent already holds
KNOWN = "known"
#: (GlobalId, geometry key, 16 matrix values, decoded geometry or `KNOWN`)
Message = tuple[str, str, tuple[float, ...], "DecodedGeometry | str | None"]


def forked_meshes(model: Any, products: list[Any], processes: int, label: str = ""
                  ) -> Iterator[ElementMesh]:
    """The mesh of every product IfcOpenShell can build, from ``processes`` worker
    processes started now (in this process, one thread, when there is one or no fork)."""
    if (processes <= 1 or "fork" not in multiprocessing.get_all_start_methods()
            or multiprocessing.current_process().daemon):  # a daemon may not have children
        return started_meshes(model, products, 1)
    context = multiprocessing.get_context("fork")
    workers = []
    for share in (products[index::processes] for index in range(processes)):
        if not share:
            continue
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_work, args=(model, share, sender), daemon=True,
                                  name="bim-geometry")
        process.start()
        sender.close()
        workers.append((process, receiver))
    return _gathered(workers, label)


def _gathered(workers: list[tuple[Any, Connection]], label: str) -> Iterator[ElementMesh]:
    """The workers' meshes as they come; the workers are stopped when the caller stops."""
    caches: dict[Connection, OrderedDict[str, DecodedGeometry | None]] = {
        receiver: OrderedDict() for _, receiver in workers}
    live = [receiver for _, receiver in workers]
    try:
        while live:
            for receiver in wait(live):
                assert isinstance(receiver, Connection)
                message = _received(receiver, label)
                if message is None:
                    live.remove(receiver)
                    continue
                for global_id, key, values, decoded in message:
                    geometry = _mirrored(caches[receiver], key, decoded)
                    if geometry is not None:
                        yield mesh_of(global_id, key, placement_matrix(values), geometry)
    finally:
        for process, receiver in workers:
            if process.is_alive():
                process.terminate()
            process.join()
            receiver.close()


def _received(receiver: Connection, label: str) -> list[Message] | None:
    try:
        message = receiver.recv()
    except EOFError as exc:
        raise IngestError(label, "a geometry worker ended without its shapes (killed, or "
                          "out of memory?)") from exc
    if isinstance(message, str):
        raise IngestError(label, f"IfcOpenShell failed in a geometry worker: {message}")
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


def _work(model: Any, products: list[Any], sender: Connection) -> None:
    """A worker: the iterator over ``products`` in this process, one thread."""
    try:
        sent: OrderedDict[str, None] = OrderedDict()
        batch: list[Message] = []
        for chunk in chunks_of(products):
            iterator = started_iterator(model, chunk, 1)
            while iterator is not None:
                shape = iterator.get()
                key = str(shape.geometry.id)
                batch.append((str(shape.guid), key, tuple(shape.transformation.matrix),
                              _sent_once(sent, key, shape.geometry)))
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


def _sent_once(sent: OrderedDict[str, None], key: str, geometry: Any
               ) -> DecodedGeometry | str | None:
    if key in sent:
        sent.move_to_end(key)
        return KNOWN
    sent[key] = None
    if len(sent) > GEOMETRY_CACHE:
        sent.popitem(last=False)
    return decode_geometry(geometry)
