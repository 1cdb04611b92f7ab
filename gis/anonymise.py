"""Anonymisation at publication: the rule-applied view every outside output reads.

For each vector layer the store keeps the raw table ``data."<id>"`` (staff only) and a view
``publish."<id>"`` that applies the layer's `AnonymisationRule`s field by field:

* ``drop`` -- the field is not in the view;
* ``generalise`` -- dates to their year or month, points (or the layer geometry) to the
  centroid snapped to a grid in metres, numbers to the label of their class;
* ``hash`` -- an HMAC-SHA256 pseudonym keyed with the deployment secret, for *shared* layers
  only: a pseudonym is still personal data, so an open layer drops the field instead;
* ``suppress`` -- small-cell suppression: a value shared by fewer than ``min_count`` rows is
  blanked (it would single people out), and `counts_by` never reports a cell below k.

The view is recreated by `refresh_published_view` after every load (inside the swap
transaction), every change of the declaration and every edit, so it always matches both.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass

from psycopg import sql
from sqlalchemy import Connection, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert

from gis import publish_sql as q
from gis.errors import InvalidLayerSpec
from gis.model import AnonymisationRule, Layer
from gis.schema import (
    DERIVED_GEOMETRIES,
    GEOMETRY_COLUMN,
    ID_COLUMN,
    PUBLISH_SCHEMA,
    current_relation,
    published_relation,
    small_cells_prefix,
)
from gis.schema.tables import pseudonym_secret
from gis.tables import join as joins

log = logging.getLogger(__name__)

MAIN_GEOMETRY = GEOMETRY_COLUMN
DERIVED_SRIDS = dict(DERIVED_GEOMETRIES)
SUPPRESS_DEFAULT_K = 5


@dataclass(frozen=True)
class SourceColumn:
    name: str
    type_name: str
    geometry_type: str
    srid: int

    @property
    def is_geometry(self) -> bool:
        return self.type_name == "geometry"


def _render(conn: Connection, statement: sql.Composable) -> str:
    driver = conn.connection.driver_connection
    return statement.as_string(driver)


def source_columns(conn: Connection, layer_id: str) -> list[SourceColumn]:
    """The columns of the raw table, in order (empty when the layer holds no data yet)."""
    relation = _render(conn, sql.Identifier(*current_relation(layer_id)))
    rows = conn.execute(text(q.COLUMNS.replace("%(relation)s", ":relation")),
                        {"relation": relation})
    return [SourceColumn(*row) for row in rows]


def set_pseudonym_secret(conn: Connection, secret: str | None) -> None:
    """Store (or clear) the key of the keyed hash; views read it when they are queried."""
    if not secret:
        conn.execute(delete(pseudonym_secret))
        return
    statement = insert(pseudonym_secret).values(one=True, secret=secret)
    conn.execute(statement.on_conflict_do_update(
        index_elements=[pseudonym_secret.c.one], set_={"secret": statement.excluded.secret}))


def has_pseudonym_secret(conn: Connection) -> bool:
    return bool(conn.execute(select(func.count()).select_from(pseudonym_secret)).scalar_one())


def _is_geographic(conn: Connection, srid: int) -> bool:
    return bool(conn.execute(
        text("SELECT proj4text LIKE '%+proj=longlat%' FROM spatial_ref_sys WHERE srid = :s"),
        {"s": srid}).scalar())


def _generalised(conn: Connection, layer: Layer, col: SourceColumn,
                 rule: AnonymisationRule) -> list[sql.Composable]:
    params = rule.params
    if "to" in params:
        if params["to"] not in ("year", "month"):
            raise InvalidLayerSpec(f"{layer.id}.{col.name}: generalise 'to' is year or month")
        return [q.date_part(col.name, col.type_name, params["to"])]
    if "classes" in params:
        bounds = sorted(float(b) for b in params["classes"])
        if not bounds or col.type_name not in q.NUMBER_TYPES:
            raise InvalidLayerSpec(
                f"{layer.id}.{col.name}: classes need a numeric field and at least one bound")
        return [q.number_classes(col.name, bounds)]
    if not col.is_geometry:
        raise InvalidLayerSpec(f"{layer.id}.{col.name}: a grid applies to geometries only")
    grid = float(params["grid"])
    if grid <= 0:
        raise InvalidLayerSpec(f"{layer.id}.{col.name}: grid must be > 0 metres")
    srid = col.srid or layer.storage_srid
    snapped = q.snapped_point(col.name, grid, srid, _is_geographic(conn, srid))
    items = [q.as_alias(snapped, col.name)]
    if col.name == MAIN_GEOMETRY:
        items += [q.as_alias(q.transformed(snapped, s), n) for n, s in DERIVED_SRIDS.items()]
    return items


def _select_item(conn: Connection, layer: Layer, col: SourceColumn,
                 rule: AnonymisationRule | None, secret: bool) -> list[sql.Composable]:
    """The view's expression(s) for one source column under its rule (none = dropped)."""
    if rule is None:
        return [q.column(col.name)]
    if rule.rule == "drop":
        return []
    if rule.rule == "hash":
        if layer.spec.access_level == "shared" and secret:
            return [q.keyed_hash(col.name)]
        return []  # open layers (and a deployment without secret) drop pseudonyms
    if rule.rule == "suppress":
        k = int(rule.params.get("min_count", SUPPRESS_DEFAULT_K))
        cells = q.small_cells_relation(layer.id, col.name)
        source = sql.Identifier(*current_relation(layer.table))
        conn.exec_driver_sql(_render(conn, q.create_cells_table(source, cells, col.name, k)))
        return [q.suppressed_small_cell(col.name, cells)]
    return _generalised(conn, layer, col, rule)


def _drop_helpers(conn: Connection, layer_id: str) -> None:
    conn.exec_driver_sql(_render(conn, q.drop_published(layer_id)))
    prefix = small_cells_prefix(layer_id)
    for (name,) in conn.execute(text(q.HELPER_TABLES), {"schema": PUBLISH_SCHEMA, "p": prefix}):
        conn.exec_driver_sql(_render(conn, sql.SQL("DROP TABLE IF EXISTS {}").format(
            sql.Identifier(PUBLISH_SCHEMA, name))))


def refresh_published_view(conn: Connection, layer: Layer) -> bool:
    """(Re)create ``publish."<id>"`` from the raw table and the layer's rules.

    Returns False when the layer holds no data table (nothing to publish yet). Runs in the
    caller's transaction, so a load and its view become visible together.
    """
    _drop_helpers(conn, layer.id)
    columns = source_columns(conn, layer.table)
    if not columns:
        return False
    rules = layer.spec.personal_fields
    unknown = sorted(set(rules) - {c.name for c in columns})
    if unknown:
        log.warning("layer %s: personal fields not in the data: %s", layer.id, unknown)
    secret = has_pseudonym_secret(conn)
    generalised_geometry = MAIN_GEOMETRY in rules and rules[MAIN_GEOMETRY].rule == "generalise"
    select_list: list[sql.Composable] = []
    for col in columns:
        if generalised_geometry and col.name in DERIVED_SRIDS:
            continue  # derived from the snapped geometry instead
        if col.name in (ID_COLUMN, *DERIVED_SRIDS) or (col.name == MAIN_GEOMETRY
                                                       and MAIN_GEOMETRY not in rules):
            select_list.append(q.column(col.name))
            continue
        if col.name == MAIN_GEOMETRY and rules[MAIN_GEOMETRY].rule != "generalise":
            raise InvalidLayerSpec(f"{layer.id}: the geometry can only be generalised")
        select_list += _select_item(conn, layer, col, rules.get(col.name), secret)
    view = sql.Identifier(*published_relation(layer.table))
    source = sql.Identifier(*current_relation(layer.table))
    statement = joins.view_statement(conn, layer, view, source, select_list)
    conn.exec_driver_sql(_render(conn, statement or q.create_view(view, source, select_list)))
    joins.refresh_joined_views(conn, layer)  # dropped with this view (CASCADE)
    return True


def published_columns(conn: Connection, layer_id: str) -> list[str]:
    """The column names of the published view (what outside callers may ever see)."""
    relation = _render(conn, sql.Identifier(*published_relation(layer_id)))
    rows = conn.execute(text(q.COLUMNS.replace("%(relation)s", ":relation")),
                        {"relation": relation})
    return [row[0] for row in rows]


def counts_by(conn: Connection, layer: Layer, field: str,
              min_count: int = SUPPRESS_DEFAULT_K) -> list[tuple[str | None, int | None]]:
    """Feature counts per value of a published field; cells below ``min_count`` -> None.

    A suppressed cell keeps its row (so totals stay honest about suppression) but shows no
    count. A field with a ``suppress`` rule uses its own k when it is larger.
    """
    if field not in published_columns(conn, layer.id):
        raise InvalidLayerSpec(f"{layer.id}: no published field {field!r}")
    rule = layer.spec.personal_fields.get(field)
    if rule is not None and rule.rule == "suppress":
        min_count = max(min_count, int(rule.params.get("min_count", SUPPRESS_DEFAULT_K)))
    view = sql.Identifier(*published_relation(layer.table))
    rows = conn.exec_driver_sql(_render(conn, q.counts_by(view, field)))
    return [(value, int(n) if n >= min_count else None) for value, n in rows]


def ensure_published_views(conn: Connection, layers: list[Layer]) -> list[str]:
    """Create the missing views of layers that hold data (e.g. loaded by an older release)."""
    created = []
    for layer in layers:
        exists = conn.execute(text("SELECT to_regclass(:v)"),
                              {"v": _render(conn, sql.Identifier(*published_relation(layer.table)))}
                              ).scalar()
        if exists is None and refresh_published_view(conn, layer):
            created.append(layer.id)
    return created


def sync_pseudonym_secret(conn: Connection, secret: str | None, layers: list[Layer]) -> bool:
    """Store the deployment's secret when it changed and rebuild the views that hash.

    Returns True when something changed. A missing secret leaves a stored one in place (a
    CLI run without the variable must not silently change every pseudonym).
    """
    if not secret:
        return False
    current = conn.execute(select(pseudonym_secret.c.secret)).scalar()
    if current is not None and hmac.compare_digest(current.encode(), secret.encode()):
        return False  # constant time: a secret is never compared with ==
    set_pseudonym_secret(conn, secret)
    for layer in layers:
        if any(rule.rule == "hash" for rule in layer.spec.personal_fields.values()):
            refresh_published_view(conn, layer)
    return True

