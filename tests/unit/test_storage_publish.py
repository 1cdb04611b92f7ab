"""Publishing a built folder to an fsspec URL (`tiles.engine.storage`), on fsspec's memory
filesystem: the entry document goes last, hidden build state never, stale objects go."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fsspec
import pytest
from fsspec.implementations.memory import MemoryFileSystem

from tiles.engine.storage import publish_folder
from tiles.errors import StorageWriteError


def _product(folder: Path, tiles: list[str]) -> Path:
    for name in tiles:
        path = folder / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode() * 10)
    (folder / "tileset.json").write_text('{"asset": {"version": "1.1"}}')
    (folder / ".state").mkdir(exist_ok=True)
    (folder / ".state" / "cells.bin").write_bytes(b"private")
    return folder


def test_entry_last_state_never_stale_removed(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []
    original = MemoryFileSystem.put_file

    def recording(self: Any, lpath: str, rpath: str, *args: Any, **kwargs: Any) -> Any:
        order.append(rpath.rsplit("/", 1)[-1])
        return original(self, lpath, rpath, *args, **kwargs)

    monkeypatch.setattr(MemoryFileSystem, "put_file", recording)
    url = "memory://bucket/tiles/t_publish"
    first = publish_folder(_product(tmp_path / "a", ["r.glb", "r0.glb", "r1.glb"]), url)
    assert (first.files, first.removed) == (4, 0)
    assert order[-1] == "tileset.json"
    assert len(order) == 4
    fs = fsspec.filesystem("memory")
    assert not fs.exists("/bucket/tiles/t_publish/.state/cells.bin")
    second = publish_folder(_product(tmp_path / "b", ["r.glb", "r2.glb"]), url + "/")
    assert second.removed == 2
    assert sorted(fs.find("/bucket/tiles/t_publish")) == [
        "/bucket/tiles/t_publish/content/r.glb", "/bucket/tiles/t_publish/content/r2.glb",
        "/bucket/tiles/t_publish/tileset.json"]
    assert fs.cat("/bucket/tiles/t_publish/content/r2.glb") == b"r2.glb" * 10


def test_a_bad_url_names_folder_and_url(tmp_path: Path) -> None:
    folder = _product(tmp_path / "a", ["r.glb"])
    with pytest.raises(StorageWriteError, match=r"cannot publish .*a to nope://x"):
        publish_folder(folder, "nope://x")
