"""What the catalogue says about a layer, read from the registry and the download cache."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, text

from gis import export
from gis.model import Layer

_LOAD_TIMES = text(
    "SELECT v.layer_id, min(v.finished_at), "
    "greatest(max(v.finished_at), (SELECT max(c.at) FROM twin.feature_change c "
    "                             WHERE c.layer_id = v.layer_id)), min(v.begin_lifespan) "
    "FROM twin.layer_version v WHERE v.version IS NOT NULL AND v.layer_id = ANY(:ids) "
    "GROUP BY v.layer_id"
)


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
    row = conn.execute(
        text("SELECT min(finished_at), max(finished_at) FROM twin.layer_version "
             "WHERE version IS NOT NULL AND layer_id = ANY(:ids)"),
        {"ids": [la.id for la in layers]},
    ).one()
    return row[0], row[1]


def download_root(data_dir: Path) -> Path:
    return data_dir.resolve() / "downloads"


def dataset_records(conn: Connection, layers: list[Layer], data_dir: Path) -> list[DatasetRecord]:
    """One record per layer (in the given order) with load dates and built downloads."""
    rows = conn.execute(_LOAD_TIMES, {"ids": [la.id for la in layers]})
    times = {row[0]: row[1:] for row in rows}
    root = download_root(data_dir)
    records = []
    for layer in layers:
        issued, modified, start = times.get(layer.id, (None, None, None))
        downloads: dict[tuple[str, export.CrsChoice], export.DownloadFile] = {}
        for fmt in export.FORMATS:
            for crs in export.CRS_CHOICES:
                built = export.cached(root, layer, fmt, crs)
                if built is not None:
                    downloads[(fmt, crs)] = built
        records.append(DatasetRecord(layer, issued, modified, start, downloads))
    return records
