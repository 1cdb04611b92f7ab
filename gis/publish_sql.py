"""SQL of the publication views (``publish."<layer>"``): one builder per anonymisation rule.

Every identifier is quoted with `psycopg.sql.Identifier` and every constant (class bounds,
grid sizes, SRIDs) is a `psycopg.sql.Literal` of a validated number: a view definition
cannot take bound parameters, so values are rendered by the driver, never formatted in.
"""

from __future__ import annotations

from collections.abc import Sequence

from psycopg import sql

from gis.schema import REGISTRY_SCHEMA, published_relation, small_cells_table
from gis.schema.tables import pseudonym_secret

#: the deployment's pseudonym key, read by the view when it is queried (never copied into it)
SECRET = sql.SQL("(SELECT {} FROM {})").format(
    sql.Identifier(pseudonym_secret.c.secret.name),
    sql.Identifier(REGISTRY_SCHEMA, pseudonym_secret.name))
DATE_TYPES = frozenset({"date", "timestamp", "timestamptz"})
NUMBER_TYPES = frozenset({"int2", "int4", "int8", "float4", "float8", "numeric"})

COLUMNS = """
SELECT a.attname, t.typname, coalesce(postgis_typmod_type(a.atttypmod), ''),
       coalesce(postgis_typmod_srid(a.atttypmod), 0)
FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
WHERE a.attrelid = to_regclass(%(relation)s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""


def column(name: str, alias: str | None = None) -> sql.Composable:
    source = sql.SQL("t.{}").format(sql.Identifier(name))
    return as_alias(source, alias or name)


def as_alias(expression: sql.Composable, alias: str) -> sql.Composable:
    return sql.SQL("{} AS {}").format(expression, sql.Identifier(alias))


def keyed_hash(name: str) -> sql.Composable:
    """HMAC-SHA256 of the value with the deployment's secret (a pseudonym, hex)."""
    return as_alias(
        sql.SQL("encode(hmac(t.{}::text, {}, 'sha256'), 'hex')").format(
            sql.Identifier(name), SECRET),
        name,
    )


def date_part(name: str, type_name: str, to: str) -> sql.Composable:
    """A date or timestamp (or ISO text) reduced to its year (integer) or month (YYYY-MM)."""
    ident = sql.Identifier(name)
    if type_name in DATE_TYPES:
        expression = (sql.SQL("extract(year FROM t.{})::integer").format(ident) if to == "year"
                      else sql.SQL("to_char(t.{}, 'YYYY-MM')").format(ident))
    else:
        pattern = r"^\s*(\d{4})" if to == "year" else r"^\s*(\d{4}-\d{2})"
        expression = sql.SQL("substring(t.{}::text from {})").format(ident, sql.Literal(pattern))
        if to == "year":
            expression = sql.SQL("({})::integer").format(expression)
    return as_alias(expression, name)


def class_label(low: float | None, high: float | None) -> str:
    def fmt(value: float) -> str:
        return f"{value:g}" if value != int(value) else str(int(value))

    if low is None and high is not None:
        return f"< {fmt(high)}"
    if high is None and low is not None:
        return f">= {fmt(low)}"
    assert low is not None
    assert high is not None
    return f"{fmt(low)} - {fmt(high)}"


def number_classes(name: str, bounds: Sequence[float]) -> sql.Composable:
    """A number replaced by the label of its class (``< b0``, ``b0 - b1``, ..., ``>= bn``)."""
    ident = sql.Identifier(name)
    cases = [sql.SQL("WHEN t.{} IS NULL THEN NULL").format(ident)]
    previous: float | None = None
    for bound in bounds:
        cases.append(sql.SQL("WHEN t.{} < {} THEN {}").format(
            ident, sql.Literal(float(bound)), sql.Literal(class_label(previous, bound))))
        previous = bound
    cases.append(sql.SQL("ELSE {}").format(sql.Literal(class_label(previous, None))))
    return as_alias(sql.SQL("CASE {} END").format(sql.SQL(" ").join(cases)), name)


def snapped_point(name: str, grid: float, storage_srid: int, geographic: bool) -> sql.Composable:
    """The centroid of a geometry snapped to a grid of ``grid`` metres (storage CRS).

    For a geographic storage CRS the snapping happens in Web Mercator (metres) and the
    result is brought back, so ``grid`` always means metres.
    """
    ident = sql.Identifier(name)
    if geographic:
        expression = sql.SQL(
            "ST_Transform(ST_SnapToGrid(ST_Transform(ST_Centroid(t.{}), 3857), {}), {})"
        ).format(ident, sql.Literal(float(grid)), sql.Literal(storage_srid))
    else:
        expression = sql.SQL("ST_SnapToGrid(ST_Centroid(t.{}), {})").format(
            ident, sql.Literal(float(grid)))
    return sql.SQL("({})::geometry(Point, {})").format(expression, sql.Literal(storage_srid))


def transformed(expression: sql.Composable, srid: int) -> sql.Composable:
    return sql.SQL("ST_Transform({}, {})::geometry(Point, {})").format(
        expression, sql.Literal(srid), sql.Literal(srid))


def small_cells_relation(layer_id: str, name: str) -> sql.Identifier:
    schema, _ = published_relation(layer_id)
    return sql.Identifier(schema, small_cells_table(layer_id, name))


def create_cells_table(
    source: sql.Identifier, target: sql.Identifier, name: str, min_count: int
) -> sql.Composable:
    """The values of ``name`` shared by at least ``min_count`` rows (the cells kept)."""
    return sql.SQL(
        "CREATE TABLE {target} AS SELECT {col}::text AS value FROM {source} "
        "WHERE {col} IS NOT NULL GROUP BY {col} HAVING count(*) >= {k}; "
        "ALTER TABLE {target} ADD PRIMARY KEY (value)"
    ).format(target=target, col=sql.Identifier(name), source=source,
             k=sql.Literal(int(min_count)))


def suppressed_small_cell(name: str, cells: sql.Identifier) -> sql.Composable:
    """The value when its cell holds enough rows, NULL when it would single people out."""
    ident = sql.Identifier(name)
    return as_alias(
        sql.SQL("CASE WHEN t.{col}::text IN (SELECT value FROM {cells}) THEN t.{col} END")
        .format(col=ident, cells=cells),
        name,
    )


def create_view(
    view: sql.Identifier, source: sql.Identifier, select_list: Sequence[sql.Composable]
) -> sql.Composable:
    return sql.SQL("CREATE VIEW {view} AS SELECT {columns} FROM {source} AS t").format(
        view=view, columns=sql.SQL(", ").join(select_list), source=source)


def drop_published(layer_id: str) -> sql.Composable:
    """Drop the view and its helper tables (CASCADE: nothing else may depend on them)."""
    return sql.SQL("DROP VIEW IF EXISTS {} CASCADE").format(
        sql.Identifier(*published_relation(layer_id)))


HELPER_TABLES = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :schema AND c.relkind = 'r' AND c.relname LIKE :p
"""

COUNTS_BY = "SELECT {col}::text AS value, count(*) AS n FROM {view} GROUP BY 1 ORDER BY 1"


def counts_by(view: sql.Identifier, name: str) -> sql.Composable:
    return sql.SQL(COUNTS_BY).format(col=sql.Identifier(name), view=view)
