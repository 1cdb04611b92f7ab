"""The DTMs of registered raster layers, read through `gis` functions (never its SQL)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine

from gis import registry
from gis.errors import LayerNotFound
from gis.raster.index import raster_file
from tiles.errors import BuildInputError
from tiles.terrain.build import DemInput

#: a terrain id is a folder name and a URL segment, like a layer id
TERRAIN_ID = re.compile(r"^[a-z][a-z0-9_]{0,47}$")


def dem_inputs(engine: Engine, layer_ids: Sequence[str]) -> list[DemInput]:
    """Each layer's built DTM COG and compound CRS, in the order given."""
    inputs = []
    with engine.connect() as conn:
        for layer_id in layer_ids:
            try:
                registry.get_layer(conn, layer_id)
            except LayerNotFound as exc:
                raise BuildInputError(f"{layer_id}: no such layer") from exc
            row = raster_file(conn, layer_id)
            if row is None:
                raise BuildInputError(f"{layer_id}: no built raster; run `twin build dem` "
                                      "on its LiDAR layer first")
            if row["product"] != "dtm":
                raise BuildInputError(f"{layer_id}: a {row['product'].upper()}, not a DTM: "
                                      "terrain is made from ground heights")
            path = Path(row["path"])
            if not path.is_file():
                raise BuildInputError(f"{layer_id}: its DTM file {path} is missing; rebuild "
                                      "it with `twin build dem --force`")
            inputs.append(DemInput(layer_id, path, row["crs"]))
    return inputs


def terrain_id(layer_ids: Sequence[str], given: str | None) -> str:
    """The terrain's id: ``given``, else the first layer's."""
    name = given or (layer_ids[0] if layer_ids else "")
    if not TERRAIN_ID.match(name):
        raise BuildInputError(f"terrain id {name!r}: use a-z, 0-9 and _, starting with a "
                              "letter, at most 48 characters")
    return name
