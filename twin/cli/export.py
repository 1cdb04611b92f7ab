"""``twin export ...``: the store's products in exchange formats for other tools."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from gis import registry
from tiles.bim.cityjson import city_with_bims
from tiles.buildings.cityjson import city_model
from tiles.buildings.source import building_set
from twin.cli.common import console, domain_errors, engine_for, parcels_join, settings

app = typer.Typer(help="Export products in exchange formats.", no_args_is_help=True)


@app.command("cityjson")
@domain_errors
def cityjson(
    layer: Annotated[str, typer.Argument(help="building layer with heights")],
    output: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--output", "-o", help="file to write (default: <data_dir>/exports/<layer>.city.json)")
    ] = None,
    parcels: Annotated[Optional[str], typer.Option(  # noqa: UP045
        help="parcel layer and reference column joined as cadastral_reference: LAYER:COLUMN")
    ] = None,
    bim: Annotated[bool, typer.Option(
        help="add the BIM models that replace buildings (`twin ingest ifc`) as LoD 3 objects")
    ] = True,
) -> None:
    """The LOD1 buildings as CityJSON 2.0 (Solids with the tiles' attributes), joined by
    the BIM models standing in for some of them."""
    config = settings()
    joined = parcels_join(parcels)
    with engine_for(config) as engine:
        with engine.connect() as conn:
            title = registry.get_layer(conn, layer).spec.label()
            buildings = building_set(conn, layer, joined)
        document = city_model(buildings, title)
        models = city_with_bims(engine, layer, document, os.cpu_count() or 1) if bim else []
    target = output or config.data_dir / "exports" / f"{layer}.city.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(json.dumps(document, separators=(",", ":"), allow_nan=False))
    partial.replace(target)
    console.print(f"{len(buildings)} buildings -> {target}")
    for model in models:
        console.print(f"  with the BIM model {model} (LoD 3) in place of the buildings it "
                      "replaces")
