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


def make_engine(url: str, pool_size: int = 5, *, pre_ping: bool = True,
                autocommit: bool = False) -> Engine:
    """An engine with sane pool settings; connections are checked before use.

    ``pre_ping=False, autocommit=True`` is for hot read paths that cannot afford the check's
    round trip nor a BEGIN and ROLLBACK around each statement; they must retry a statement
    that fails on a connection the server dropped (see `twin.ogc.reads`).
    """
    return create_engine(
        normalise_url(url), pool_size=pool_size, max_overflow=pool_size * 2,
        pool_pre_ping=pre_ping, isolation_level="AUTOCOMMIT" if autocommit else None,
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


EXTENSIONS_QUERY = "SELECT extname, extversion FROM pg_extension ORDER BY extname"


def extensions(engine: Engine) -> dict[str, str]:
    """The extensions installed in the database, with their versions."""
    with engine.connect() as conn:
        return {str(n): str(v) for n, v in conn.execute(text(EXTENSIONS_QUERY)).all()}

