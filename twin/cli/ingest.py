"""``twin ingest vector|lidar``: load sources into layers; a failure keeps the previous version."""

from __future__ import annotations

import typer

from twin.cli import ingest_all, ingest_lidar, ingest_vector

app = typer.Typer(help="Load sources into layers (atomic: a failure keeps the previous version).",
                  no_args_is_help=True)
# one line per source kind, e.g.: app.command("vector")(ingest_vector.vector)
app.command("lidar")(ingest_lidar.lidar)
app.command("vector")(ingest_vector.vector)
app.command("all")(ingest_all.all_layers)
