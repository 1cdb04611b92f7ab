"""Feature edits (create, replace, update, delete) with optimistic locking and a change log.

Edits write the raw table ``data."<id>"``; outside readers keep reading the rule-applied
view, so an edit is anonymised like a load. Each change is validated as the ingest
validates (geometry parses, is valid, non-empty and of the layer's family, properties exist
and cast to their column types), made under a row lock checked against the caller's ETag,
and logged with its before/after images in ``twin.feature_change`` (the feature's versions).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import psycopg
import shapely
import shapely.errors
from psycopg.types.json import Jsonb
from sqlalchemy import Connection

from gis import edit_sql as q
from gis.anonymise import SourceColumn, refresh_published_view, source_columns
from gis.errors import EditConflict, EditError, FeatureNotFound
from gis.ingest.geometry import web_mercator_xy
from gis.interpolated_transform import reproject_geometries
from gis.model import Layer
from gis.schema import DERIVED_GEOMETRIES, GEOMETRY_COLUMN, GEOMETRY_COLUMNS, ID_COLUMN

FAMILIES = {"POINT": "POINT", "MULTIPOINT": "POINT", "LINESTRING": "LINESTRING",
            "MULTILINESTRING": "LINESTRING", "POLYGON": "POLYGON", "MULTIPOLYGON": "POLYGON"}


@dataclass(frozen=True)
class SourceCrs:
    srid: int
    lat_lon: bool


def _cursor(conn: Connection) -> psycopg.Cursor[Any]:
    driver: psycopg.Connection[Any] = conn.connection.driver_connection  # type: ignore[assignment]
    return driver.cursor()


def _attributes(conn: Connection, layer: Layer) -> dict[str, SourceColumn]:
    return {c.name: c for c in source_columns(conn, layer.table)
            if c.name != ID_COLUMN and c.name not in GEOMETRY_COLUMNS}


def _text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    raise EditError(f"property {name!r}: unsupported value {value!r}")


def _properties(conn: Connection, layer: Layer, properties: Any,
                complete: bool) -> tuple[dict[str, str], dict[str, Any]]:
    """(column -> type, parameters) for the given properties; NULL for missing ones if complete."""
    if not isinstance(properties, dict):
        raise EditError("properties must be a JSON object")
    attributes = _attributes(conn, layer)
    unknown = sorted(set(properties) - set(attributes))
    if unknown:
        raise EditError(f"unknown properties: {', '.join(unknown)} "
                        f"(the layer has: {', '.join(attributes)})")
    names = list(attributes) if complete else list(properties)
    columns = {n: attributes[n].type_name for n in names}
    params = {f"p{i}": _text(properties.get(n), n) for i, n in enumerate(names)}
    return columns, params


def _stored_geometries(geometry: Any, crs: SourceCrs, storage_srid: int) -> dict[str, bytes]:
    """The incoming GeoJSON geometry as EWKB in each stored CRS, reprojected as the ingest
    does (`gis.ingest.batch`): storage and WGS 84 from the source CRS with pyproj and the
    shipped grids, Web Mercator from WGS 84 -- never by the server's ``ST_Transform``,
    which a PostGIS without the grids would run 13 cm off."""
    try:
        shape = shapely.from_geojson(json.dumps(geometry))
    except (shapely.errors.GEOSException, ValueError) as exc:
        raise EditError(f"geometry: {str(exc).splitlines()[0]}") from None
    if crs.lat_lon:
        shape = shapely.transform(shape, lambda c: c[:, [1, 0, *range(2, c.shape[1])]],
                                  include_z=None)
    source = np.array([shape], dtype=object)
    storage = reproject_geometries(source, f"EPSG:{crs.srid}", f"EPSG:{storage_srid}")
    wgs84 = reproject_geometries(source, f"EPSG:{crs.srid}", "EPSG:4326")
    mercator = shapely.transform(wgs84, _web_mercator, include_z=None)
    by_srid = {storage_srid: storage[0], 4326: wgs84[0], 3857: mercator[0]}
    out = {}
    for column, srid in ((GEOMETRY_COLUMN, storage_srid), *DERIVED_GEOMETRIES):
        moved = by_srid[srid]
        if not np.isfinite(shapely.get_coordinates(moved)).all():
            raise EditError(f"geometry: it cannot be transformed from EPSG:{crs.srid} to "
                            f"EPSG:{srid} (outside the area that transformation covers)")
        out[q.GEOMETRY_PARAMETERS[column]] = shapely.to_wkb(
            shapely.set_srid(moved, srid), include_srid=True)
    return out


def _web_mercator(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    out = coords.copy()
    out[:, :2] = web_mercator_xy(np.ascontiguousarray(coords[:, :2]))
    return out


def _geometry(conn: Connection, layer: Layer, geometry: Any, crs: SourceCrs
              ) -> tuple[dict[str, Any], bool]:
    """The geometry parameters after validation, and whether it must become a multi-type."""
    if not isinstance(geometry, dict) or "type" not in geometry:
        raise EditError("geometry: a GeoJSON geometry object is required")
    params: dict[str, Any] = {**_stored_geometries(geometry, crs, layer.storage_srid),
                              "table": layer.table}
    with _cursor(conn) as cursor:
        try:
            cursor.execute(q.inspect_geometry(), params)
        except psycopg.Error as exc:
            raise EditError(f"geometry: {exc.diag.message_primary or exc}") from None
        valid, reason, kind, empty = cursor.fetchone() or (False, "unreadable", "", True)
        cursor.execute(q.table_geometry_type(), params)
        row = cursor.fetchone()
    target = str(row[0]).upper() if row else "GEOMETRY"
    if empty:
        raise EditError("geometry: empty geometries are not stored")
    if not valid:
        raise EditError(f"geometry: invalid ({reason})")
    if target in FAMILIES and FAMILIES.get(str(kind).upper()) != FAMILIES[target]:
        raise EditError(f"geometry: a {kind} cannot go into a {target} layer")
    return params, target.startswith("MULTI") and not str(kind).upper().startswith("MULTI")


def _run(conn: Connection, statement: Any, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with _cursor(conn) as cursor:
        try:
            cursor.execute(statement, params)
        except psycopg.errors.DataError as exc:
            raise EditError(f"properties: {exc.diag.message_primary or exc}") from None
        return list(cursor.fetchall()) if cursor.description else []


def _locked(conn: Connection, layer: Layer, fid: int, if_match: str | None
            ) -> dict[str, Any]:
    rows = _run(conn, q.locked_row(layer.table), {"fid": fid})
    if not rows:
        raise FeatureNotFound(layer.id, fid)
    etag, before = rows[0]
    if if_match is not None and if_match.strip() != "*" and etag not in _tags(if_match):
        raise EditConflict(f"feature {fid} of {layer.id!r} was changed since it was read "
                           "(If-Match does not match its ETag)")
    return dict(before)


def _tags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/").strip('"') for t in header.split(",")}


def etag(conn: Connection, layer: Layer, fid: int) -> str | None:
    rows = _run(conn, q.row_etag(layer.table), {"fid": fid})
    return str(rows[0][0]) if rows else None


def _after(conn: Connection, layer: Layer, fid: int, operation: str, key_id: str | None,
           before: dict[str, Any] | None) -> str | None:
    after = None
    if operation != "delete":
        rows = _run(conn, q.locked_row(layer.table), {"fid": fid})
        after = dict(rows[0][1])
    _run(conn, q.bump_edit_seq(), {"layer": layer.id})
    _run(conn, q.log_change(), {
        "layer": layer.id, "fid": fid, "operation": operation, "key": key_id,
        "before": Jsonb(before) if before is not None else None,
        "after": Jsonb(after) if after is not None else None})
    if any(rule.rule == "suppress" for rule in layer.spec.personal_fields.values()):
        refresh_published_view(conn, layer)  # small-cell tables follow the data
    return etag(conn, layer, fid) if operation != "delete" else None


def create_feature(conn: Connection, layer: Layer, feature: dict[str, Any], crs: SourceCrs,
                   key_id: str | None) -> tuple[int, str]:
    """Insert a GeoJSON feature; returns (fid, ETag)."""
    columns, params = _properties(conn, layer, feature.get("properties") or {}, complete=True)
    geometry, multi = _geometry(conn, layer, feature.get("geometry"), crs)
    rows = _run(conn, q.insert_feature(layer.table, columns, multi),
                {**params, **geometry})
    fid = int(rows[0][0])
    tag = _after(conn, layer, fid, "create", key_id, None)
    assert tag is not None
    return fid, tag


def replace_feature(conn: Connection, layer: Layer, fid: int, feature: dict[str, Any],
                    crs: SourceCrs, key_id: str | None, if_match: str | None) -> str:
    """Replace properties and geometry of a feature (missing properties become NULL)."""
    before = _locked(conn, layer, fid, if_match)
    columns, params = _properties(conn, layer, feature.get("properties") or {}, complete=True)
    geometry, multi = _geometry(conn, layer, feature.get("geometry"), crs)
    _run(conn, q.update_feature(layer.table, columns, True, multi),
         {**params, **geometry, "fid": fid})
    tag = _after(conn, layer, fid, "replace", key_id, before)
    assert tag is not None
    return tag


def update_feature(conn: Connection, layer: Layer, fid: int, patch: dict[str, Any],
                   crs: SourceCrs, key_id: str | None, if_match: str | None) -> str:
    """A JSON merge patch: given properties change (null clears), a geometry replaces."""
    before = _locked(conn, layer, fid, if_match)
    columns, params = _properties(conn, layer, patch.get("properties") or {}, complete=False)
    geometry: dict[str, Any] = {}
    multi = False
    if patch.get("geometry") is not None:
        geometry, multi = _geometry(conn, layer, patch["geometry"], crs)
    if columns or geometry:
        _run(conn, q.update_feature(layer.table, columns, bool(geometry), multi),
             {**params, **geometry, "fid": fid})
    tag = _after(conn, layer, fid, "update", key_id, before)
    assert tag is not None
    return tag


def delete_feature(conn: Connection, layer: Layer, fid: int, key_id: str | None,
                   if_match: str | None) -> None:
    before = _locked(conn, layer, fid, if_match)
    _run(conn, q.delete_feature(layer.table), {"fid": fid})
    _after(conn, layer, fid, "delete", key_id, before)


def changes(conn: Connection, layer_id: str, fid: int) -> list[dict[str, Any]]:
    """The versions of one feature, oldest first (operation, key, before, after, time)."""
    rows = _run(conn, q.feature_changes(), {"layer": layer_id, "fid": fid})
    return [dict(zip(("operation", "key_id", "before", "after", "at"), r, strict=True))
            for r in rows]
