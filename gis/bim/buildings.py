"""The link to the city, building side: the LOD1 buildings a BIM model stands in for.

A model replaces a city building when their footprints overlap by at least `MIN_SHARE` of the
*smaller* of the two areas: a model on a block of row houses replaces the one house it
covers and not its neighbours, which it only touches along a party wall or overhangs by a
few centimetres of eaves; a model smaller than the building it renovates (an extension
covering part of a large hall) still replaces that hall. The city's building layers are those
of the LOD1 city model (a height run exists: `gis.city`); the model's footprint (the union of
its elements', kept by the ingest: `gis.bim.footprint`) is reprojected by us with the
official grids into each layer's storage CRS. The links are rows of ``twin.bim_building``
per BIM version (the viewer, the OGC API and the CityJSON export read them by building);
the feature id is the one the building tiles carry (``<layer>/<fid>``, `tiles.buildings.metadata`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shapely
from sqlalchemy import Connection, Engine

from gis import registry
from gis.bim import buildings_sql as sql
from gis.bim.footprint import fetch_rows, model_footprint, moved_xy
from gis.errors import IngestError
from gis.geodesy import transformer
from gis.schema import current_relation

#: the overlap, as a share of the smaller footprint, from which a model replaces a building
MIN_SHARE = 0.30


@dataclass(frozen=True)
class BuildingLink:
    """One city building a BIM version replaces."""

    bim_layer: str
    version: int
    city_layer: str
    fid: int
    feature_id: str  # the building tiles' ``id`` property: <city layer>/<fid>
    overlap_m2: float
    share: float  # overlap / the smaller of the two footprints


def link_buildings(engine: Engine, bim_layer: str, city_layers: list[str] | None = None
                   ) -> list[BuildingLink]:
    """Record (and return) the buildings of ``city_layers`` (default: every layer of the
    city model) the current model of ``bim_layer`` replaces; earlier links of the same
    version are replaced, those of other versions kept with their version."""
    with engine.begin() as conn:
        bim = registry.get_layer(conn, bim_layer)
        if bim.spec.kind != "bim" or bim.current_version is None:
            raise IngestError(bim_layer, "not a loaded BIM layer")
        candidates = _city_layers(conn, city_layers)
        links: list[BuildingLink] = []
        if candidates:  # the footprint is read only when a city can be linked
            shape = model_footprint(conn, bim_layer, bim.current_version)
            for city, srid in candidates:
                links += _under(conn, bim_layer, bim.current_version, city,
                                _in_srid(shape, bim.storage_srid, srid), srid)
        _store(conn, bim_layer, bim.current_version, links)
    return links


def _city_layers(conn: Connection, wanted: list[str] | None) -> list[tuple[str, int]]:
    layers = [(str(r[0]), int(r[1])) for r in fetch_rows(conn, sql.city_building_layers(), {})]
    if wanted is None:
        return layers
    known = dict(layers)
    missing = [w for w in wanted if w not in known]
    if missing:
        raise IngestError(", ".join(missing), "not a building layer of the city model "
                          "(run `twin build heights` on it first)")
    return [(w, known[w]) for w in wanted]


def _in_srid(shape: shapely.Geometry, source: int, target: int) -> shapely.Geometry:
    if source == target:
        return shape
    move = transformer(source, target)
    return shapely.transform(shape, lambda xy: moved_xy(move, xy))


def _under(conn: Connection, bim_layer: str, version: int, city: str,
           shape: shapely.Geometry, srid: int) -> list[BuildingLink]:
    rows = fetch_rows(conn, sql.buildings_under(current_relation(city)),
                  {"wkb": shapely.to_wkb(shape), "srid": srid, "threshold": MIN_SHARE})
    return [BuildingLink(bim_layer, version, city, int(r[0]), f"{city}/{int(r[0])}",
                         float(r[1]), float(r[2])) for r in rows]


def _store(conn: Connection, bim_layer: str, version: int, links: list[BuildingLink]) -> None:
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(sql.forget_version(), {"bim": bim_layer, "version": version})
        if links:
            cursor.executemany(sql.insert_link(), [_row(link) for link in links])
        cursor.execute(sql.touch_layer(), {"bim": bim_layer})


def _row(link: BuildingLink) -> dict[str, Any]:
    return {"bim": link.bim_layer, "version": link.version, "city": link.city_layer,
            "fid": link.fid, "feature_id": link.feature_id, "overlap": link.overlap_m2,
            "share": link.share}


def replaced_buildings(conn: Connection, bim_layer: str) -> list[BuildingLink]:
    """The buildings the current version of ``bim_layer`` replaces (largest overlap first
    within each city layer)."""
    return _links(conn, "bim", bim_layer, None)


def bims_of_building(conn: Connection, city_layer: str, fid: int | None = None
                     ) -> list[BuildingLink]:
    """The current BIM models standing in for buildings of ``city_layer`` (one, by ``fid``)."""
    return _links(conn, "city", city_layer, fid)


def current_links(conn: Connection) -> list[BuildingLink]:
    """Every building replaced by the current version of a BIM layer, by city layer and fid."""
    return _as_links(fetch_rows(conn, sql.all_current_links(), {}))


def _links(conn: Connection, by: str, layer: str, fid: int | None) -> list[BuildingLink]:
    return _as_links(fetch_rows(conn, sql.current_links(by), {"layer": layer, "fid": fid}))


def _as_links(rows: list[Any]) -> list[BuildingLink]:
    return [BuildingLink(str(r[0]), int(r[1]), str(r[2]), int(r[3]), str(r[4]), float(r[5]),
                         float(r[6])) for r in rows]
