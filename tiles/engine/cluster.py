"""Dask distributed as the engine of the heavy builds.

The builders already split their work into plain picklable tasks whose inputs and outputs are
files (`tiles.pointcloud.build`: partition jobs write cell files, subtree and ancestor jobs
read them and write tiles; every file is written whole with ``wb``), so any worker can run any
task and a task that failed, or whose worker died, can simply run again. This module only
hands those tasks to a cluster through the `concurrent.futures.Executor` interface the
builders take:

- keys are not pure: a task's result is its files in *this* build's staging folder, so a
  cached result of an equal call would leave the folder empty;
- ``retries`` re-runs a task that raised (an NFS hiccup); a task whose worker died is re-run
  by the scheduler itself (``distributed.scheduler.allowed-failures``);
- the builders' progress callbacks fire as each cluster task completes (the futures given
  back complete when Dask's do), so the rich bars follow the cluster's tasks.

The work folders (the tileset's staging folder and its state) must be at the same path on
every worker: one machine, or a shared filesystem (NFS, Lustre) mounted alike. Object
storage is for the finished product (`tiles.engine.storage`).

No task carries a secret: the scheduler keeps every task's arguments (logs, dashboard) and
sends them to any worker, so storage options reach the workers once, apart from the tasks
(`DaskExecutor.share_options`, `tiles.engine.options`), and the tasks carry a token.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import importlib
import logging
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, ParamSpec, TypeVar

from tiles.engine.options import SharedOptions, forget, register
from tiles.errors import EngineUnavailable

P = ParamSpec("P")
T = TypeVar("T")

#: Re-runs of a task that raised before the build fails (a dead worker is re-run apart).
RETRIES = 2
CONNECT_TIMEOUT_S = 10
WORKER_WAIT_S = 60


class DaskExecutor(Executor):
    """The tasks of a build as Dask futures, behind `concurrent.futures.Executor`.

    Each Dask future is released as soon as its result is here: the scheduler then forgets
    the key, so it never recomputes a finished task (rewriting its files under a later stage's
    readers) when the worker that held its result dies.
    """

    def __init__(self, client: Any, retries: int = RETRIES) -> None:
        """``client``: a `distributed.Client` (untyped: Dask ships no annotations)."""
        self.client = client
        self.retries = retries
        self._live: set[Any] = set()
        self._lock = threading.Lock()
        self._shared: list[str] = []

    @property
    def lanes(self) -> int:
        """Threads of the cluster's workers: how many tasks run at once (task sizing)."""
        threads: dict[str, int] = self.client.nthreads()
        return max(1, sum(threads.values()))

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        result: Future[T] = Future()
        result.set_running_or_notify_cancel()  # a running task is waited for, not abandoned
        task = self.client.submit(fn, *args, retries=self.retries, pure=False, **kwargs)
        with self._lock:
            self._live.add(task)
        task.add_done_callback(partial(self._finish, result))
        return result

    def share_options(self, options: Mapping[str, Any]) -> Mapping[str, Any]:
        """Register ``options`` on every worker (`tiles.engine.options`), present and
        joining, and here; the tasks carry the returned token instead of the secret."""
        from tiles.engine.options_plugin import StorageOptionsPlugin

        token = f"storage-options-{uuid.uuid4().hex}"
        register(token, options)
        with self._lock:
            self._shared.append(token)
        self.client.register_plugin(StorageOptionsPlugin(token, options), name=token)
        return SharedOptions(token)

    def release_options(self) -> None:
        """Unregister the shared options from the scheduler and the workers (their
        plugin's teardown forgets them) and from here: the build is over."""
        with self._lock:
            tokens, self._shared = self._shared, []
        for token in tokens:
            forget(token)
            with contextlib.suppress(OSError, ValueError):  # a cluster gone holds nothing
                self.client.unregister_worker_plugin(token)

    def _finish(self, result: Future[Any], task: Any) -> None:
        try:
            result.set_result(task.result())
        except BaseException as exc:  # the task's error, or its cancellation
            result.set_exception(exc)
        finally:
            with self._lock:
                self._live.discard(task)
            task.release()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Cancel the tasks not finished (``cancel_futures``) or wait for them; the cluster
        stays up (`build_engine` owns it)."""
        with self._lock:
            live = list(self._live)
        if cancel_futures and live:
            self.client.cancel(live)
        elif wait and live:
            _distributed().wait(live)


@dataclass(frozen=True)
class Engine:
    """The executor of a build (None: in-process) and how many tasks it runs at once."""

    executor: Executor | None
    lanes: int | None
    where: str


def _distributed() -> Any:
    """The `distributed` package, imported when a cluster is asked for (0.5 s of imports)."""
    import distributed

    return distributed


def _connect(scheduler: str, timeout: float) -> Any:
    try:
        client = _distributed().Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise EngineUnavailable(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_S)
    except TimeoutError as exc:
        client.close()
        raise EngineUnavailable(
            f"the Dask scheduler at {scheduler} has no worker (waited {WORKER_WAIT_S} s)"
        ) from exc
    return client


#: Dask settings of the LocalCluster's workers (see `local_cluster_client`).
QUIET_WORKERS: dict[str, object] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "1s",
    "distributed.admin.system-monitor.disk": False,
    "distributed.admin.system-monitor.gil.enabled": False,  # gilknocker, when installed
}


def local_cluster_client(workers: int, **options: Any) -> Any:
    """A client of a new LocalCluster: ``workers`` spawned processes, one thread each
    (the tasks are CPU-bound numpy and LAZ decoding; threads would share one GIL's gaps).

    Its workers' event loops stay quiet while the task thread computes (the nannies hand
    these settings to the worker processes they spawn): no statistical profiler (it samples
    the task thread's stack every 10 ms under the GIL, for a dashboard this cluster does not
    have), no disk counters, no GIL-contention poller (every 1 ms when `gilknocker` is
    installed), and the loop-blocked tick, the memory monitor and the system monitor every
    second instead of every 20, 100 and 500 ms. Measured with a sampling profiler on a 30
    M-point build, the worker's loop thread then holds the GIL half as often (29 samples
    instead of 65 in 15 s)."""
    distributed = _distributed()
    import dask

    with dask.config.set(QUIET_WORKERS):
        cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
            silence_logs=logging.WARNING, **options)
    return distributed.Client(cluster)


#: glibc's own ceilings for its dynamic thresholds on 64-bit (mallopt parameter numbers).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD_BYTES = 32 * 2**20


def _relax_malloc() -> None:
    """Undo Dask's ``MALLOC_TRIM_THRESHOLD_=65536`` in this worker (glibc only).

    Dask's nannies set it so idle workers hand memory back to the OS; setting it also turns
    off glibc's dynamic mmap threshold, so every numpy array above 128 KiB is mmapped, zeroed
    and unmapped again: the build's chunk-sized arrays then cost twice the CPU (measured: a
    5 M-point build 6.5 s of CPU in-process with the variable, 3.4 s without). The thresholds
    are set to the ceilings glibc's dynamic rule reaches by itself, as in any other process.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to undo
        return
    libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    libc.mallopt(M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD_BYTES)


def _prepare_worker(modules: Sequence[str]) -> None:
    """Run once on every worker before a build: allocator as in-process, task modules
    imported, and what the imports allocated frozen out of the collector's scans (as
    `tiles.pointcloud.octree.warm_up` does for the in-process lanes)."""
    _relax_malloc()
    for module in modules:
        importlib.import_module(module)
    gc.freeze()


@contextmanager
def build_engine(scheduler: str | None = None, workers: int | None = None, *,
                 timeout: float | None = None, warm_up: Sequence[str] = ()
                 ) -> Iterator[Engine]:
    """The engine of one build: an existing cluster (``scheduler``), a LocalCluster of
    ``workers`` processes started and stopped around the build, or in-process (neither).

    Every worker is prepared first (`_prepare_worker`): ``warm_up`` names the task modules
    it imports before the build starts, as the in-process engine's spawned lanes do;
    otherwise the first task on each worker pays for numpy, lazrs and the builder's imports
    while the others wait for its result."""
    if scheduler and workers:
        raise EngineUnavailable("give --scheduler or --workers, not both: --workers starts "
                                "a local cluster, --scheduler uses a running one")
    if not scheduler and not workers:
        yield Engine(None, None, "in-process")
        return
    client = (_connect(scheduler, timeout or CONNECT_TIMEOUT_S) if scheduler
              else local_cluster_client(workers or 1))
    executor = DaskExecutor(client)
    try:
        client.run(_prepare_worker, list(warm_up))
        yield Engine(executor, executor.lanes,
                     scheduler or f"local Dask cluster of {workers} workers")
    finally:
        executor.shutdown(cancel_futures=True)
        executor.release_options()
        cluster = client.cluster if not scheduler else None
        client.close()
        if cluster is not None:
            cluster.close()
