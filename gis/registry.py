"""The layer registry: declare layers, read them back with what the store holds now.

The registry row keeps the declared spec as JSON (so new spec fields need no migration) next to
the columns SQL filters on (access level, storage SRID, current version).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    func,
    insert,
    select,
    table,
    text,
    update,
)
from sqlalchemy import column as sa_column
from sqlalchemy.dialects.postgresql import insert as pg_insert

from gis.anonymise import refresh_published_view
from gis.errors import InvalidLayerSpec, LayerNotFound
from gis.geodesy import epsg_code, parse_crs
from gis.model import Layer, LayerSpec, LayerVersion, VersionStats
from gis.schema import (
    DATA_SCHEMA,
    GEOMETRY_COLUMNS,
    ID_COLUMN,
    PUBLISH_SCHEMA,
    Relation,
)
from gis.schema.tables import feature_change, layer_version
from gis.schema.tables import layer as layer_table


def load_manifest(path: Path) -> list[LayerSpec]:
    """Layer specs from a YAML manifest; ``defaults`` apply to every entry of ``layers``.

    Relative ``source`` paths are joined to the manifest's path as given, not made absolute
    (``config/layers.yml`` with ``../data/x.gpkg`` is ``data/x.gpkg``): loads and their
    quality reports name a file as the user would, not by this machine's folders. Errors
    name the file, the entry and the field.
    """
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidLayerSpec(f"{path}: cannot read manifest: {exc}") from exc
    defaults: dict[str, Any] = document.get("defaults", {}) or {}
    specs: list[LayerSpec] = []
    for index, entry in enumerate(document.get("layers", []) or []):
        merged = {**defaults, **entry}
        source = merged.get("source")
        if source and not Path(source).is_absolute() and "://" not in source:
            merged["source"] = os.path.normpath(path.parent / source)
        specs.append(parse_spec(merged, where=f"{path}: layers[{index}]"))
    ids = [s.id for s in specs]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InvalidLayerSpec(f"{path}: layer ids declared twice: {', '.join(duplicates)}")
    return specs


def parse_spec(data: dict[str, Any], where: str = "layer") -> LayerSpec:
    """A validated spec, or `InvalidLayerSpec` listing every broken field."""
    try:
        return LayerSpec.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'entry'}: {err['msg']}"
            for err in exc.errors()
        )
        label = data.get("id", "?")
        raise InvalidLayerSpec(f"{where} ({label}): {problems}") from exc


def register(conn: Connection, spec: LayerSpec, default_storage_crs: str) -> Layer:
    """Create or update a layer's declaration; its data and versions are untouched.

    The storage CRS of a layer that already holds data cannot change (it would silently
    reinterpret its coordinates): re-ingest into a new layer instead.
    """
    srid = epsg_code(parse_crs(spec.storage_crs or default_storage_crs))
    existing = conn.execute(
        select(layer_table.c.storage_srid, layer_table.c.current_version).where(
            layer_table.c.id == spec.id
        )
    ).one_or_none()
    if existing and existing.current_version is not None and existing.storage_srid != srid:
        raise InvalidLayerSpec(
            f"layer {spec.id!r} is stored in EPSG:{existing.storage_srid}; "
            f"it cannot move to EPSG:{srid} in place"
        )
    payload = spec.model_dump(mode="json")
    statement = pg_insert(layer_table).values(
        id=spec.id, kind=spec.kind, spec=payload, access_level=spec.access_level,
        storage_srid=srid, created_at=func.now(), updated_at=func.now(),
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[layer_table.c.id],
            set_={"kind": spec.kind, "spec": payload, "access_level": spec.access_level,
                  "storage_srid": srid, "updated_at": func.now()},
        )
    )
    layer = get_layer(conn, spec.id)
    refresh_published_view(conn, layer)  # the rules or the access level may have changed
    return layer


def _current_versions() -> Any:
    return (
        select(layer_version)
        .where(layer_version.c.status == "current")
        .subquery("current_version")
    )


def _layer_query() -> Any:
    current = _current_versions()
    return select(layer_table, current).select_from(
        layer_table.outerjoin(current, current.c.layer_id == layer_table.c.id)
    )


def _row_to_layer(row: Row[Any]) -> Layer:
    data = row._mapping
    extent = data["extent"]
    extent_4326 = data["extent_4326"]
    return Layer(
        spec=LayerSpec.model_validate(data["spec"]),
        storage_srid=data["storage_srid"],
        current_version=data["current_version"],
        feature_count=data["feature_count"],
        geometry_type=data["geometry_type"],
        extent=tuple(extent) if extent else None,
        extent_4326=tuple(extent_4326) if extent_4326 else None,
        last_load=data["finished_at"],
        quality=data["quality"],
        created_at=data["created_at"],
        updated_at=data["updated_at"],
        edit_seq=data["edit_seq"],
    )


def get_layer(conn: Connection, layer_id: str) -> Layer:
    row = conn.execute(_layer_query().where(layer_table.c.id == layer_id)).one_or_none()
    if row is None:
        raise LayerNotFound(layer_id)
    return _row_to_layer(row)


def list_layers(conn: Connection, kinds: Iterable[str] | None = None) -> list[Layer]:
    query = _layer_query().order_by(layer_table.c.id)
    if kinds is not None:
        query = query.where(layer_table.c.kind.in_(list(kinds)))
    return [_row_to_layer(row) for row in conn.execute(query)]


def superseded_versions(conn: Connection, layer_id: str) -> list[int]:
    """The superseded (not yet pruned) version numbers of a layer, newest first."""
    rows = conn.execute(
        select(layer_version.c.version)
        .where(layer_version.c.layer_id == layer_id, layer_version.c.status == "superseded")
        .order_by(layer_version.c.version.desc())
    )
    return [int(row[0]) for row in rows]


def mark_pruned(conn: Connection, layer_id: str, versions: Iterable[int]) -> None:
    """Record that these versions' data is gone (their lifespans and statistics stay)."""
    conn.execute(
        update(layer_version)
        .where(layer_version.c.layer_id == layer_id,
               layer_version.c.version.in_(list(versions)))
        .values(status="pruned")
    )


def history(conn: Connection, layer_id: str) -> list[LayerVersion]:
    """Every load of a layer, newest first, failed ones included (with their reason)."""
    get_layer(conn, layer_id)
    rows = conn.execute(
        select(layer_version)
        .where(layer_version.c.layer_id == layer_id)
        .order_by(layer_version.c.load_id.desc())
    )
    versions = []
    for row in rows:
        data = dict(row._mapping)
        data.pop("footprint", None)
        data["extent"] = tuple(data["extent"]) if data["extent"] else None
        data["extent_4326"] = tuple(data["extent_4326"]) if data["extent_4326"] else None
        versions.append(LayerVersion.model_validate(data))
    return versions


def start_load(conn: Connection, layer_id: str, source: str, checksum: str | None) -> int:
    """Record a load in progress (committed apart, so a crash leaves a trace). ``checksum``
    may be None while it is still being computed: `publish_version` (a ``checksum`` in its
    stats) or `fail_load` records it."""
    return int(
        conn.execute(
            insert(layer_version)
            .values(layer_id=layer_id, status="loading", source=source, checksum=checksum)
            .returning(layer_version.c.load_id)
        ).scalar_one()
    )


def fail_load(conn: Connection, load_id: int, error: str, quality: dict[str, Any] | None,
              checksum: str | None = None) -> None:
    values: dict[str, Any] = {"status": "failed", "error": error, "quality": quality,
                              "finished_at": func.now()}
    if checksum is not None:
        values["checksum"] = checksum
    conn.execute(update(layer_version).where(layer_version.c.load_id == load_id).values(values))


def abandon_stale_loads(conn: Connection, layer_id: str) -> int:
    """Mark loads left 'loading' by a killed process as failed; returns how many."""
    result = conn.execute(
        update(layer_version)
        .where(layer_version.c.layer_id == layer_id, layer_version.c.status == "loading")
        .values(status="failed", error="interrupted (process or database stopped mid-load)",
                finished_at=func.now())
    )
    return int(result.rowcount or 0)


def publish_version(
    conn: Connection,
    load_id: int,
    layer_id: str,
    valid_from: datetime,
    stats: VersionStats,
) -> int:
    """Close the current version and make ``load_id`` the next one; returns its number.

    Runs inside the swap transaction: either the new data and its registry entry are both
    visible, or neither.
    """
    values = stats.columns()
    if stats.with_footprint and stats.extent_4326 is not None:
        west, south, east, north = stats.extent_4326
        values["footprint"] = func.ST_MakeEnvelope(west, south, east, north, 4326)
    previous = conn.execute(
        select(func.max(layer_version.c.version)).where(layer_version.c.layer_id == layer_id)
    ).scalar()
    version = int(previous or 0) + 1
    conn.execute(
        update(layer_version)
        .where(layer_version.c.layer_id == layer_id, layer_version.c.status == "current")
        .values(status="superseded", end_lifespan=valid_from)
    )
    conn.execute(
        update(layer_version)
        .where(layer_version.c.load_id == load_id)
        .values(status="current", version=version, begin_lifespan=valid_from,
                finished_at=func.now(), **values)
    )
    conn.execute(
        update(layer_table)
        .where(layer_table.c.id == layer_id)
        .values(current_version=version, updated_at=func.now())
    )
    return version


# --- what the service reads of the registry (typed: twin never queries these tables) --------
@dataclass(frozen=True)
class LayerStamp:
    """What moves in a layer's registry row whenever anything served from it changes:
    a (re-)registration sets ``updated_at``, a load ``current_version``, an edit ``edit_seq``."""

    layer_id: str
    kind: str
    current_version: int | None
    updated_at: datetime
    edit_seq: int


def layer_stamps(conn: Connection) -> list[LayerStamp]:
    """Every layer's stamp (any kind), by id: one primary-key read, as small as the
    registry."""
    rows = conn.execute(
        select(layer_table.c.id, layer_table.c.kind, layer_table.c.current_version,
               layer_table.c.updated_at, layer_table.c.edit_seq).order_by(layer_table.c.id))
    return [LayerStamp(row[0], row[1], row[2], row[3], int(row[4])) for row in rows]


def stamped(layer_id: ColumnElement[str], *leading: ColumnElement[Any]) -> Select[Any]:
    """``(*leading, current_version, edit_seq)`` of one layer, read in one snapshot with
    whatever ``leading`` computes (a vector tile, say): no row when the layer is gone."""
    return select(*leading, layer_table.c.current_version, layer_table.c.edit_seq).where(
        layer_table.c.id == layer_id)


@dataclass(frozen=True)
class LoadDates:
    """A layer's true dates: issued = its first successful load, modified = its last load
    or edit (OGC API Features Part 4), whichever is later; period_start = its first
    version's ``begin_lifespan``."""

    issued: datetime | None
    modified: datetime | None
    period_start: datetime | None


def load_dates(conn: Connection, layer_ids: Iterable[str]) -> dict[str, LoadDates]:
    """`LoadDates` of each layer that has ever loaded (the last edit is one index lookup on
    ``feature_change (layer_id, at)``, not a scan of the change log)."""
    v, c = layer_version, feature_change
    last_edit = (select(func.max(c.c.at)).where(c.c.layer_id == v.c.layer_id)
                 .correlate(v).scalar_subquery())
    rows = conn.execute(
        select(v.c.layer_id, func.min(v.c.finished_at),
               func.greatest(func.max(v.c.finished_at), last_edit), func.min(v.c.begin_lifespan))
        .where(v.c.version.is_not(None), v.c.layer_id.in_(list(layer_ids)))
        .group_by(v.c.layer_id))
    return {row[0]: LoadDates(row[1], row[2], row[3]) for row in rows}


def load_period(conn: Connection, layer_ids: Iterable[str]) -> tuple[datetime | None,
                                                                      datetime | None]:
    """(first, last) successful load over the given layers."""
    v = layer_version
    row = conn.execute(
        select(func.min(v.c.finished_at), func.max(v.c.finished_at))
        .where(v.c.version.is_not(None), v.c.layer_id.in_(list(layer_ids)))).one()
    return row[0], row[1]


#: raw tables (staff) and rule-applied views (everyone else): the relations a read may use
READABLE_SCHEMAS = (DATA_SCHEMA, PUBLISH_SCHEMA)
_COLUMNS = text(
    "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
    "WHERE table_schema = ANY(:schemas) AND table_name = ANY(:tables) "
    "ORDER BY table_schema, table_name, ordinal_position"
)


def attribute_columns(conn: Connection, layer_ids: Iterable[str]
                      ) -> dict[Relation, list[tuple[str, str]]]:
    """(name, PostgreSQL type) of the attribute columns -- neither the id nor a geometry --
    of every relation the given layers may be read from, raw table and published view."""
    rows = conn.execute(_COLUMNS, {"schemas": list(READABLE_SCHEMAS), "tables": list(layer_ids)})
    found: dict[Relation, list[tuple[str, str]]] = {}
    for schema, relation_name, name, pg_type in rows:
        columns = found.setdefault((schema, relation_name), [])
        if name != ID_COLUMN and name not in GEOMETRY_COLUMNS:
            columns.append((name, pg_type))
    return found


def value_range(conn: Connection, relation: Relation, column: str) -> tuple[Any, Any] | None:
    """(smallest, largest) value of ``column`` in a layer's relation; None when all null."""
    schema, name = relation
    values = table(name, sa_column(column), schema=schema).c[column]
    low, high = conn.execute(select(func.min(values), func.max(values))).one()
    return None if low is None else (low, high)


def row_count(conn: Connection, relation: Relation) -> int:
    """Rows in a layer's relation now (after edits, the load's count is out of date)."""
    schema, name = relation
    return int(conn.execute(select(func.count()).select_from(table(name, schema=schema)))
               .scalar_one())
