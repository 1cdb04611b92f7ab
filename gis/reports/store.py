"""Reports in the store: the layer set up on first use, reports made, read, moved on.

A report is created through `gis.edit.create_feature` and its status moved through
`gis.edit.update_feature`: the same validation, row versions, change log and edit counter
as a Part 4 edit from QGIS, so every path leaves the same trace. The trigger installed with
the table (migration ``0016_reports``) guards and logs every status change, including
those this module never sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from sqlalchemy import Connection

from gis import edit, registry
from gis.anonymise import published_columns, refresh_published_view
from gis.edit_sql import bump_edit_seq
from gis.errors import LayerNotFound, ReportError, ReportNotFound
from gis.model import Layer, VersionStats
from gis.reports import reports_sql as q
from gis.reports.config import PERSONAL, ReportsConfig
from gis.reports.photos import CleanPhoto
from gis.reports.workflow import Status, as_status, check_transition
from gis.schema import current_relation

CRS84 = edit.SourceCrs(4326, False)


@dataclass(frozen=True)
class NewReport:
    category: str
    description: str
    lon: float
    lat: float
    email: str | None
    location_source: str  # "map", "form", "photo"
    photo: CleanPhoto | None


@dataclass(frozen=True)
class Report:
    """One report; the personal fields are None in the public form."""

    number: int
    category: str
    status: Status
    created_at: datetime
    updated_at: datetime
    lon: float
    lat: float
    photo_published: bool
    description: str | None = None
    email: str | None = None
    location_source: str | None = None
    has_photo: bool | None = None


@dataclass(frozen=True)
class StatusChange:
    from_status: str | None
    to_status: str
    changed_at: datetime


@dataclass(frozen=True)
class Notice:
    """A status change to tell the reporter about."""

    change_id: int
    number: int
    from_status: str
    to_status: str
    changed_at: datetime
    email: str
    category: str


def _rows(conn: Connection, statement: sql.SQL | sql.Composed, params: dict[str, Any] | None = None
          ) -> list[tuple[Any, ...]]:
    driver: psycopg.Connection[Any] = conn.connection.driver_connection  # type: ignore[assignment]
    with driver.cursor() as cursor:
        cursor.execute(statement, params or {})
        return list(cursor.fetchall()) if cursor.description else []


def ensure_layer(conn: Connection, config: ReportsConfig, default_storage_crs: str) -> Layer:
    """The reports layer, registered and given its (empty) table on first use.

    Its declaration follows ``config/reports.yml``; the table is created as version 1 of the
    layer, so the OGC API, tiles and the catalogue serve it like any loaded layer.
    """
    spec = config.layer_spec()
    try:
        layer = registry.get_layer(conn, spec.id)
    except LayerNotFound:
        layer = None
    if layer is not None and layer.current_version is not None and layer.spec == spec:
        return layer
    _rows(conn, q.lock_layer_setup())
    if layer is None or layer.spec != spec:
        layer = registry.register(conn, spec, default_storage_crs)
    schema, table = current_relation(layer.table)
    if not _rows(conn, q.table_exists(), {"schema": schema, "table": table})[0][0]:
        for statement in q.create_table(layer.table, layer.storage_srid):
            _rows(conn, statement)
    if layer.current_version is None:
        load_id = registry.start_load(conn, layer.id, "twin reports", None)
        registry.publish_version(conn, load_id, layer.id, datetime.now(UTC),
                                 VersionStats(0, "Point", None,
                                              list(config.area) if config.area else None,
                                              None))
        refresh_published_view(conn, layer)
    return registry.get_layer(conn, layer.id)


def submit(conn: Connection, layer: Layer, config: ReportsConfig, report: NewReport) -> int:
    """Store a report (and its cleaned photo); returns its number."""
    if report.category not in config.categories:
        raise ReportError(f"category: {report.category!r} is not one of "
                          f"{', '.join(config.categories)}", "category")
    if not (-180 <= report.lon <= 180 and -90 <= report.lat <= 90):
        raise ReportError("location: longitude and latitude in degrees (WGS 84) expected",
                          "location")
    if not config.covers(report.lon, report.lat):
        raise ReportError("location: outside the commune's area; a report must be on its "
                          "territory", "area")
    feature = {"type": "Feature",
               "geometry": {"type": "Point", "coordinates": [report.lon, report.lat]},
               "properties": {"category": report.category, "status": "new",
                              "description": report.description, "email": report.email,
                              "location_source": report.location_source,
                              "has_photo": report.photo is not None,
                              "photo_published": False}}
    number, _ = edit.create_feature(conn, layer, feature, CRS84, None)
    if report.photo is not None:
        _rows(conn, q.insert_photo(), {"fid": number, "media": report.photo.media_type,
                                       "content": report.photo.content})
    return number


def _public(row: tuple[Any, ...]) -> Report:
    return Report(int(row[0]), row[1], as_status(row[2]), row[3], row[4], float(row[5]),
                  float(row[6]), bool(row[7]))


def _full(row: tuple[Any, ...]) -> Report:
    (number, category, status, created, updated, lon, lat, description, email, source,
     has_photo, photo_published) = row
    return Report(int(number), category, as_status(status), created, updated, float(lon),
                  float(lat), bool(photo_published), description, email, source,
                  bool(has_photo))


def _known(number: int) -> int:
    """A number that can be a report's (fids are positive bigints), else not found."""
    if not 0 < number < 2**63:
        raise ReportNotFound(f"no report number {number}")
    return number


def public_report(conn: Connection, layer: Layer, number: int) -> Report:
    """The report as anyone sees it (from the published view: snapped point, no personal
    field)."""
    _known(number)
    rows = _rows(conn, q.public_report(layer.table), {"fid": number})
    if not rows:
        raise ReportNotFound(f"no report number {number}")
    return _public(rows[0])


def staff_reports(conn: Connection, layer: Layer, status: Status | None = None,
                  number: int | None = None, limit: int = 500) -> list[Report]:
    """Full reports (staff only: e-mails, descriptions), newest first."""
    rows = _rows(conn, q.staff_reports(layer.table, number is not None, status is not None),
                 {"fid": number, "status": status, "limit": limit})
    return [_full(row) for row in rows]


def history(conn: Connection, number: int) -> list[StatusChange]:
    return [StatusChange(*row) for row in _rows(conn, q.status_history(), {"fid": number})]


def set_status(conn: Connection, layer: Layer, number: int, target: Status,
               key_id: str | None, publish_photo: bool | None = None) -> Status:
    """Move a report to ``target`` (checked against the workflow); returns the old status."""
    _known(number)
    rows = _rows(conn, q.current_status(layer.table), {"fid": number})
    if not rows:
        raise ReportNotFound(f"no report number {number}")
    current = as_status(rows[0][0])
    if target != current:
        check_transition(current, target)
    properties: dict[str, Any] = {"status": target}
    if publish_photo is not None:
        properties["photo_published"] = publish_photo
    edit.update_feature(conn, layer, number, {"properties": properties}, CRS84, key_id, None)
    return current


def photo(conn: Connection, number: int) -> tuple[str, bytes] | None:
    rows = _rows(conn, q.read_photo(), {"fid": _known(number)})
    return (rows[0][0], bytes(rows[0][1])) if rows else None


def pending_notices(conn: Connection, layer: Layer) -> list[Notice]:
    return [Notice(*row) for row in _rows(conn, q.pending_notices(layer.table))]


def mark_notified(conn: Connection, notice: Notice) -> None:
    _rows(conn, q.mark_notified(), {"id": notice.change_id})


def locate(conn: Connection, layer: Layer, field: str, value: str) -> tuple[float, float]:
    """(lon, lat) of the place the citizen typed, read from what the public may see of the
    commune's layer (its published view): a report never reveals more than the portal."""
    if field not in published_columns(conn, layer.table):
        raise ReportError(f"{field!r} is not a published field of layer {layer.id!r}",
                          "parcel")
    rows = _rows(conn, q.locate(layer.table, field), {"value": value})
    if not rows:
        raise ReportError(f"parcel: nothing called {value!r} in {layer.id}", "parcel")
    return float(rows[0][0]), float(rows[0][1])


@dataclass(frozen=True)
class Forgotten:
    """What a retention purge removed."""

    emails: int  # reports whose e-mail address was cleared
    logged: int  # change-log entries whose personal fields were blanked


def forget_emails(conn: Connection, layer: Layer, before: datetime) -> Forgotten:
    """The retention purge: clear the reporters' e-mail addresses of reports made before
    ``before`` and blank every personal field in the Part 4 change log's images of those
    reports (the edits staff make in QGIS log whole rows), in the caller's transaction.

    The live report keeps its description and photo flag (staff still handle it); the log,
    which only keeps history, keeps no personal value past the retention period.
    """
    cleared = _rows(conn, q.forget_emails(layer.table), {"before": before})
    logged = _rows(conn, q.forget_logged_personal_fields(layer.table), {
        "before": before, "layer": layer.id, "keys": list(PERSONAL),
        "blank": Jsonb(dict.fromkeys(PERSONAL))})
    if cleared:  # a new row version: ETags and cached tiles of the raw table move on
        _rows(conn, bump_edit_seq(), {"layer": layer.id})
    return Forgotten(len(cleared), len(logged))
