"""The city model as the tile builders read it: heights runs and buildings with heights.

``tiles.buildings`` reads through these typed functions; the statements stay private to
`gis.city.sql` (an import-linter contract keeps ``tiles`` and ``twin`` out of it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypedDict, cast

from sqlalchemy import Connection, Row

from gis.city import sql


class HeightRun(TypedDict):
    """One ``twin build heights`` run of a layer (``twin.building_height_run``)."""

    run_id: int
    layer_id: str
    layer_version: int | None
    source: str
    method: str
    parameters: dict[str, Any]
    #: the heights' vertical CRS ("EPSG:5709"); None for ellipsoidal heights
    vertical_crs: str | None
    lidar_layer_id: str | None
    lidar_version: int | None
    lidar_files: list[Any]
    counts: dict[str, Any]
    computed_at: datetime | None


def height_run(conn: Connection, layer_id: str) -> HeightRun | None:
    """The layer's current heights run, None when heights were never derived."""
    run = sql.run_of(conn, layer_id)
    return None if run is None else cast(HeightRun, run)


def has_attribute(conn: Connection, layer_id: str, name: str) -> bool:
    """Whether the layer's current table has a column ``name`` (user-given names)."""
    return name in sql.data_columns(conn, layer_id)


def buildings_with_heights(conn: Connection, layer_id: str,
                           parcels: tuple[str, str] | None = None) -> Iterable[Row[Any]]:
    """Footprints (``wkb``) with their measured heights, streamed in fid order; ``parcels``
    = (parcel layer, reference column) adds ``cadastral_reference``."""
    rows: Iterable[Row[Any]] = sql.buildings_with_heights(conn, layer_id, parcels)
    return rows
