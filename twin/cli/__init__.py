"""The ``twin`` command: one verb per stage (db, layers, ingest, build, export, serve, ...).

Each verb lives in its own module, named in `VERBS`. The installed command imports a verb's
module only when that verb runs, so ``twin ingest vector`` does not pay for pygeoapi, scipy
or rdflib (seconds of imports); `build_app` assembles them all eagerly, for tests.
"""

from __future__ import annotations

import gc
import importlib
from typing import Any

import typer
from typer.core import TyperGroup

from twin.cli.lazy import collector_paused

HELP = "Geodata store and 3D digital twin of the commune."

#: verb -> (module, attribute): a Typer (a verb group) or a function (a single command).
VERBS: dict[str, tuple[str, str]] = {
    "db": ("twin.cli.db", "app"),
    "layers": ("twin.cli.layers", "app"),
    "ingest": ("twin.cli.ingest", "app"),
    "build": ("twin.cli.build", "app"),
    "export": ("twin.cli.export", "app"),
    "serve": ("twin.cli.serve", "serve"),
    "keys": ("twin.cli.keys", "app"),
    "audit": ("twin.cli.audit", "app"),
    "catalog": ("twin.cli.catalog", "app"),
    "doctor": ("twin.cli.doctor", "doctor"),
    "backup": ("twin.cli.backup", "backup"), "restore": ("twin.cli.backup", "restore"),
    "refresh": ("twin.cli.refresh", "refresh"),
    "check": ("twin.cli.check", "app"),
    "feedback": ("twin.cli.feedback", "app"), "stats": ("twin.cli.stats", "stats"),
    "sensors": ("twin.cli.sensors", "app"),
    "reports": ("twin.cli.citizen_reports", "app"),
}


def _add_verb(app: typer.Typer, name: str) -> None:
    module, attribute = VERBS[name]
    target: Any = getattr(importlib.import_module(module), attribute)
    if isinstance(target, typer.Typer):
        app.add_typer(target, name=name)
    else:
        app.command(name)(target)


def _root(**extra: Any) -> typer.Typer:
    return typer.Typer(name="twin", help=HELP, no_args_is_help=True,
                       pretty_exceptions_enable=False, **extra)


def build_app() -> typer.Typer:
    """Every verb, imported now (what tests drive through Typer's CliRunner)."""
    app = _root()
    for name in VERBS:
        _add_verb(app, name)
    return app


class LazyVerbs(TyperGroup):
    """The root group of the installed command: verbs are imported on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(VERBS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in VERBS:
            return None
        single = _with_callback(_root())
        with collector_paused():
            _add_verb(single, cmd_name)
        group: Any = typer.main.get_command(single)
        return group.commands.get(cmd_name)


def _with_callback(app: typer.Typer) -> typer.Typer:
    """A root callback keeps Typer from collapsing a one-verb app into that verb."""

    @app.callback()
    def _twin() -> None:
        """Geodata store and 3D digital twin of the commune."""

    return app


def main() -> None:
    """The installed command (`build_app` is what tests drive)."""
    try:
        _with_callback(_root(cls=LazyVerbs))()
    finally:
        # The interpreter's exit collects everything once more: half a second after a vector
        # load, for memory the OS takes back anyway. Frozen objects are skipped; objects are
        # still finalised as their modules are cleared, and atexit handlers still run.
        gc.freeze()
