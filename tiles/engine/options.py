"""Storage options (an S3 key and secret) reach a cluster's workers once, never in a task.

A Dask scheduler keeps the arguments of every task it is given (its logs, its dashboard and
its task states show them) and sends them to whichever worker runs the task. A build on a
cluster therefore registers its storage options on every worker beforehand, under a random
token that says nothing of them, and its tasks carry a `SharedOptions`: a mapping that
pickles as the token alone and, on the worker, reads the options registered there.

This module imports nothing of Dask: the tasks' modules (in ``gis``) only see a `Mapping`,
and a worker unpickling a `SharedOptions` imports this module and no more.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from typing import Any

from tiles.errors import EngineUnavailable

_REGISTRY: dict[str, dict[str, Any]] = {}
_LOCK = threading.Lock()


def register(token: str, options: Mapping[str, Any]) -> None:
    """Hold ``options`` in this process under ``token`` (a worker, or the coordinator)."""
    with _LOCK:
        _REGISTRY[token] = dict(options)


def forget(token: str) -> None:
    """Drop the options of ``token`` from this process (the build is over)."""
    with _LOCK:
        _REGISTRY.pop(token, None)


def registered_tokens() -> list[str]:
    """The tokens held in this process (what a test checks is cleaned up)."""
    with _LOCK:
        return sorted(_REGISTRY)


class SharedOptions(Mapping[str, Any]):
    """fsspec storage options by reference: what a task carries instead of the options.

    It reads the options registered in the process it is used in, so a task run on a worker
    that lacks them fails naming the token (a worker that joined without the plugin), rather
    than reaching the store anonymously.
    """

    def __init__(self, token: str) -> None:
        self.token = token

    def _options(self) -> dict[str, Any]:
        with _LOCK:
            options = _REGISTRY.get(self.token)
        if options is None:
            raise EngineUnavailable(f"the storage options {self.token} are not registered "
                                    "in this process (a worker that joined without them?)")
        return options

    def __getitem__(self, key: str) -> Any:
        return self._options()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._options())

    def __len__(self) -> int:
        return len(self._options())

    def __reduce__(self) -> tuple[type[SharedOptions], tuple[str]]:
        return SharedOptions, (self.token,)

    def __repr__(self) -> str:
        return f"SharedOptions({self.token!r})"
