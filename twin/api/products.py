"""Downloads of files the store holds besides vector exports: LiDAR tiles, raster COGs and
CityJSON models, each the distribution the catalogue publishes (`twin.catalog.distributions`).

A URL never carries a path: a LiDAR file is named by its index id and looked up in the
registry's index of that layer, a COG by its layer's ``twin.raster`` row, a CityJSON model by
its layer id. Access is `gis.access.decide`'s ``download`` answer, and an invisible layer or
file answers like an unknown one (404). Files are streamed from disk by `FileResponse`,
which answers ``Range`` requests with 206 -- what COG readers (GDAL's /vsicurl/) rely on.
The ETag is the indexed SHA-256 when there is one, else the file's inode, size and mtime
(builds swap files in, never rewrite them).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from gis.model import Layer, LayerKind
from twin.access import Caller, get_caller
from twin.api.catalog import visible_layer
from twin.catalog.records import StoredFile, layer_products
from twin.errors import DatasetNotFound
from twin.http_cache import Scope, Validators, cache_control, make_etag, quoted

router = APIRouter(tags=["downloads"])
CallerDep = Annotated[Caller, Depends(get_caller)]
STABLE_SECONDS = 300
MEDIA_TYPES = {".laz": "application/vnd.laszip", ".las": "application/vnd.las",
               ".tif": "image/tiff", ".json": "application/city+json"}


def _find(request: Request, caller: Caller, layer_id: str, kind: LayerKind,
          key: str) -> tuple[Layer, StoredFile]:
    """The registered file ``key`` of a layer the caller may download, or 404."""
    layer = visible_layer(request, caller, layer_id, "download")
    if layer.spec.kind != kind:
        raise DatasetNotFound()
    with request.app.state.engine.connect() as conn:
        products = layer_products(conn, layer, request.app.state.settings.data_dir)
    candidates = {"lidar": products.lidar_files,
                  "raster": (products.raster,) if products.raster else (),
                  "vector": (products.cityjson,) if products.cityjson else ()}[kind]
    for stored in candidates:
        if stored.key == key and stored.path.is_file():
            return layer, stored
    raise DatasetNotFound()


def _send(request: Request, layer: Layer, stored: StoredFile, media_type: str) -> Response:
    scope: Scope = "public" if layer.spec.access_level == "open" else "private"
    stat = stored.path.stat()
    etag = (quoted(stored.sha256) if stored.sha256
            else make_etag(stat.st_ino, stat.st_size, stat.st_mtime_ns))
    answer = Validators(etag, cache_control(scope, max_age=STABLE_SECONDS))
    unchanged = answer.not_modified(request.headers.get("if-none-match"))
    if unchanged is not None:
        return unchanged
    return FileResponse(stored.path, media_type=media_type, filename=stored.path.name,
                        headers=answer.headers(), stat_result=stat)


def _split(name: str, suffixes: tuple[str, ...]) -> tuple[str, str]:
    for suffix in suffixes:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)], suffix
    raise DatasetNotFound()


@router.api_route("/downloads/lidar/{layer_id}/{name}", methods=["GET", "HEAD"],
                  include_in_schema=False)
async def lidar_file(request: Request, caller: CallerDep, layer_id: str, name: str) -> Response:
    """One indexed LAS/LAZ file of a LiDAR layer, by its index id (``<id>.laz``)."""
    key, suffix = _split(name, (".laz", ".las"))
    layer, stored = await run_in_threadpool(_find, request, caller, layer_id, "lidar", key)
    if stored.path.suffix.lower() != suffix:
        raise DatasetNotFound()
    return _send(request, layer, stored, MEDIA_TYPES[suffix])


@router.api_route("/downloads/rasters/{name}", methods=["GET", "HEAD"],
                  include_in_schema=False)
async def raster(request: Request, caller: CallerDep, name: str) -> Response:
    """A DTM/DSM or orthophoto layer's Cloud Optimized GeoTIFF (``<layer>.tif``), with Range
    support."""
    layer_id, _ = _split(name, (".tif",))
    layer, stored = await run_in_threadpool(_find, request, caller, layer_id, "raster",
                                            layer_id)
    return _send(request, layer, stored, MEDIA_TYPES[".tif"])


@router.api_route("/downloads/cityjson/{name}", methods=["GET", "HEAD"],
                  include_in_schema=False)
async def cityjson(request: Request, caller: CallerDep, name: str) -> Response:
    """A building layer's CityJSON 2.0 export (``<layer>.city.json``)."""
    layer_id, _ = _split(name, (".city.json",))
    layer, stored = await run_in_threadpool(_find, request, caller, layer_id, "vector",
                                            layer_id)
    return _send(request, layer, stored, MEDIA_TYPES[".json"])


__all__ = ["router"]
