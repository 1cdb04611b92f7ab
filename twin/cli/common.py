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
