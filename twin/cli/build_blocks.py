"""``twin build blocks NAME LAYER...``: one root tileset over tilesets built block by block.

A region's point cloud is built as blocks, each its own LiDAR layer and build
(docs/scaling.md), so that a changed block is rebuilt alone; viewers want one entry. The root
(`tiles.core.blocks`) names each block's ``tileset.json`` as an external tileset. It is
written beside the blocks, as ``TWIN_DATA_DIR/tiles/NAME.tileset.json`` (its children are
``LAYER/tileset.json``), and with ``--publish URL`` the blocks go to ``URL/LAYER/`` and the
root to ``URL/tileset.json``, last: a reader never meets a root naming a block not there.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from tiles.core.blocks import ENTRY, Block, block_index
from tiles.core.tileset import write_tileset
from tiles.engine.storage import publish_entry, publish_folder
from tiles.errors import BuildInputError
from twin.cli.common import check_publishable, console, domain_errors, engine_for, settings
from twin.cli.options import PublishOption, RestrictedTargetOption

GENERATOR = "twin build blocks"


@domain_errors
def blocks(
    name: Annotated[str, typer.Argument(help="name of the root (NAME.tileset.json)")],
    layers: Annotated[list[str], typer.Argument(help="layers whose built tilesets are the "
                                                     "blocks")],
    publish: PublishOption = None,
    restricted_target: RestrictedTargetOption = False,
) -> None:
    """A root tileset over the built 3D Tiles of LAYERs (external tilesets), beside them."""
    config = settings()
    if publish:
        with engine_for(config) as engine:
            check_publishable(engine, layers, restricted_target)
    found = [read_block(config.tiles_dir, layer) for layer in layers]
    document = block_index(found, version=blocks_version(found), generator=GENERATOR)
    root = config.tiles_dir / f"{name}.{ENTRY}"
    with tempfile.TemporaryDirectory(dir=config.tiles_dir) as staging:
        written = write_tileset(Path(staging), document, indent=1)
        written.replace(root)
    console.print(f"{name}: {len(found)} blocks at {root}")
    if publish:
        url = publish.rstrip("/")
        for block in found:
            published = publish_folder(config.tiles_dir / block.name, f"{url}/{block.name}",
                                       config.storage_options)
            console.print(f"  {block.name}: {published.files} files "
                          f"({published.bytes:,} bytes) to {published.url}")
        console.print(f"  root: {publish_entry(root, url, config.storage_options)}")


def read_block(tiles_dir: Path, layer: str) -> Block:
    """The built tileset of ``layer``, or an error saying which build makes it."""
    path = tiles_dir / layer / ENTRY
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BuildInputError(f"{layer}: no built tileset at {path} (run `twin build "
                              f"pointcloud {layer}`, or the build of its product, first)"
                              ) from exc
    except (OSError, ValueError) as exc:
        raise BuildInputError(f"{layer}: cannot read {path}: {exc}") from exc
    return Block(layer, document)


def blocks_version(found: list[Block]) -> str:
    """What the root depends on: each block's name and tileset version, in order."""
    digest = hashlib.sha256()
    for block in found:
        version = block.document.get("asset", {}).get("tilesetVersion", "")
        digest.update(f"{block.name}\0{version}\n".encode())
    return digest.hexdigest()[:16]
