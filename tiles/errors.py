"""One error hierarchy for the tile builders: every error class of ``tiles`` is defined here.

Messages are safe to show to the user who started the build and name the file or input at
fault. The builders know nothing of HTTP: the service maps each class to a status code once,
in one table (``twin.errors``), and a test fails when a class is missing from it.

Build tasks run in spawned worker processes whose exceptions are pickled back to the
coordinating process, so `TilesError` pickles its subclasses without calling their
``__init__`` (a subclass with its own signature would otherwise fail to unpickle and the
build would die with a confusing ``TypeError`` instead of the real problem). This module
imports nothing, so the import-light point reader (``tiles.pointcloud.lasfile``) may use it.
"""

from __future__ import annotations

from typing import Any


def _rebuild(cls: type[TilesError], args: tuple[Any, ...], state: dict[str, Any]
             ) -> TilesError:
    """Recreate a pickled error as it was, without re-running its ``__init__``."""
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class TilesError(Exception):
    """Base of every error raised while building a tile product."""

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), self.args, self.__dict__)


class BuildInputError(TilesError):
    """The input of a build is unusable (no features, no heights, bad geometry); names what."""


class TilesetWriteError(TilesError):
    """A tileset or one of its contents could not be written to the output folder."""


class EngineUnavailable(TilesError):
    """The build's Dask cluster cannot be reached, has no worker, or was asked for twice."""


class StorageWriteError(TilesError):
    """A built product could not be published to its storage URL (fsspec)."""


class LasFormatError(BuildInputError, ValueError):
    """The file is not a LAS/LAZ file this reader understands (names the problem).

    Also a `ValueError`: callers that read headers of arbitrary files catch
    ``(OSError, ValueError)`` (``tiles.pointcloud.partition.job_sizes``) and keep doing so.
    """
