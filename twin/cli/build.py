"""``twin build ...``: derived products (terrain models, 3D Tiles, heights) from the store.

Commands are imported when they run (`twin.cli.lazy`): ``twin build pointcloud`` does not
pay for the building and terrain stacks (scipy, rasterio: seconds of imports) it never uses.
"""

from __future__ import annotations

import typer

from twin.cli.lazy import CommandTable, lazy_group

#: command -> (module, function); one line per product.
COMMANDS: CommandTable = {
    "heights": ("twin.cli.build_city", "heights"),
    "buildings": ("twin.cli.build_city", "buildings"),
    "dem": ("twin.cli.build_lidar", "dem"),
    "pointcloud": ("twin.cli.build_pointcloud", "pointcloud"),
    "bim": ("twin.cli.build_bim", "bim"),
    "terrain": ("twin.cli.build_terrain", "terrain"),
    "blocks": ("twin.cli.build_blocks", "blocks"),
}

app = typer.Typer(help="Build derived products from the store.", no_args_is_help=True,
                  cls=lazy_group(COMMANDS))
