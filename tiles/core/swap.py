"""Atomic outputs: a product is written into a staging folder beside its target, then swapped
in with two renames, so a reader (the server, a viewer) sees the old product or the new one,
never half of each, and a failed build leaves the previous product untouched."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tiles.errors import TilesetWriteError


def staging_dir(target: Path, label: str) -> Path:
    """A new empty folder beside ``target`` (same filesystem: the swap is a rename), readable
    by a server of another user (mkdtemp alone would make it 0700)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.{label}.", dir=target.parent))
    staging.chmod(0o755)
    return staging


def swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging`` with two renames; the old one is removed after."""
    retired = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
    try:
        if target.exists():
            target.rename(retired)
        staging.rename(target)
    except OSError as exc:
        raise TilesetWriteError(f"cannot move the new output into {target}: {exc}") from exc
    shutil.rmtree(retired, ignore_errors=True)


@contextmanager
def atomic_folder(target: Path, label: str) -> Iterator[Path]:
    """Yield a staging folder for ``target``; swap it in when the block succeeds, remove it
    when the block raises (the previous ``target`` stays as it was)."""
    staging = staging_dir(target, label)
    try:
        yield staging
        swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
