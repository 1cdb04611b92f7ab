"""SQL of backup and restore (`gis.backup`) and of the products lock builds share with it.

Catalogue queries take bound parameters; statements naming a relation or schema quote it
with `psycopg.sql.Identifier`. The lock is a two-key session advisory lock in a class of its
own (the loads' per-layer locks use `gis.ingest.sql.LOCK_CLASS`).
"""

from __future__ import annotations

from psycopg import sql
from sqlalchemy import ColumnElement, Update, case, func, update

from gis.schema.tables import raster

#: First key of the advisory lock of built products: every build holds it shared for its
#: whole run (`gis.builds.recorded_build`), a backup exclusively while it copies them.
PRODUCTS_LOCK_CLASS = 7_243_552
PRODUCTS_LOCK_KEY = 0

#: Every ordinary, partitioned or materialised table a user created, in any schema but the
#: system's, without the tables extensions own (PostGIS's spatial_ref_sys is full of rows).
USER_TABLES = """
SELECT n.nspname, c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp\\_%%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                    AND d.deptype = 'e')
ORDER BY n.nspname, c.relname
"""

#: The extensions of the database with the schema each lives in (PostGIS is not relocatable:
#: a dump names its types by that schema, so a restore must recreate them there).
EXTENSIONS = """
SELECT e.extname, n.nspname, e.extversion
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY e.extname
"""

AVAILABLE_EXTENSIONS = "SELECT name FROM pg_available_extensions WHERE name = ANY(%s)"

SCHEMA_EXISTS = "SELECT 1 FROM pg_namespace WHERE nspname = %s"

SERVER_VERSION = "SELECT current_setting('server_version_num')::int"


def has_rows(schema: str, table: str) -> sql.Composed:
    """Whether a table holds at least one row (reads one row, not a count)."""
    return sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(schema, table))


def drop_schema(schema: str) -> sql.Composed:
    """Drop a schema of the store with everything in it (a forced restore replaces it)."""
    return sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))


def drop_extension(name: str) -> sql.Composed:
    """Drop an extension nothing depends on (no CASCADE: a dependent object is an error)."""
    return sql.SQL("DROP EXTENSION {}").format(sql.Identifier(name))


def try_products_lock() -> sql.Composed:
    return sql.SQL("SELECT pg_try_advisory_lock({}, {})").format(
        sql.Literal(PRODUCTS_LOCK_CLASS), sql.Literal(PRODUCTS_LOCK_KEY))


def products_lock() -> sql.Composed:
    """Wait for the products lock exclusively, at most ``lock_timeout`` (set before)."""
    return sql.SQL("SELECT pg_advisory_lock({}, {})").format(
        sql.Literal(PRODUCTS_LOCK_CLASS), sql.Literal(PRODUCTS_LOCK_KEY))


def try_products_lock_shared() -> sql.Composed:
    return sql.SQL("SELECT pg_try_advisory_lock_shared({}, {})").format(
        sql.Literal(PRODUCTS_LOCK_CLASS), sql.Literal(PRODUCTS_LOCK_KEY))


def products_lock_shared() -> sql.Composed:
    return sql.SQL("SELECT pg_advisory_lock_shared({}, {})").format(
        sql.Literal(PRODUCTS_LOCK_CLASS), sql.Literal(PRODUCTS_LOCK_KEY))


def lock_timeout() -> sql.SQL:
    return sql.SQL("SELECT set_config('lock_timeout', %s, false)")


def relocate_raster_paths(old_prefix: str, new_prefix: str) -> Update:
    """Point the registered rasters (and their fill masks) at the restored data directory:
    paths under ``old_prefix`` get ``new_prefix`` instead; others are left alone."""
    def moved(column: ColumnElement[str]) -> ColumnElement[str]:
        return case((func.starts_with(column, old_prefix),
                     func.concat(new_prefix, func.substr(column, len(old_prefix) + 1))),
                    else_=column)

    path, mask = raster.c.path, raster.c.filled_mask_path
    return (update(raster)
            .where(func.starts_with(path, old_prefix) | func.starts_with(mask, old_prefix))
            .values(path=moved(path), filled_mask_path=moved(mask)))
