"""``twin doctor``: check the whole deployment and say what to fix."""

from __future__ import annotations

import typer
from rich.markup import escape

from twin.cli.common import console, engine_for, settings

STYLES = {"ok": "green", "warn": "yellow", "fail": "bold red"}


def doctor() -> None:
    """Check database, extensions, schema, grids (service and database), data directory,
    3D Tiles and client assets; print what is wrong and how to fix it. Exits 1 when
    something is broken (warnings are things the service works around)."""
    from twin.doctor import diagnose  # the checks import pyproj and the registry

    config = settings()
    with engine_for(config) as engine, console.status("checking the deployment"):
        findings = diagnose(config, engine)
    width = max(len(f.area) for f in findings)
    for finding in findings:
        style = STYLES[finding.status]
        console.print(f"[{style}]{finding.status:<4}[/]  {finding.area:<{width}}  "
                      f"{escape(finding.detail)}", highlight=False)
        if finding.fix:
            console.print(f"{'':<4}  {'':<{width}}  [bold]fix:[/] {escape(finding.fix)}",
                          highlight=False)
    failed = [f for f in findings if f.status == "fail"]
    warned = [f for f in findings if f.status == "warn"]
    console.print(f"{len(findings)} checks: {len(failed)} failed, {len(warned)} warnings")
    if failed:
        raise typer.Exit(1)
