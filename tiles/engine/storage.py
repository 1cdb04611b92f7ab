"""Publish a built folder to any fsspec URL: a local path, ``s3://bucket/prefix`` (s3fs, any
S3-compatible endpoint through ``endpoint_url`` in the storage options), ``gs://``, ``az://``.

Builds run in a local (or shared) work folder, where tasks write and rename freely; what a
static host or CDN serves is then copied up in an order that never shows a broken product:
every content file first, the entry document (``tileset.json``) last, and only then are the
objects the new entry no longer names removed. A reader fetching during the upload sees the
previous tileset whole, or the new one whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiles.errors import StorageWriteError

ENTRY = "tileset.json"


@dataclass(frozen=True)
class Published:
    url: str
    files: int
    bytes: int
    removed: int


def _files(folder: Path) -> list[Path]:
    """The product's files, entry last; hidden build state (``.name``) is not published."""
    files = [p for p in sorted(folder.rglob("*")) if p.is_file()
             and not any(part.startswith(".") for part in p.relative_to(folder).parts)]
    return sorted(files, key=lambda p: p.name == ENTRY and p.parent == folder)


def publish_folder(folder: Path, url: str, options: Mapping[str, Any] | None = None
                   ) -> Published:
    """Copy ``folder`` to ``url`` (entry document last), then drop objects left from an
    earlier publication that the new product does not hold."""
    import fsspec

    base = url.rstrip("/")
    try:
        fs, root = fsspec.core.url_to_fs(base, **dict(options or {}))
        files = _files(folder)
        names = {p.relative_to(folder).as_posix() for p in files}
        before = _existing(fs, root)
        _make_folders(fs, root, {p.parent.relative_to(folder).as_posix() for p in files})
        for path in files:
            fs.put_file(str(path), f"{root}/{path.relative_to(folder).as_posix()}")
        stale = sorted(before - names)
        if stale:
            fs.rm([f"{root}/{name}" for name in stale])
    except (OSError, ValueError, ImportError) as exc:
        raise StorageWriteError(f"cannot publish {folder} to {url}: {exc}") from exc
    return Published(url, len(files), sum(p.stat().st_size for p in files), len(stale))


def _make_folders(fs: Any, root: str, folders: set[str]) -> None:
    """A folder target needs its folders made (object stores have none: keys are names)."""
    protocols = (fs.protocol,) if isinstance(fs.protocol, str) else tuple(fs.protocol)
    if "file" in protocols or "local" in protocols:
        for name in sorted(folders):
            fs.makedirs(f"{root}/{name}" if name != "." else root, exist_ok=True)


def _existing(fs: Any, root: str) -> set[str]:
    """Names (relative to ``root``) of the objects already there."""
    if not fs.exists(root):
        return set()
    prefix = root.rstrip("/") + "/"
    return {str(name)[len(prefix):] for name in fs.find(root) if str(name).startswith(prefix)}


def publish_entry(document: Path, url: str, options: Mapping[str, Any] | None = None) -> str:
    """Copy one entry document to ``url``/tileset.json, and nothing else: a block index is
    published after its blocks, and must not remove them as `publish_folder` removes what
    its folder does not hold."""
    import fsspec

    target = f"{url.rstrip('/')}/{ENTRY}"
    try:
        fs, root = fsspec.core.url_to_fs(url.rstrip("/"), **dict(options or {}))
        _make_folders(fs, root, {"."})
        fs.put_file(str(document), f"{root}/{ENTRY}")
    except (OSError, ValueError, ImportError) as exc:
        raise StorageWriteError(f"cannot publish {document} to {target}: {exc}") from exc
    return target
