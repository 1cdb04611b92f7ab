"""What the catalogue says about a layer, read from the registry and the download cache."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection

from gis import export, registry
from gis.model import Layer


@dataclass(frozen=True)
class DatasetRecord:
    """A layer with its true dates: issued = its first successful load, modified = its last
    load or edit (OGC API Features Part 4), whichever is later."""

    layer: Layer
    issued: datetime | None
    modified: datetime | None
    period_start: datetime | None
    downloads: dict[tuple[str, export.CrsChoice], export.DownloadFile] = field(
        default_factory=dict)


def catalog_dates(conn: Connection, layers: list[Layer]) -> tuple[datetime | None,
                                                                  datetime | None]:
    """(first, last) successful load over the given layers: the catalogue's issued/modified."""
    return registry.load_period(conn, [la.id for la in layers])


def download_root(data_dir: Path) -> Path:
    return data_dir.resolve() / "downloads"


def dataset_records(conn: Connection, layers: list[Layer], data_dir: Path) -> list[DatasetRecord]:
    """One record per layer (in the given order) with load dates and built downloads."""
    dates = registry.load_dates(conn, [la.id for la in layers])
    never_loaded = registry.LoadDates(None, None, None)
    root = download_root(data_dir)
    records = []
    for layer in layers:
        loaded = dates.get(layer.id, never_loaded)
        issued, modified, start = loaded.issued, loaded.modified, loaded.period_start
        downloads: dict[tuple[str, export.CrsChoice], export.DownloadFile] = {}
        for fmt in export.FORMATS:
            for crs in export.CRS_CHOICES:
                built = export.cached(root, layer, fmt, crs)
                if built is not None:
                    downloads[(fmt, crs)] = built
        records.append(DatasetRecord(layer, issued, modified, start, downloads))
    return records
