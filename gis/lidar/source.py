"""Where a LAS/LAZ file is read from: a local path, or an fsspec URL (``s3://bucket/x.laz``,
``gs://``, ``az://``, ``https://``) with the storage options of ``TWIN_STORAGE_OPTIONS``.

laspy reads from any seekable binary file object, and an fsspec file is one: the header and
VLRs come with one range read, the LAZ chunk table with another, then the points stream
through fsspec's read-ahead buffer. Nothing is copied to local disk, so an ingest or a build
worker needs no scratch space for its inputs. fsspec is imported only when a URL is read.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol, runtime_checkable

from gis.errors import IngestError

#: ``scheme://`` of an fsspec URL; ``file://`` is a local path like any other
URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
#: bytes fetched per range request while points stream (LAZ chunks are ~1 MB)
READ_BLOCK = 8 * 2**20


def is_url(source: str | Path) -> bool:
    """True for a remote fsspec URL (``s3://...``), False for a local path or ``file://``."""
    text = str(source)
    return bool(URL.match(text)) and not text.lower().startswith("file://")


@runtime_checkable
class SharesOptions(Protocol):
    """An executor that hands storage options to its workers apart from the tasks
    (`tiles.engine.cluster.DaskExecutor`): tasks then carry a reference, not the secret."""

    def share_options(self, options: Mapping[str, Any]) -> Mapping[str, Any]: ...


def task_options(options: Mapping[str, Any] | None, executor: object | None
                 ) -> Mapping[str, Any]:
    """The storage options tasks submitted to ``executor`` carry.

    A cluster's scheduler keeps every task's arguments (its logs and dashboard show them) and
    sends them to any worker, so an executor that can share the options beforehand gets them
    once and the tasks carry its token; the local process pools get a plain copy, as always.
    """
    if options and isinstance(executor, SharesOptions):
        return executor.share_options(options)
    return dict(options or {})


@dataclass(frozen=True)
class ObjectInfo:
    """What the store says of an object without reading it: the identity of its bytes."""

    url: str
    size: int
    etag: str | None


def _filesystem(url: str, options: Mapping[str, Any] | None) -> tuple[Any, str]:
    import fsspec

    try:
        fs, root = fsspec.core.url_to_fs(url, **dict(options or {}))
    except (ImportError, ValueError) as exc:
        raise IngestError(url, f"cannot read this URL: {exc}") from exc
    return fs, root


def object_info(url: str, options: Mapping[str, Any] | None = None) -> ObjectInfo:
    """Size and ETag of an object (one HEAD request); `IngestError` when it is not there."""
    fs, path = _filesystem(url, options)
    try:
        info = fs.info(path)
    except FileNotFoundError as exc:
        raise IngestError(url, "no such object") from exc
    except OSError as exc:
        raise IngestError(url, f"cannot reach the object: {exc}") from exc
    if info.get("type") not in (None, "file"):
        raise IngestError(url, "not a file (a prefix or folder?)")
    etag = info.get("ETag") or info.get("etag")
    return ObjectInfo(url, int(info.get("size") or 0), str(etag).strip('"') if etag else None)


@contextmanager
def open_source(source: str | Path, options: Mapping[str, Any] | None = None
                ) -> Iterator[str | BinaryIO]:
    """What `laspy.open` takes: the path itself, or a seekable fsspec file of the URL."""
    if not is_url(source):
        yield str(source).removeprefix("file://")
        return
    with open_stream(source, options) as stream:
        yield stream


def open_stream(source: str | Path, options: Mapping[str, Any] | None = None) -> BinaryIO:
    """A seekable binary file of a path or URL, for readers that need a file object (the
    point-cloud build's own LAS reader). A URL streams through a read-ahead buffer of
    `READ_BLOCK` bytes, so LAZ chunk reads cost one range request per block, not one each."""
    if not is_url(source):
        return open(str(source).removeprefix("file://"), "rb")
    fs, path = _filesystem(str(source), options)
    try:
        stream: BinaryIO = fs.open(path, "rb", block_size=READ_BLOCK, cache_type="readahead")
    except FileNotFoundError as exc:
        raise IngestError(str(source), "no such object") from exc
    except OSError as exc:
        raise IngestError(str(source), f"cannot open the object: {exc}") from exc
    return stream


class HashingReader(io.RawIOBase):
    """A seekable reader that computes the SHA-256 of the whole object while laspy reads it.

    laspy reads the header, jumps to the LAZ chunk table near the end, comes back and
    streams the points: bytes are hashed as soon as they extend the hashed prefix, and
    `finish` reads only what was never read in order (the chunk table, the EVLRs). The
    object is thus transferred about once, and its checksum is the one the same file has on
    disk, so the index identifies it by its bytes as for a local file.
    """

    def __init__(self, raw: Any) -> None:
        super().__init__()
        self.raw = raw
        self.position = 0
        self.hashed = 0
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = int(self.raw.seek(offset, whence))
        return self.position

    def read(self, size: int | None = -1) -> bytes:
        data = bytes(self.raw.read(-1 if size is None else size))
        self._hash(data)
        return data

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def _hash(self, data: bytes) -> None:
        start, end = self.position, self.position + len(data)
        if start <= self.hashed < end:
            self.digest.update(memoryview(data)[self.hashed - start:])
            self.hashed = end
        self.position = end

    def finish(self) -> str:
        """Hash what was not read in order, to the end of the object; the hex digest."""
        self.raw.seek(self.hashed)
        while block := self.raw.read(READ_BLOCK):
            self.digest.update(block)
            self.hashed += len(block)
        return self.digest.hexdigest()
