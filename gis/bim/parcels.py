"""The link to the city: the cadastral parcels a model stands on, recorded with its version.

The model's footprint is the union of its elements' footprints, kept by the ingest
(`gis.bim.footprint`: computed once per version, shared with the building links). It is
reprojected by us (`gis.geodesy`, the official grids) into the cadastral layer's storage CRS
-- the database's own PROJ may lack the grids -- and joined there; each parcel it meets is
kept with the overlap (m2) and the share of the footprint on it, largest first, in the BIM
version's record (``bim.parcels`` of its stored report).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import shapely
from sqlalchemy import Connection, Engine, update

from gis import registry
from gis.bim import parcels_sql as sql
from gis.bim.footprint import fetch_rows, model_footprint, moved_xy
from gis.errors import IngestError
from gis.geodesy import transformer
from gis.schema import ID_COLUMN, current_relation
from gis.schema.tables import layer_version


@dataclass(frozen=True)
class ParcelLink:
    parcel: str
    overlap_m2: float
    share: float


def link_parcels(engine: Engine, bim_layer: str, cadastre_layer: str,
                 id_field: str | None = None) -> list[ParcelLink]:
    """The parcels of ``cadastre_layer`` under the current model of ``bim_layer``, stored
    in the model's current version record."""
    with engine.begin() as conn:
        bim = registry.get_layer(conn, bim_layer)
        cadastre = registry.get_layer(conn, cadastre_layer)
        if bim.spec.kind != "bim" or bim.current_version is None:
            raise IngestError(bim_layer, "not a loaded BIM layer")
        if cadastre.current_version is None:
            raise IngestError(cadastre_layer, "the cadastral layer holds no data")
        key = _key_column(conn, cadastre_layer, id_field or cadastre.spec.id_field)
        shape = model_footprint(conn, bim_layer, bim.current_version)
        if bim.storage_srid != cadastre.storage_srid:
            move = transformer(bim.storage_srid, cadastre.storage_srid)
            shape = shapely.transform(shape, lambda xy: moved_xy(move, xy))
        rows = fetch_rows(conn, sql.parcels_under(current_relation(cadastre_layer), key),
                      {"wkb": shapely.to_wkb(shape), "srid": cadastre.storage_srid})
        links = [ParcelLink(str(r[0]), float(r[1]), float(r[2] or 0.0)) for r in rows]
        _record(conn, bim_layer, bim.current_version, cadastre_layer, links)
    return links


def _key_column(conn: Connection, layer_id: str, wanted: str | None) -> str:
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(sql.column_names(current_relation(layer_id)))
        names = [str(c.name) for c in cursor.description or ()]
    if wanted is None:
        return ID_COLUMN
    found = next((n for n in names if n == wanted), None) or next(
        (n for n in names if n.lower() == wanted.lower()), None)
    if found is None:
        raise IngestError(layer_id, f"no parcel id column {wanted!r} ({', '.join(names)})")
    return found


def _record(conn: Connection, layer_id: str, version: int, cadastre: str,
            links: list[ParcelLink]) -> None:
    current = next(v for v in registry.history(conn, layer_id) if v.version == version)
    quality = dict(current.quality or {})
    record = dict(quality.get("bim") or {})
    record["parcels"] = {"layer": cadastre, "parcels": [asdict(link) for link in links]}
    quality["bim"] = record
    conn.execute(update(layer_version).where(layer_version.c.load_id == current.load_id)
                 .values(quality=quality))
