"""``twin catalog score|validate|freshness|export``: the open-data catalogue from the shell."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rdflib import Graph
from rich.progress import Progress
from rich.table import Table

from gis import export, registry
from gis.model import ROW_KINDS
from twin.access import ANONYMOUS
from twin.catalog import freshness as fresh
from twin.catalog import mqa, service, shacl
from twin.catalog.records import download_root
from twin.cli.common import console, domain_errors, engine_for, settings
from twin.cli.options import JsonOption
from twin.publication import prepare_store
from twin.settings import Settings

app = typer.Typer(help="Score, validate, check and export the DCAT-AP catalogue.",
                  no_args_is_help=True)


@contextmanager
def app_probe(config: Settings) -> Iterator[mqa.Probe]:
    """A URL prober that answers through the app in process (no server needed)."""
    from fastapi.testclient import TestClient

    from twin.app import create_app

    base = config.base_url
    with TestClient(create_app(config), base_url=base) as client:

        def probe(url: str) -> int:
            if not url.startswith(base):
                return 0  # outside this deployment: not checked offline
            path = url[len(base):] or "/"
            status = int(client.head(path).status_code)
            return int(client.get(path).status_code) if status == 405 else status

        yield probe


def build_downloads(config: Settings) -> int:
    """Build every download of every layer anonymous callers see (so sizes are known)."""
    with engine_for(config) as engine:
        prepare_store(engine, config)  # pseudonym key stored, every published view present
        layers = [la for la in service.visible_layers(engine, ANONYMOUS)
                  if la.current_version is not None and la.spec.kind in ROW_KINDS]
        jobs = [(la, f, c) for la in layers for f in export.formats_for(la)
                for c in export.CRS_CHOICES[:1 if la.spec.kind == "table" else None]]
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("building downloads", total=len(jobs))
            for layer, fmt, crs in jobs:
                export.build(engine, download_root(config.data_dir), layer, fmt, crs)
                progress.advance(task)
    return len(jobs)


def _public_graph(config: Settings) -> Graph:
    """Every page of the catalogue an anonymous harvester sees, merged."""
    with engine_for(config) as engine:
        first = service.catalog_page(engine, config, ANONYMOUS, 1)
        graph = first.graph
        for number in range(2, first.page.last + 1):
            graph += service.catalog_page(engine, config, ANONYMOUS, number).graph
    return graph


@app.command()
@domain_errors
def score(
    build: Annotated[bool, typer.Option(help="build missing downloads first")] = True,
    as_json: JsonOption = False,
) -> None:
    """The data.europa.eu MQA score of the public catalogue (max 405, Excellent >= 351)."""
    config = settings()
    if build:
        build_downloads(config)
    graph = _public_graph(config)
    report = shacl.validate(graph)
    with app_probe(config) as probe:
        scores = mqa.score_catalog(graph, probe, report.conforms)
    mean = mqa.mean_score(scores)
    if as_json:
        typer.echo(json.dumps({"score": mean, "rating": mqa.rating(mean), "max": mqa.MAX_SCORE,
                               "datasets": {s.dataset: s.points for s in scores}}, indent=2))
        return
    table = Table(title="Metadata Quality Assessment (data.europa.eu method)")
    for column in ("dataset", "score", "rating", "missing"):
        table.add_column(column)
    for item in scores:
        missing = ", ".join(k for k, v in item.points.items() if v == 0 and "not scored" not in k)
        table.add_row(item.dataset.rsplit("/", 1)[-1], str(item.total), mqa.rating(item.total),
                      missing or "-")
    console.print(table)
    console.print(f"catalogue: {mean:.0f} / {mqa.MAX_SCORE} ({mqa.rating(mean)}); "
                  f"SHACL violations: {len(report.violations)}")


@app.command()
@domain_errors
def validate() -> None:
    """SHACL-validate the public catalogue offline against DCAT-AP 3.0.1 and GeoDCAT-AP 3.0.0
    (exit 1 on violations of either)."""
    graph = _public_graph(settings())
    conforms = True
    for profile, check in (("DCAT-AP 3.0.1", shacl.validate),
                           ("GeoDCAT-AP 3.0.0", shacl.validate_geodcat)):
        report = check(graph)
        for result in report.results:
            console.print(f"{profile} {result.severity}: {result.focus} {result.path}: "
                          f"{result.message}", highlight=False, soft_wrap=True)
        console.print(f"{profile}: {len(report.violations)} violations, "
                      f"{len(report.warnings)} warnings")
        conforms = conforms and report.conforms
    if not conforms:
        raise typer.Exit(1)


@app.command()
@domain_errors
def freshness(as_json: JsonOption = False) -> None:
    """Layers whose last successful load is older than their declared update frequency."""
    with engine_for(settings()) as engine, engine.connect() as conn:
        late = fresh.overdue_layers(registry.list_layers(conn))
    if as_json:
        typer.echo(json.dumps([{"layer": f.layer_id, "frequency": f.frequency,
                                "last_load": f.last_load.isoformat() if f.last_load else None,
                                "overdue_days": None if f.overdue_days == float("inf")
                                else round(f.overdue_days or 0, 1)} for f in late], indent=2))
        return
    table = Table(title="Overdue layers")
    for column in ("layer", "frequency", "last load", "due", "overdue by"):
        table.add_column(column)
    for f in late:
        last = f"{f.last_load:%Y-%m-%d}" if f.last_load else "never"
        table.add_row(f.layer_id, f.frequency, last,
                      f"{f.due:%Y-%m-%d}" if f.due else "-",
                      "never loaded" if f.overdue_days == float("inf")
                      else f"{f.overdue_days:.0f} days")
    console.print(table if late else "every layer is fresh")


@app.command("export")
@domain_errors
def export_command(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="folder to write (default: <data_dir>/catalog)")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", hidden=True, help="old spelling of --output")] = None,
) -> None:
    """Build the downloads and write the public catalogue (ttl, jsonld, rdf) for harvesters."""
    config = settings()
    count = build_downloads(config)
    folder = output or out or config.data_dir / "catalog"
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    with engine_for(config) as engine:
        first = service.catalog_page(engine, config, ANONYMOUS, 1)
        for number in range(1, first.page.last + 1):
            page = first if number == 1 else service.catalog_page(engine, config, ANONYMOUS,
                                                                  number)
            for extension in service.FORMATS:
                suffix = "" if first.page.last == 1 else f"-{number}"
                (folder / f"catalog{suffix}.{extension}").write_bytes(
                    service.serialise(page.graph, extension))
                written += 1
    console.print(f"{count} downloads ready, {written} catalogue files in {folder}")
