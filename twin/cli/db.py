"""``twin db up|down|migrate|status``: the store's lifecycle."""

from __future__ import annotations

import typer
from sqlalchemy import Engine

from gis import migrate
from gis.db import ensure_postgis, ping
from gis.publication import prepare_publication
from twin.cli.common import console, domain_errors, engine_for, err_console, settings
from twin.settings import Settings

app = typer.Typer(help="Bring PostGIS up or down and migrate its schema.", no_args_is_help=True)


@app.command()
@domain_errors
def up() -> None:
    """Use TWIN_DATABASE_URL's server, or start the private cluster under TWIN_DATA_DIR."""
    config = settings()
    if config.database_url is None:
        with console.status("starting the private PostgreSQL + PostGIS cluster"):
            config.cluster.up()
        console.print(f"private cluster running in {config.cluster.root} on port {config.db_port}")
    with engine_for(config) as engine:
        ensure_postgis(engine)
        console.print(f"PostGIS ready: {ping(engine)} at {engine.url!r}")


@app.command()
@domain_errors
def down() -> None:
    """Stop the private cluster (an external server is left alone)."""
    config = settings()
    if config.database_url is not None:
        console.print("TWIN_DATABASE_URL is set: the external server is not ours to stop")
        return
    config.cluster.down()
    console.print("private cluster stopped")


@app.command("migrate")
@domain_errors
def migrate_command(revision: str = typer.Argument("heads")) -> None:
    """Apply the Alembic migrations up to REVISION (default: every head), then make the
    publication whole: the pseudonym key stored, a published view for every loaded layer."""
    config = settings()
    with engine_for(config) as engine:
        migrate.upgrade(engine, revision)
        console.print(f"schema at revision {migrate.current(engine)}")
        report = prepare_publication(engine, config.pseudonym_secret)
        if report.views_created:
            console.print(f"published views created: {', '.join(report.views_created)}")
        _report_transforms(config, engine)


def _report_transforms(config: Settings, engine: Engine) -> None:
    """Say, loudly, which reprojections the database gets wrong (the service does those)."""
    from gis.server_transforms import ServerTransforms
    from twin.transforms import inexact, probe_service

    with console.status("probing the database's transforms against the grids"):
        probes = probe_service(ServerTransforms(engine), engine, config)
    wrong = inexact(probes)
    if not wrong:
        console.print(f"database transforms: all {len(probes)} pairs grid-exact in PostGIS")
        return
    for probe in wrong:
        err_console.print(f"[bold yellow]warning:[/] {probe.describe()}", highlight=False)
    err_console.print("the service reprojects those pairs itself; `twin doctor` says how to "
                      "let PostGIS do them", highlight=False)


@app.command()
@domain_errors
def status() -> None:
    """Say where the store is and which schema revision it has."""
    with engine_for(settings()) as engine:
        console.print(f"{engine.url!r}: {ping(engine)}")
        console.print(f"schema revision: {migrate.current(engine)}")
