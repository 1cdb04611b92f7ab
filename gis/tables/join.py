"""Joins that make tables spatial: the published view of a joined table, its refresh when
either side changes, and the rows that match nothing.

A table layer declaring ``join: {layer: sectors, on: sector_code}`` is published as its
rule-applied rows with the geometries of ``publish."sectors"`` (so the spatial layer's own
rules, e.g. a generalised geometry, hold in the join too); the view has the vector layers'
geometry columns, hence collections, vector tiles and styles like any spatial layer. The
view is made in the transaction that makes the table's view (`gis.anonymise`), and remade
in the transaction that remakes the spatial layer's view (each of its loads, declaration
changes and edits), which drops it with ``CASCADE``.
"""

from __future__ import annotations

import logging

from psycopg import sql as psql
from sqlalchemy import Connection, select

from gis.errors import InvalidLayerSpec
from gis.model import JoinSpec, Layer, QualityIssue
from gis.schema import GEOMETRY_COLUMNS, current_relation, published_relation
from gis.schema.tables import layer as layer_table
from gis.tables import sql

log = logging.getLogger(__name__)

#: unmatched rows listed one by one in the quality report (all of them are counted)
MAX_LISTED_UNMATCHED = 200


def _render(conn: Connection, statement: psql.Composable) -> str:
    return statement.as_string(conn.connection.driver_connection)


def columns_of(conn: Connection, schema: str, name: str) -> list[str]:
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(sql.relation_columns(), (schema, name))
        return [row[0] for row in cursor.fetchall()]


def view_statement(conn: Connection, layer: Layer, view: psql.Identifier,
                   source: psql.Identifier, select_list: list[psql.Composable]
                   ) -> psql.Composable | None:
    """The joined view of a table layer that declares a join; None for any other layer.

    Raises `InvalidLayerSpec` when the join names a column neither side has.
    """
    join = layer.spec.join
    if join is None or layer.spec.kind != "table":
        return None
    table_columns = columns_of(conn, *current_relation(layer.table))
    if join.on not in table_columns:
        raise InvalidLayerSpec(f"{layer.id}: join.on {join.on!r} is not a column of the table "
                               f"({', '.join(table_columns)})")
    target_columns = columns_of(conn, *published_relation(join.layer))
    if not target_columns:
        log.info("%s: join target %s holds no data yet; published without geometries",
                 layer.id, join.layer)
        nulls = [psql.SQL("NULL::geometry AS {}").format(psql.Identifier(c))
                 for c in GEOMETRY_COLUMNS]
        return psql.SQL("CREATE VIEW {} AS SELECT {} FROM {} AS t").format(
            view, psql.SQL(", ").join([*select_list, *nulls]), source)
    if join.target_column not in target_columns:
        raise InvalidLayerSpec(f"{layer.id}: join column {join.target_column!r} is not a "
                               f"published field of layer {join.layer!r}")
    return sql.joined_view(view, source, select_list, join.layer, join.on, join.target_column)


def joined_layer_ids(conn: Connection, target: str) -> list[str]:
    """The table layers joined to ``target`` (their views depend on its view)."""
    rows = conn.execute(select(layer_table.c.id).where(
        layer_table.c.kind == "table",
        layer_table.c.spec["join"]["layer"].astext == target).order_by(layer_table.c.id))
    return [row[0] for row in rows]


def refresh_joined_views(conn: Connection, target: Layer) -> list[str]:
    """Remake the views of the tables joined to ``target`` (its view was just remade, which
    dropped theirs); returns their ids."""
    from gis import registry  # registry -> anonymise -> here: import when called
    from gis.anonymise import refresh_published_view

    refreshed = []
    for layer_id in joined_layer_ids(conn, target.id):
        if refresh_published_view(conn, registry.get_layer(conn, layer_id)):
            refreshed.append(layer_id)
    return refreshed


def unmatched(conn: Connection, table: psql.Identifier, join: JoinSpec
              ) -> tuple[int, list[QualityIssue]]:
    """How many rows of ``table`` match no feature of the join's layer, and the first
    `MAX_LISTED_UNMATCHED` as quality issues (row id and key)."""
    if not columns_of(conn, *current_relation(join.layer)):
        return 0, []
    rows = conn.exec_driver_sql(_render(conn, sql.unmatched_rows(
        table, join.layer, join.on, join.target_column))).all()
    issues = [QualityIssue(
        code="join_unmatched", feature=f"row #{fid}", action="kept",
        message=f"{join.on} {key!r} matches no {join.target_column} of layer {join.layer!r}")
        for fid, key in rows[:MAX_LISTED_UNMATCHED]]
    return len(rows), issues

