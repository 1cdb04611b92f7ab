"""A function run in a forked child process, for what it allocates to end with the child.

IfcOpenShell does not give back all the memory of a model it closes, and a model's
footprint of tens of thousands of parts costs more as GEOS objects than its result weighs:
`gis.bim.parts` and `gis.bim.footprint` run such work in children and keep the result.
``fork`` (against `gis.workers`'s rule) because the children run no thread of ours: they
compute and write their pipe.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from gis.errors import IngestError

Result = TypeVar("Result")


def can_fork() -> bool:
    """Whether worker processes may start here (not where there is no fork, nor in a
    daemon process, a Dask worker, which may not have children)."""
    return ("fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon)


def apart(function: Callable[..., Result], calls: list[tuple[Any, ...]], label: str,
          processes: int) -> list[Result]:
    """``function(*call)`` for each of ``calls`` in a forked process of its own (what it
    allocates ends with it), ``processes`` at a time; in this process where there is no
    fork. The results in the order of ``calls``; the first failure raised, as an
    `IngestError` naming ``label``."""
    if not can_fork():
        return [function(*call) for call in calls]
    context = multiprocessing.get_context("fork")
    results: dict[int, Result] = {}
    waiting = list(enumerate(calls))
    running: dict[Connection, tuple[int, Any]] = {}
    try:
        while waiting or running:
            while waiting and len(running) < max(1, processes):
                number, call = waiting.pop(0)
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_sent, args=(function, call, label, sender),
                                          daemon=True, name="bim-part")
                process.start()
                sender.close()
                running[receiver] = (number, process)
            for ready in wait(list(running)):
                assert isinstance(ready, Connection)
                number, process = running.pop(ready)
                results[number] = _received(ready, process, label)
    finally:
        for receiver, (_, process) in running.items():
            process.terminate()
            process.join()
            receiver.close()
    return [results[number] for number in range(len(calls))]


def _sent(function: Callable[..., Any], call: tuple[Any, ...], label: str,
          sender: Connection) -> None:
    try:
        sender.send((True, function(*call)))
    except IngestError as exc:
        sender.send((False, exc))
    except Exception as exc:  # any failure goes to the parent, named
        sender.send((False, IngestError(label, f"{type(exc).__name__}: {exc}")))
    finally:
        sender.close()


def _received(receiver: Connection, process: Any, label: str) -> Any:
    try:
        done, outcome = receiver.recv()
    except EOFError:
        done, outcome = False, None
    finally:
        receiver.close()
        process.join()
    if outcome is None and not done:
        outcome = IngestError(label, f"a process reading the model ended without a word "
                              f"(exit code {process.exitcode}: killed, out of memory, or a "
                              "crash)")
    if not done:
        raise outcome
    return outcome


