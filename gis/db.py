"""Engines and connections to PostGIS (SQLAlchemy 2 over psycopg 3)."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from gis.errors import DatabaseUnavailable

VERSION_QUERY = "SELECT 'PostGIS ' || postgis_lib_version() || ', PROJ ' || postgis_proj_version()"


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, pool_size: int = 5) -> Engine:
    """An engine with sane pool settings; connections are checked before use."""
    return create_engine(
        normalise_url(url), pool_size=pool_size, max_overflow=pool_size * 2, pool_pre_ping=True
    )


def ping(engine: Engine) -> str:
    """The PostGIS version string, or `DatabaseUnavailable` naming the server."""
    try:
        with engine.connect() as conn:
            return str(conn.execute(text(VERSION_QUERY)).scalar_one())
    except OperationalError as exc:
        raise DatabaseUnavailable(f"cannot reach {engine.url!r}: {exc.orig}") from exc


def ensure_postgis(engine: Engine) -> None:
    """Create the postgis extension when the server has it but the database does not yet."""
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    except OperationalError as exc:
        raise DatabaseUnavailable(f"cannot reach {engine.url!r}: {exc.orig}") from exc
