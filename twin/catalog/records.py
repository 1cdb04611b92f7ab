"""What the catalogue says about a layer, read from the registry and the download cache."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Connection

from gis import export, registry
from gis.lidar.index import indexed_files
from gis.model import Layer
from gis.raster.index import raster_file

#: files of a 3D Tiles folder that are never served (build manifests name server paths)
PRIVATE_TILE_FILES = frozenset({"build.json"})


@dataclass(frozen=True)
class StoredFile:
    """A built or indexed file the catalogue describes and a download route serves.

    ``key`` is what names it in its URL (a LiDAR file's index id, never a path), so a URL can
    only ever reach a file the registry lists."""

    key: str
    path: Path
    byte_size: int
    sha256: str | None
    srid: int | None


@dataclass(frozen=True)
class Products:
    """What a layer has on disk besides vector downloads: LiDAR files, a COG, a 3D Tiles
    tileset (its servable files' total size), a CityJSON export, and the ground resolution
    in metres when one is known (a raster's cell size, a point cloud's mean point spacing)."""

    lidar_files: tuple[StoredFile, ...] = ()
    raster: StoredFile | None = None
    tileset_bytes: int | None = None
    cityjson: StoredFile | None = None
    resolution_m: float | None = None


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
    products: Products = field(default_factory=Products)


def catalog_dates(conn: Connection, layers: list[Layer]) -> tuple[datetime | None,
                                                                  datetime | None]:
    """(first, last) successful load over the given layers: the catalogue's issued/modified."""
    return registry.load_period(conn, [la.id for la in layers])


def download_root(data_dir: Path) -> Path:
    return data_dir.resolve() / "downloads"


def tiles_root(data_dir: Path) -> Path:
    """Where built 3D Tiles live (``Settings.tiles_dir``: the same folder)."""
    return data_dir.resolve() / "tiles"


def cityjson_path(data_dir: Path, layer_id: str) -> Path:
    """Where ``twin export cityjson`` writes a building layer's model by default."""
    return data_dir.resolve() / "exports" / f"{layer_id}.city.json"


def tileset_bytes(tiles_dir: Path, layer_id: str) -> int | None:
    """Total size of the servable files of ``tiles_dir/<layer>`` (None: no tileset)."""
    entry = tiles_dir / layer_id / "tileset.json"
    try:
        stat = entry.stat()
    except OSError:
        return None
    return _folder_bytes(str(entry.parent), stat.st_ino, stat.st_mtime_ns)


@lru_cache(maxsize=64)
def _folder_bytes(folder: str, inode: int, mtime_ns: int) -> int:
    """Walked once per build (a build writes a new tileset.json, so the key moves)."""
    total = 0
    for root, _, names in os.walk(folder):
        for name in names:
            if name not in PRIVATE_TILE_FILES and not name.startswith("."):
                total += (Path(root) / name).stat().st_size
    return total


def _stored(key: str, path: Path, sha256: str | None, srid: int | None) -> StoredFile | None:
    try:
        size = path.stat().st_size
    except OSError:
        return None
    return StoredFile(key, path, size, sha256, srid)


def layer_products(conn: Connection, layer: Layer, data_dir: Path) -> Products:
    """The layer's files on disk, from the registry's indexes (never from a directory scan
    of sources): LiDAR files by index id, the raster by its ``twin.raster`` row."""
    lidar: list[StoredFile] = []
    raster: StoredFile | None = None
    resolution: float | None = None
    if layer.spec.kind == "lidar":
        rows = indexed_files(conn, layer.id)
        for row in rows:
            found = _stored(str(row["file_id"]), Path(row["path"]), row["checksum"],
                            row["horizontal_epsg"])
            if found is not None:
                lidar.append(found)
        densities = [row["density"] for row in rows if row["density"] > 0]
        if densities:  # nominal point spacing of the mean density (points per m²)
            resolution = round((sum(densities) / len(densities)) ** -0.5, 3)
    elif layer.spec.kind == "raster":
        built = raster_file(conn, layer.id)
        if built is not None:
            raster = _stored(layer.id, Path(built["path"]), None, built["srid"])
            resolution = built["resolution"]
    # `twin export cityjson` reads the layer's raw table: a layer with personal-field rules
    # would leak through it what its published view drops, so its model is never offered
    cityjson = (_stored(layer.id, cityjson_path(data_dir, layer.id), None, layer.storage_srid)
                if layer.spec.kind == "vector" and not layer.spec.personal_fields else None)
    return Products(tuple(lidar), raster, tileset_bytes(tiles_root(data_dir), layer.id),
                    cityjson, resolution)


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
        for fmt in export.formats_for(layer):
            for crs in export.CRS_CHOICES[:1] if layer.spec.kind == "table" else \
                    export.CRS_CHOICES:
                built = export.cached(root, layer, fmt, crs)
                if built is not None:
                    downloads[(fmt, crs)] = built
        records.append(DatasetRecord(layer, issued, modified, start, downloads,
                                     layer_products(conn, layer, data_dir)))
    return records
