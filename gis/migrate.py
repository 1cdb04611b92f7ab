"""Run the Alembic migrations shipped inside the package against an engine."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from psycopg import sql
from sqlalchemy import Connection, Engine, func, select

from gis.schema import ALEMBIC_VERSION_TABLE, REGISTRY_SCHEMA
from gis.schema.tables import alembic_version

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema to ``revision`` (every branch head by default).

    The Alembic version table lives in the registry schema, next to the registry.
    """
    config = _config()
    with engine.begin() as conn:
        driver = conn.connection.driver_connection
        conn.exec_driver_sql(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
            sql.Identifier(REGISTRY_SCHEMA)).as_string(driver))
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def heads() -> frozenset[str]:
    """The head revision of every branch shipped with this release."""
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


def applied(conn: Connection) -> frozenset[str]:
    """The revisions the database is at, one per branch (empty before the first migration)."""
    relation = f"{REGISTRY_SCHEMA}.{ALEMBIC_VERSION_TABLE}"
    if conn.execute(select(func.to_regclass(relation))).scalar_one() is None:
        return frozenset()
    return frozenset(conn.execute(select(alembic_version.c.version_num)).scalars())


def missing_heads(conn: Connection, expected: frozenset[str]) -> frozenset[str]:
    """The heads of ``expected`` the database has not reached (empty: fully migrated)."""
    return expected - applied(conn)


def current(engine: Engine) -> str | None:
    """The revisions the database is at, comma-separated (None before the first migration)."""
    with engine.connect() as conn:
        return ", ".join(sorted(applied(conn))) or None
