"""``twin build ...``: derived products (terrain models, 3D Tiles, heights) from the store."""

from __future__ import annotations

import typer

from twin.cli import build_city, build_lidar

app = typer.Typer(help="Build derived products from the store.", no_args_is_help=True)
# one line per product, e.g.: app.command("dem")(build_lidar.dem)
app.command("heights")(build_city.heights)
app.command("buildings")(build_city.buildings)
app.command("dem")(build_lidar.dem)
app.command("pointcloud")(build_lidar.pointcloud)
