"""Verb groups whose commands are imported when they run.

``twin ingest vector`` then does not pay for the LiDAR stack, nor ``twin build pointcloud``
for the building and terrain stacks (scipy, rasterio: seconds of imports) it never uses.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from typer.core import TyperGroup

#: command -> (module, function)
CommandTable = dict[str, tuple[str, str]]


def lazy_group(table: CommandTable) -> type[TyperGroup]:
    """A Typer group class serving the commands of ``table``, each imported on first use."""

    class LazyCommands(TyperGroup):
        def list_commands(self, ctx: Any) -> list[str]:
            return list(table)

        def get_command(self, ctx: Any, cmd_name: str) -> Any:
            if cmd_name not in table:
                return None
            module, attribute = table[cmd_name]
            single = typer.Typer(add_completion=False)
            with collector_paused():
                function = getattr(importlib.import_module(module), attribute)
            single.command(cmd_name)(function)
            return typer.main.get_command(single)

    return LazyCommands


@contextmanager
def collector_paused() -> Iterator[None]:
    """Import with the cyclic garbage collector paused, then freeze what was imported.

    A command's imports (SQLAlchemy, pyproj, pyarrow, pydantic models...) allocate hundreds of
    thousands of objects that live as long as the process. The collector traversed them again
    and again as they piled up: a quarter of ``twin ingest vector``'s start-up (0.55 s of
    2.1 s). Frozen, they stay out of every later collection as well; what the command then
    creates is collected as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
