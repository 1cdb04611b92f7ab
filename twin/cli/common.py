"""What every CLI verb shares: settings, engine, and turning domain errors into exit codes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

import psycopg
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from gis import registry
from gis.access import require_publishable
from gis.db import make_engine
from gis.errors import GisError
from tiles.errors import TilesError
from twin.settings import Settings

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def stage_progress() -> Progress:
    """A progress display with one bar per named stage (builds report stage by stage)."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console)


def settings() -> Settings:
    return Settings()


@contextmanager
def engine_for(config: Settings) -> Iterator[Engine]:
    engine = make_engine(config.url)
    try:
        yield engine
    finally:
        engine.dispose()


def domain_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print a domain error as one clear line and exit 1 (no traceback for user mistakes)."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (GisError, TilesError) as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from exc
        except DBAPIError as exc:
            message = database_problem(exc)
            if message is None:
                raise
            err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from exc

    return wrapper


#: Errors meaning the database has not been migrated (a missing schema, table or type).
NOT_MIGRATED = (psycopg.errors.UndefinedTable, psycopg.errors.InvalidSchemaName,
                psycopg.errors.UndefinedObject, psycopg.errors.UndefinedFunction)


def database_problem(exc: DBAPIError) -> str | None:
    """What to do about a database that is down or not set up; None for anything else (a
    bug keeps its traceback)."""
    original = exc.orig
    first_line = str(original).strip().splitlines()[0] if str(original).strip() else ""
    if isinstance(original, psycopg.OperationalError):
        return (f"cannot reach the database ({first_line}): start it with `twin db up` or "
                "point TWIN_DATABASE_URL at a PostGIS server")
    if isinstance(original, NOT_MIGRATED):
        return (f"the database is not set up for the twin ({first_line}): run "
                "`twin db migrate`")
    return None


def parcels_join(value: str | None) -> tuple[str, str] | None:
    """``--parcels LAYER:COLUMN`` as (layer, column); a usage error (exit 2) when malformed."""
    if value is None:
        return None
    layer, _, column = value.partition(":")
    if not layer or not column:
        err_console.print("[bold red]error:[/] --parcels needs LAYER:COLUMN")
        raise typer.Exit(2)
    return (layer, column)


def check_publishable(engine: Engine, layers: list[str], restricted_target: bool) -> None:
    """Before a build that will ``--publish``: every layer whose data the product carries
    is open, or the target is declared access-controlled (`require_publishable`)."""
    with engine.connect() as conn:
        specs = [registry.get_layer(conn, layer).spec for layer in layers]
    require_publishable(specs, restricted_target)
