"""Build the tileset of a LiDAR layer from the store's file index.

The build reads only the index rows (paths, CRS, bounds, colour depth) and the files. A build
manifest (``build.json``) records the layer version and file checksums it was made from: when
they have not changed (and the tiles are of this release's `STATE_FORMAT`), the build is
skipped, so re-running the pipeline after a no-op ingest costs nothing; when some files
changed, were added or removed, only the subtrees their points touch are rebuilt (see
`tiles.pointcloud.build`); ``force`` rebuilds everything. Files ingested from object storage
are indexed by URL and read there with ``storage_options`` (``TWIN_STORAGE_OPTIONS``); the
manifest and the rebuild state key them by that URL as they key local files by path.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from gis import registry
from gis.lidar.index import IndexedFile, indexed_files
from tiles.errors import BuildInputError
from tiles.pointcloud.build import BuildResult, Progress, build_pointcloud
from tiles.pointcloud.partition import PointSource
from tiles.pointcloud.state import STATE_FORMAT

MANIFEST = "build.json"


@dataclass
class LayerBuild:
    layer_id: str
    path: Path
    skipped: bool
    result: BuildResult | None
    version: str


def sources_of(rows: list[IndexedFile]) -> list[PointSource]:
    """Build inputs from index rows; heights need a vertical datum to be placed."""
    sources = []
    for row in rows:
        if row["vertical_epsg"] is None:
            raise BuildInputError(
                f"{row['path']}: the vertical datum is unknown ({row['crs']}); re-ingest with "
                f"--crs EPSG:{row['horizontal_epsg']}+<vertical EPSG> (e.g. 5709 NAP, "
                "5720 IGN69, 5710 TAW)"
            )
        divisor = None
        if row["has_rgb"] and row["rgb_max"] > 0:
            divisor = 256 if row["rgb_max"] > 255 else 1
        sources.append(PointSource(
            row["path"], row["crs"], int(row["point_count"]),
            (row["min_x"], row["min_y"], row["min_z"], row["max_x"], row["max_y"],
             row["max_z"]), divisor, row["checksum"], has_returns(row)))
    return sources


def has_returns(row: IndexedFile) -> bool:
    """Whether the ingest counted points of return number 1 or more in the file (a writer
    that leaves every return number at 0 recorded none)."""
    return any(int(number) > 0 and count for number, count in row["returns"].items())


def _fingerprint(layer_version: int | None, rows: list[IndexedFile]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(f"{row['path']}={row['checksum']};".encode())
    return f"v{layer_version or 0}-{digest.hexdigest()[:12]}"


def build_layer_tileset(engine: Engine, layer_id: str, tiles_dir: Path, *,
                        executor: Executor | None = None, workers: int | None = None,
                        progress: Progress | None = None, force: bool = False,
                        storage_options: Mapping[str, Any] | None = None) -> LayerBuild:
    """Build (or skip, when unchanged) ``tiles_dir / layer_id`` from the layer's files
    (paths, or URLs reached with ``storage_options``)."""
    with engine.connect() as conn:
        layer = registry.get_layer(conn, layer_id)
        rows = indexed_files(conn, layer_id)
    if layer.spec.kind != "lidar":
        raise BuildInputError(f"layer {layer_id!r} is a {layer.spec.kind} layer, not lidar")
    if not rows:
        raise BuildInputError(f"layer {layer_id!r} has no LiDAR files; ingest some first")
    version = _fingerprint(layer.current_version, rows)
    out = tiles_dir / layer_id
    manifest = out / MANIFEST
    if not force and manifest.is_file() and (out / "tileset.json").is_file():
        previous = json.loads(manifest.read_text(encoding="utf-8"))
        if previous.get("version") == version and previous.get("format") == STATE_FORMAT:
            return LayerBuild(layer_id, out, True, None, version)
    result = build_pointcloud(sources_of(rows), out, executor=executor, workers=workers,
                              progress=progress, version=version, incremental=not force,
                              storage_options=storage_options)
    manifest.write_text(json.dumps({
        "layer_id": layer_id, "kind": "pointcloud", "version": version, "format": STATE_FORMAT,
        "layer_version": layer.current_version, "points": result.points, "tiles": result.tiles,
        "files": {row["path"]: row["checksum"] for row in rows},
    }, indent=2), encoding="utf-8")
    return LayerBuild(layer_id, out, False, result, version)
