"""The same flag for the same thing on every ``twin`` command (issue 14, item 7)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer

from twin.cli import build_app

#: What every ingest command takes, spelled the same way.
INGEST_FLAGS = {"--access", "--manifest", "--json"}
#: What every ingest command that names its layer takes (``ingest all`` loads the manifest).
DECLARING_FLAGS = {"--layer", "--crs", "--title", "--licence", "--frequency", "--producer",
                   "--contact-name", "--contact-email"}
#: Old spellings: accepted, never shown.
HIDDEN = {"--access-level", "--out"}


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every leaf command (Typer vendors its own click: groups are told by their methods)."""
    if hasattr(command, "list_commands"):
        if command.params:  # a group that is a command itself (``twin audit``)
            yield path, command
        context = command.make_context("twin", [], resilient_parsing=True)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            assert sub is not None
            yield from _commands(sub, (*path, name))
    else:
        yield path, command


def _options(command: Any, hidden: bool = False) -> set[str]:
    return {name for param in command.params if param.param_type_name == "option"
            and param.hidden == hidden for name in param.opts}


ALL: dict[tuple[str, ...], Any] = dict(_commands(typer.main.get_command(build_app())))


@pytest.mark.parametrize("name", ["vector", "lidar", "all"])
def test_every_ingest_command_takes_the_shared_flags(name: str) -> None:
    options = _options(ALL[("ingest", name)])
    assert options >= INGEST_FLAGS
    if name != "all":
        assert options >= DECLARING_FLAGS


def test_old_spellings_are_hidden_aliases() -> None:
    visible = set().union(*(_options(command) for command in ALL.values()))
    hidden = set().union(*(_options(command, hidden=True) for command in ALL.values()))
    assert not visible & HIDDEN
    assert hidden == HIDDEN


def test_json_output_is_one_flag_with_one_meaning() -> None:
    for path, command in ALL.items():
        for param in command.params:
            if "--json" in getattr(param, "opts", ()):
                assert param.param_type_name == "option", path
                assert param.is_flag, path
                assert param.help == "print the result as JSON", path


def test_an_output_location_is_output_everywhere() -> None:
    writers = {path for path, command in ALL.items() if {"--output", "--out"} &
               (_options(command) | _options(command, hidden=True))}
    assert writers == {("export", "cityjson"), ("catalog", "export")}
    for path in writers:
        assert {"--output", "-o"} <= _options(ALL[path]), path
