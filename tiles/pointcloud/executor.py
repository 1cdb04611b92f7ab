"""The default executor of a point-cloud build: this process plus spawned worker processes.

``workers`` lanes take tasks as they free up: lane 0 runs its task in a thread of this process
(which has numpy and laspy loaded already and is otherwise idle, waiting for results); the
other lanes hand theirs to a pool of ``workers - 1`` spawned processes (see `gis.workers` for
why spawned). One spawned interpreter fewer than lanes saves its start-up (about a second of
CPU for the interpreter and its imports) and its memory, which on small inputs is a large part
of the build. The processes are started at construction, so they import while the caller
plans. Tasks are the same plain picklable functions any `concurrent.futures.Executor` runs.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from gis.workers import process_pool

P = ParamSpec("P")
T = TypeVar("T")


def _ready() -> bool:
    return True


class LocalExecutor(Executor):
    """``workers`` lanes: one thread of this process and ``workers - 1`` spawned processes."""

    def __init__(self, workers: int, warm_up: Callable[[], object] = _ready) -> None:
        """``warm_up`` runs once per process at once: a function of the tasks' module, so the
        process imports what they need while the caller still plans."""
        self._processes = process_pool(workers - 1, workers - 1) if workers > 1 else None
        if self._processes is not None:
            for _ in range(workers - 1):
                self._processes.submit(warm_up)
        self._lane = threading.local()
        self._numbers = itertools.count()
        self._lanes = ThreadPoolExecutor(max_workers=max(1, workers),
                                         thread_name_prefix="pointcloud-lane",
                                         initializer=self._number_lane)

    def _number_lane(self) -> None:
        self._lane.number = next(self._numbers)  # count() is atomic under the GIL

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        return self._lanes.submit(self._dispatch, fn, args, kwargs)

    def _dispatch(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
                  ) -> T:
        if self._processes is None or self._lane.number == 0:
            return fn(*args, **kwargs)
        return self._processes.submit(fn, *args, **kwargs).result()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._lanes.shutdown(wait, cancel_futures=cancel_futures)
        if self._processes is not None:
            self._processes.shutdown(wait, cancel_futures=cancel_futures)
