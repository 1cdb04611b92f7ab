"""The default local executor of every parallel build: a pool of *spawned* processes.

Not ``fork``: a forked child copies the locks held by the parent's other threads at that
instant -- Python threads (servers, test runners) and native pools such as the LAZ decoder's,
which ``threading`` cannot see -- and may hang on one. Not ``forkserver`` either: its server
is started once per process and keeps the environment of that moment (grid folder, data
folder), so a later build could silently run with a stale PROJ setup. Spawned workers cost
about a second to start and always see the caller's current environment.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor


def process_pool(tasks: int, workers: int | None = None) -> ProcessPoolExecutor:
    """A pool of at most ``workers`` (default: cores) spawned processes, never more than tasks."""
    size = max(1, min(workers or os.cpu_count() or 1, tasks))
    return ProcessPoolExecutor(max_workers=size, mp_context=multiprocessing.get_context("spawn"))
