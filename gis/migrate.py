"""Run the Alembic migrations shipped inside the package against an engine."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema to ``revision`` (every branch head by default).

    The Alembic version table lives in the ``twin`` schema, next to the registry.
    """
    config = _config()
    with engine.begin() as conn:
        conn.execute(text("CREATE SCHEMA IF NOT EXISTS twin"))
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def current(engine: Engine) -> str | None:
    """The revisions the database is at, one per branch (None before the first migration)."""
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT to_regclass('twin.alembic_version')")).scalar_one()
        if exists is None:
            return None
        heads = conn.execute(
            text("SELECT version_num FROM twin.alembic_version ORDER BY version_num")
        ).scalars()
        return ", ".join(heads) or None
