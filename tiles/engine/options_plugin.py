"""The Dask worker plugin that registers a build's storage options on every worker.

A plugin rather than one `Client.run`: the scheduler hands it to a worker that joins during
the build too (one a nanny restarted after its process died), so a re-run task finds the
options there. The scheduler holds the pickled plugin until the build unregisters it; it is
no task, so it is in no task state, log line or dashboard page. Imported only on a cluster
(it imports `distributed`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from tiles.engine.options import forget, register


class StorageOptionsPlugin(WorkerPlugin):
    """Holds ``options`` under ``token`` in each worker process while it is registered."""

    def __init__(self, token: str, options: Mapping[str, Any]) -> None:
        self.token = token
        self.options = dict(options)

    def setup(self, worker: Any) -> None:
        register(self.token, self.options)

    def teardown(self, worker: Any) -> None:
        forget(self.token)

    def __repr__(self) -> str:
        return f"StorageOptionsPlugin({self.token!r})"
