"""Verb groups whose commands are imported when they run.

``twin ingest vector`` then does not pay for the LiDAR stack, nor ``twin build pointcloud``
for the building and terrain stacks (scipy, rasterio: seconds of imports) it never uses.
"""

from __future__ import annotations

import importlib
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
            single.command(cmd_name)(getattr(importlib.import_module(module), attribute))
            return typer.main.get_command(single)

    return LazyCommands
