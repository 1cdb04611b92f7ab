"""``twin backup DIR`` and ``twin restore DIR [--force]``: the whole store, and back.

What a backup holds and why it is consistent is `gis.backup`'s business; this module only
shows its steps as progress bars and says what was written, restored, or left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from gis import backup as store_backup
from twin.cli.common import console, domain_errors, engine_for, err_console, settings


class ProgressSteps:
    """`gis.backup.Steps` as rich progress bars: one per step, in bytes when it has a total;
    the previous step is marked done when the next one starts."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def start(self, description: str, total: int | None = None) -> None:
        self._finish()
        self.task = self.progress.add_task(description, total=total)

    def advance(self, amount: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)

    def _finish(self) -> None:
        if self.task is not None:
            total = self.progress.tasks[self.task].total
            self.progress.update(self.task, total=total or 1, completed=total or 1)

    def close(self) -> None:
        self._finish()


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                    TimeElapsedColumn(), console=console)


@domain_errors
def backup(
    folder: Annotated[Path, typer.Argument(
        help="new (or empty) folder to write the backup to", file_okay=False)],
    wait: Annotated[float, typer.Option(
        help="seconds to wait for running builds before giving up")] = 300.0,
) -> None:
    """Back up the store (pg_dump) and the built products (3D Tiles, rasters, catalogue,
    downloads, exports), with a manifest of SHA-256 checksums."""
    config = settings()
    with engine_for(config) as engine, _progress() as progress:
        steps = ProgressSteps(progress)
        report = store_backup.backup(engine, config.url, config.data_dir, folder, steps=steps,
                                     wait_seconds=wait)
        steps.close()
    console.print(f"backup written to {report.path}: database {report.database_bytes / 1e6:.1f}"
                  f" MB, {report.files} product files ({report.file_bytes / 1e6:.1f} MB)",
                  highlight=False)
    if report.external_files:
        console.print(f"not in the backup: the {report.external_files} LiDAR source files the "
                      f"registry points at (listed with their checksums in "
                      f"{store_backup.MANIFEST}); keep them safe where they are",
                      highlight=False)


@domain_errors
def restore(
    folder: Annotated[Path, typer.Argument(
        help="a folder written by `twin backup`", exists=True, file_okay=False)],
    force: Annotated[bool, typer.Option(
        "--force", help="replace a store that is not empty (its schemas and product "
        "folders)")] = False,
) -> None:
    """Restore a backup into an empty database and data directory, after verifying every
    file's checksum (nothing is replaced when one is wrong)."""
    config = settings()
    with engine_for(config) as engine, _progress() as progress:
        steps = ProgressSteps(progress)
        report = store_backup.restore(engine, config.url, config.data_dir, folder,
                                      force=force, steps=steps)
        steps.close()
    console.print(f"restored {report.path}: schemas {', '.join(report.schemas)}; "
                  f"{report.files} product files ({report.file_bytes / 1e6:.1f} MB) in "
                  f"{config.data_dir}", highlight=False)
    for missing in report.missing_external:
        err_console.print(f"[bold yellow]warning:[/] LiDAR source {missing} is not on this "
                          "machine: copy it back there before rebuilding its products",
                          highlight=False)
