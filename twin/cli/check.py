"""``twin check ifc FILE --ids RULES.ids``: a model against the commune's IDS, per requirement.

Exit status 0 when every specification passes, 1 otherwise: a submission can be checked in a
script before it is ingested (``twin ingest ifc --ids`` refuses a failing model itself).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from gis.bim.ids import IdsReport, check_ifc
from twin.cli.common import console, domain_errors
from twin.cli.options import JsonOption

app = typer.Typer(help="Check submissions before they are ingested.", no_args_is_help=True)

FAILED_IDS_SHOWN = 5


def report_table(report: IdsReport) -> Table:
    table = Table(title=f"{report.model} against {report.ids}")
    for column in ("requirement", "result", "applicable", "failed", "failed elements (GlobalId)"):
        table.add_column(column)
    for spec in report.specifications:
        shown = ", ".join(spec.failed_global_ids[:FAILED_IDS_SHOWN])
        if spec.failed > FAILED_IDS_SHOWN:
            shown += f" ... ({spec.failed})"
        table.add_row(spec.name, "[green]pass[/]" if spec.passed else "[red]FAIL[/]",
                      str(spec.applicable), str(spec.failed), shown or "; ".join(spec.reasons))
    return table


@app.command("ifc")
@domain_errors
def ifc(
    path: Annotated[Path, typer.Argument(help="IFC model (STEP .ifc)")],
    ids: Annotated[Path, typer.Option(help="the IDS 1.0 file of the requirements")],
    html: Annotated[Path | None, typer.Option(help="write ifctester's HTML report here")
                    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Validate PATH against an IDS; exit 1 when a requirement fails."""
    with console.status(f"checking {path.name}"):
        report = check_ifc(path, ids)
    if html is not None:  # into a folder of its own if need be (var/reports/...)
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(report.html, encoding="utf-8")
    if as_json:
        typer.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        console.print(report_table(report))
        console.print(("[green]" if report.passed else "[red]") + report.summary() + "[/]")
    if not report.passed:
        raise typer.Exit(1)
