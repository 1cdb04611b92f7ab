"""Orthophotos: ``twin ingest raster`` turns a GeoTIFF into a COG in the data folder and
registers it as a raster layer (kind ``raster``, geometry type ``Raster``).

The COG is ``<rasters>/<layer>.tif`` and is indexed in ``twin.raster`` as product
``ortho`` (migration ``0017_raster_ortho``), in the transaction that publishes the version:
the raster index is what the download route and the catalogue read (`gis.raster.index`), so
an orthophoto is a range-readable download and a DCAT distribution exactly like a DTM/DSM.
Its row names the layer itself as its source and has no fill mask (every pixel is measured).
A load is all or nothing: the source is read and written to a hidden partial COG first; only
a complete, valid COG replaces the previous file, in the transaction that publishes the new
version; a bad file fails the load (recorded) and leaves the previous version and its file
as they were.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import rasterio.shutil
from rasterio.errors import RasterioError
from sqlalchemy import Engine

from gis import registry
from gis.errors import IngestError
from gis.geodesy import transformer
from gis.lidar import sql
from gis.model import LayerSpec, VersionStats

#: band data types an image may have (8-bit photos; 16-bit ones are rescaled when tiled)
IMAGE_TYPES = ("uint8", "uint16")
#: the ``twin.raster`` product of an orthophoto (the others are LiDAR-derived: dtm, dsm)
ORTHO = "ortho"


@dataclass(frozen=True)
class OrthoIngest:
    layer_id: str
    path: Path
    version: int
    width: int
    height: int
    bands: int
    resolution: float


def ortho_path(rasters_dir: Path, layer_id: str) -> Path:
    """Where the COG of an image layer lives (one file per layer, replaced by each load)."""
    return rasters_dir / f"{layer_id}.tif"


def _checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class _Source:
    srid: int
    crs_text: str
    width: int
    height: int
    bands: int
    resolution: float
    bounds: tuple[float, float, float, float]


def inspect_image(path: Path) -> _Source:
    """Check that ``path`` is a georeferenced image this service can tile; a clear error
    naming the file and the problem otherwise."""
    name = str(path)
    try:
        with rasterio.open(path) as dataset:
            if dataset.crs is None:
                raise IngestError(name, "the image has no coordinate reference system")
            epsg = dataset.crs.to_epsg()
            if epsg is None:
                raise IngestError(name, f"CRS {dataset.crs.to_string()!r} has no EPSG code")
            if dataset.count not in (1, 3, 4):
                raise IngestError(name, f"{dataset.count} bands: an orthophoto has 1, 3 "
                                        "(RGB) or 4 (RGBA)")
            if dataset.dtypes[0] not in IMAGE_TYPES:
                raise IngestError(name, f"band type {dataset.dtypes[0]}: an image is "
                                        f"{' or '.join(IMAGE_TYPES)}")
            if dataset.transform.is_identity:
                raise IngestError(name, "the image has no georeferencing (identity transform)")
            # read one overview-sized block: a truncated file fails here, not half-way
            dataset.read(1, out_shape=(min(dataset.height, 64), min(dataset.width, 64)))
            bounds = tuple(float(v) for v in dataset.bounds)
            return _Source(int(epsg), f"EPSG:{epsg}", dataset.width, dataset.height,
                           dataset.count, float(abs(dataset.transform.a)),
                           (bounds[0], bounds[1], bounds[2], bounds[3]))
    except RasterioError as error:
        raise IngestError(name, f"not a readable GeoTIFF ({error})") from error


def _extent_4326(source: _Source) -> list[float]:
    xs = np.linspace(source.bounds[0], source.bounds[2], 5)
    ys = np.linspace(source.bounds[1], source.bounds[3], 5)
    gx, gy = np.meshgrid(xs, ys)
    lon, lat = transformer(source.crs_text, "EPSG:4326").transform(gx.ravel(), gy.ravel())
    return [float(np.min(lon)), float(np.min(lat)), float(np.max(lon)), float(np.max(lat))]


def _write_cog(source: Path, partial: Path) -> None:
    with rasterio.open(source) as dataset:
        rasterio.shutil.copy(dataset, partial, driver="COG", COMPRESS="DEFLATE",
                             BLOCKSIZE=512, OVERVIEWS="AUTO", OVERVIEW_RESAMPLING="AVERAGE",
                             BIGTIFF="IF_SAFER")


def _index_row(layer_id: str, version: int, target: Path, source: _Source,
               extent_4326: list[float], checksums: dict[str, str]) -> dict[str, Any]:
    """The ``twin.raster`` row of an orthophoto: its own layer is its source, every pixel is
    data and nothing is filled (so no fill mask: an empty path)."""
    return {
        "layer_id": layer_id, "product": ORTHO, "path": str(target),
        "resolution": source.resolution, "width": source.width, "height": source.height,
        "extent": list(source.bounds), "extent_4326": extent_4326, "crs": source.crs_text,
        "srid": source.srid, "source_layer_id": layer_id, "source_version": version,
        "source_checksums": checksums, "data_cells": source.width * source.height,
        "filled_cells": 0, "nodata_cells": 0, "filled_mask_path": "",
    }


def ingest_ortho(engine: Engine, spec: LayerSpec, source_path: Path, rasters_dir: Path,
                 source_name: str | None = None) -> OrthoIngest:
    """Load one image as the next version of raster layer ``spec.id`` (see the module)."""
    name = source_name or str(source_path)
    if spec.kind != "raster":
        raise IngestError(name, f"layer {spec.id} is declared as {spec.kind}, not raster")
    if not source_path.is_file():
        raise IngestError(name, "no such file")
    source = inspect_image(source_path)  # a file that is no image registers nothing
    target = ortho_path(rasters_dir, spec.id)
    partial = target.with_name(f".{target.name}.partial")
    checksum = _checksum(source_path)
    with engine.begin() as conn:
        registry.register(conn, spec, source.crs_text)
        registry.abandon_stale_loads(conn, spec.id)
        load_id = registry.start_load(conn, spec.id, name, checksum)
    try:
        rasters_dir.mkdir(parents=True, exist_ok=True)
        try:
            _write_cog(source_path, partial)
        except RasterioError as error:
            raise IngestError(name, f"could not be converted to a COG: {error}") from error
        extent_4326 = _extent_4326(source)
        with engine.begin() as conn:
            version = registry.publish_version(conn, load_id, spec.id, datetime.now(UTC),
                                               VersionStats(
                feature_count=source.width * source.height, geometry_type="Raster",
                extent=list(source.bounds), extent_4326=extent_4326,
                quality={"width": source.width, "height": source.height,
                         "bands": source.bands, "resolution": source.resolution,
                         "crs": source.crs_text},
                checksum=checksum))
            sql.upsert_raster(conn, _index_row(spec.id, version, target, source, extent_4326,
                                               {name: checksum}))
            partial.replace(target)  # the commit follows: a failed rename rolls back
    except Exception as error:
        partial.unlink(missing_ok=True)
        with engine.begin() as conn:
            registry.fail_load(conn, load_id, str(error)[:500], None, checksum)
        raise
    return OrthoIngest(spec.id, target, version, source.width, source.height, source.bands,
                       source.resolution)
