"""``twin ingest vector|lidar|raster|all``: load sources into layers; a failure keeps the previous
version.

Commands are imported when they run (`twin.cli.lazy`): a vector load does not pay for the
LiDAR stack.
"""

from __future__ import annotations

import typer

from twin.cli.lazy import CommandTable, lazy_group

#: command -> (module, function); one line per source kind.
COMMANDS: CommandTable = {
    "lidar": ("twin.cli.ingest_lidar", "lidar"),
    "vector": ("twin.cli.ingest_vector", "vector"),
    "ifc": ("twin.cli.ingest_ifc", "ifc"),
    "table": ("twin.cli.ingest_table", "table"),
    "raster": ("twin.cli.ingest_raster", "raster"),
    "all": ("twin.cli.ingest_all", "all_layers"),
}

app = typer.Typer(help="Load sources into layers (atomic: a failure keeps the previous version).",
                  no_args_is_help=True, cls=lazy_group(COMMANDS))
