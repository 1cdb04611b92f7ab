"""What every CLI verb shares: settings, engine, and turning domain errors into exit codes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy import Engine

from gis.db import make_engine
from gis.errors import GisError
from tiles.errors import TilesError
from twin.settings import Settings

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


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

    return wrapper


def parcels_join(value: str | None) -> tuple[str, str] | None:
    """``--parcels LAYER:COLUMN`` as (layer, column); a usage error (exit 2) when malformed."""
    if value is None:
        return None
    layer, _, column = value.partition(":")
    if not layer or not column:
        err_console.print("[bold red]error:[/] --parcels needs LAYER:COLUMN")
        raise typer.Exit(2)
    return (layer, column)
