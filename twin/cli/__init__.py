"""The ``twin`` command: one verb per stage (db, layers, ingest, build, export, serve, ...).

Each verb group lives in its own module; this file only assembles them.
"""

from __future__ import annotations

import typer

from twin.cli import audit, build, db, ingest, keys, layers


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="twin", help="Geodata store and 3D digital twin of the commune.",
        no_args_is_help=True, pretty_exceptions_enable=False,
    )
    app.add_typer(db.app, name="db")
    app.add_typer(layers.app, name="layers")
    app.add_typer(ingest.app, name="ingest")
    app.add_typer(build.app, name="build")
    app.add_typer(keys.app, name="keys")
    app.add_typer(audit.app, name="audit")
    # further verb groups (serve, export, keys, audit, catalog) are added below, one line each
    return app


def main() -> None:
    build_app()()
