"""Map tiles of raster layers (DTM, DSM, orthophotos): OGC API - Tiles, "map" resources.

``/collections/{layer}/map/tiles`` lists the tileset, ``.../map/tiles/WebMercatorQuad`` is
its metadata and ``.../map/tiles/WebMercatorQuad/{z}/{y}/{x}?style=`` one 256 px PNG:

- a DTM or DSM: ``hillshade`` (default), ``colour-relief``, and ``height`` (DSM - DTM, the
  height above ground) when the layer's sibling model (``<lidar>_dtm``/``_dsm``) exists and
  the caller may see it too;
- an orthophoto (``twin ingest raster``): ``image``.

Rendering is `tiles.raster.render` (rio-tiler reading the COG). A layer the caller may not
read answers 404 like an unknown one. Tiles are kept in a byte-bounded LRU (`ByteLRU`, the
size of the vector-tile cache) keyed, like their strong ETag, by the files' identity (inode,
size, modification time: a rebuild swaps a new file in), so a rebuilt model is never served
from the cache and a revalidation is a 304 without reading the COG. An open layer's tiles
are ``public``; a shared or closed one's ``private``. The layer's ``twin.raster`` row is read
once per registry stamp (`RasterRows`), not per tile.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool

from gis import registry
from gis.access import decide
from gis.errors import LayerNotFound
from gis.model import Layer
from gis.raster.index import RasterFile, raster_file
from gis.raster.ortho import ORTHO, ortho_path
from tiles.raster import render
from tiles.raster.render import Style, TileIndex
from twin.access import Caller, get_caller
from twin.errors import BadRequest, DatasetNotFound, NotFound
from twin.http_cache import ByteLRU, Scope, Validators, cache_control, make_etag
from twin.settings import Settings

router = APIRouter(tags=["OGC API Tiles (maps)"])
CallerDep = Annotated[Caller, Depends(get_caller)]

PNG: Final = "image/png"
TMS: Final = "WebMercatorQuad"
TMS_URI: Final = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
CRS_3857: Final = "http://www.opengis.net/def/crs/EPSG/0/3857"
MAX_ZOOM: Final = 22
SIBLING: Final = {"dtm": "dsm", "dsm": "dtm"}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class MapSource:
    """What the map tiles of one raster layer are drawn from, as this caller may see it."""

    layer: Layer
    path: Path
    styles: tuple[Style, ...]
    #: the DTM and DSM of the height style, DSM first (None without one)
    height_pair: tuple[Path, Path] | None
    scope: Scope

    def stamp(self, style: Style) -> tuple[Any, ...]:
        """Identity of the files a style reads: a rebuild gives a new one."""
        files = self.height_pair if style == "height" and self.height_pair else (self.path,)
        return tuple((s.st_ino, s.st_size, s.st_mtime_ns) for s in (f.stat() for f in files))


class RasterRows:
    """The ``twin.raster`` rows of the map-tile routes, kept by layer and registry stamp.

    A page of the map asks for dozens of tiles at once; each needs the layer's row (and
    its sibling's for the height style). A build writes the row in the transaction that
    publishes the layer's new version (`gis.raster.build`, `gis.raster.ortho`), which moves
    the stamp the catalogue polls (`current_version`, `updated_at`), so a row kept under
    that stamp is the current one and a rebuild is read again on the next poll."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[tuple[Any, ...], RasterFile | None]] = {}
        self._lock = threading.Lock()

    def get(self, conn: Any, layer: Layer) -> RasterFile | None:
        stamp = (layer.current_version, layer.updated_at, layer.edit_seq)
        with self._lock:
            kept = self._rows.get(layer.id)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        row = raster_file(conn, layer.id)
        with self._lock:
            self._rows[layer.id] = (stamp, row)
        return row


def raster_rows(request: Request) -> RasterRows:
    """The app's raster-row cache, made on first use."""
    state = request.app.state
    with _cache_lock:
        rows: RasterRows | None = getattr(state, "raster_rows", None)
        if rows is None:
            rows = RasterRows()
            state.raster_rows = rows
    return rows


def _row(conn: Any, layer: Layer, rows: RasterRows | None) -> RasterFile | None:
    return rows.get(conn, layer) if rows is not None else raster_file(conn, layer.id)


def _rasters_dir(settings: Settings) -> Path:
    return settings.data_dir.resolve() / "rasters"


def _readable(conn: Any, caller: Caller, layer_id: str,
              registered: Mapping[str, Layer] | None = None) -> Layer | None:
    if registered is not None:
        layer = registered.get(layer_id)
    else:
        try:
            layer = registry.get_layer(conn, layer_id)
        except LayerNotFound:
            layer = None
    return layer if layer is not None and decide(caller, layer, "read").allowed else None


def map_source(conn: Any, settings: Settings, caller: Caller, layer_id: str,
               registered: Mapping[str, Layer] | None = None,
               rows: RasterRows | None = None) -> MapSource | None:
    """The map source of a raster layer the caller may read, or None (unknown, invisible,
    not a raster, or nothing built yet). ``registered``: the layers as the OGC catalogue
    polled them (`Catalog.registered`), so a tile costs no registry read; else read here.
    ``rows``: the raster rows kept under those layers' stamps (only with ``registered``)."""
    layer = _readable(conn, caller, layer_id, registered)
    if layer is None or layer.spec.kind != "raster":
        return None
    row = _row(conn, layer, rows)
    if row is not None and row["product"] != ORTHO and Path(row["path"]).is_file():
        path = Path(row["path"])
        product = row["product"]
        pair = _height_pair(conn, caller, layer, path, product, registered, rows)
        styles: tuple[Style, ...] = ("hillshade", "colour-relief") + (
            ("height",) if pair else ())
        return MapSource(layer, path, styles, pair, _scope(layer))
    image = ortho_path(_rasters_dir(settings), layer_id)
    if image.is_file():
        return MapSource(layer, image, ("image",), None, _scope(layer))
    return None


def _height_pair(conn: Any, caller: Caller, layer: Layer, path: Path, product: str,
                 registered: Mapping[str, Layer] | None, rows: RasterRows | None
                 ) -> tuple[Path, Path] | None:
    other = SIBLING.get(product)
    if other is None or not layer.id.endswith(f"_{product}"):
        return None
    sibling_id = layer.id.removesuffix(f"_{product}") + f"_{other}"
    sibling = _readable(conn, caller, sibling_id, registered)
    row = _row(conn, sibling, rows) if sibling is not None else None
    if row is None or not Path(row["path"]).is_file():
        return None
    sibling_path = Path(row["path"])
    return (path, sibling_path) if product == "dsm" else (sibling_path, path)


def _scope(layer: Layer) -> Scope:
    """Who may cache a tile: the DTM/DSM pair inherit their LiDAR layer's access level, and a
    pair whose sibling the caller may not read offers no height style, so the layer decides."""
    return "public" if layer.spec.access_level == "open" else "private"


class OnDemandConnection:
    """A connection taken from the pool at its first use: a tile whose layer the catalogue
    polled and whose raster row is kept (`RasterRows`) takes none, so a map page's dozens of
    tiles do not queue for the pool's connections."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Connection | None = None

    def __getattr__(self, name: str) -> Any:
        if self._conn is None:
            self._conn = self._engine.connect()
        return getattr(self._conn, name)

    def __enter__(self) -> OnDemandConnection:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _source(request: Request, caller: Caller, layer_id: str) -> MapSource:
    registered = request.app.state.ogc.catalog.registered()
    with OnDemandConnection(request.app.state.engine) as conn:
        source = map_source(conn, request.app.state.settings, caller, layer_id, registered,
                            raster_rows(request))
    if source is None:
        raise DatasetNotFound()
    return source


def _style(source: MapSource, requested: str | None) -> Style:
    if requested is None:
        return source.styles[0]
    for style in source.styles:
        if style == requested:
            return style
    raise BadRequest(f"style {requested[:40]!r} is not offered for this layer; "
                     f"use one of {', '.join(source.styles)}")


def tile_cache(request: Request) -> ByteLRU:
    """The app's map-tile cache, made on first use (sized like the vector-tile cache)."""
    state = request.app.state
    with _cache_lock:
        cache: ByteLRU | None = getattr(state, "map_tile_cache", None)
        if cache is None:
            cache = ByteLRU(state.settings.tile_cache_bytes)
            state.map_tile_cache = cache
    return cache


def _render(source: MapSource, style: Style, tile: TileIndex) -> bytes:
    if style == "hillshade":
        body = render.render_hillshade(source.path, tile)
    elif style == "colour-relief":
        body = render.render_relief(source.path, tile)
    elif style == "height" and source.height_pair is not None:
        body = render.render_height(*source.height_pair, tile)
    else:
        body = render.render_image(source.path, tile)
    return body if body is not None else render.transparent_tile()


def _tile(request: Request, caller: Caller, layer_id: str, tile: TileIndex,
          requested_style: str | None) -> Response:
    source = _source(request, caller, layer_id)
    if not tile.valid() or tile.z > MAX_ZOOM:
        raise NotFound(f"tile {tile.z}/{tile.y}/{tile.x} is outside {TMS} (zoom 0-{MAX_ZOOM})")
    style = _style(source, requested_style)
    settings: Settings = request.app.state.settings
    stamp = source.stamp(style)
    validators = Validators(
        make_etag("map", layer_id, source.scope, style, stamp, tile.z, tile.x, tile.y),
        cache_control(source.scope, max_age=settings.tile_cache_seconds))
    unchanged = validators.not_modified(request.headers.get("if-none-match"))
    if unchanged is not None:
        return unchanged
    cache = tile_cache(request)
    key = (layer_id, style, stamp, tile.z, tile.x, tile.y)
    body = cache.get(key)
    if body is None:
        body = _render(source, style, tile)
        cache.put(key, body, (layer_id, style), stamp)
    return Response(body, media_type=PNG, headers=validators.headers())


@router.get(f"/collections/{{layer_id}}/map/tiles/{TMS}/{{z}}/{{y}}/{{x}}",
            include_in_schema=False)
async def map_tile(layer_id: str, z: int, y: int, x: int, request: Request,
                   style: str | None = None) -> Response:
    caller = await get_caller(request)
    return await run_in_threadpool(_tile, request, caller, layer_id, TileIndex(z, x, y), style)


def tileset_document(base_url: str, source: MapSource) -> dict[str, Any]:
    """The OGC API - Tiles tileset metadata of a layer's map tiles (one per style)."""
    url = f"{base_url}/collections/{source.layer.id}/map/tiles/{TMS}"
    template = f"{url}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}"
    document: dict[str, Any] = {
        "title": source.layer.spec.label(), "dataType": "map", "crs": CRS_3857,
        "tileMatrixSetURI": TMS_URI,
        "styles": list(source.styles),
        "links": [
            {"rel": "self", "type": "application/json", "href": url},
            {"rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
             "type": "application/json", "href": f"{base_url}/TileMatrixSets/{TMS}"},
            *({"rel": "item", "type": PNG, "templated": True, "title": style,
               "href": f"{template}?style={style}"} for style in source.styles),
        ],
    }
    if source.layer.extent_4326:
        west, south, east, north = source.layer.extent_4326
        document["boundingBox"] = {"lowerLeft": [west, south], "upperRight": [east, north],
                                   "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}
    return document


@router.get("/collections/{layer_id}/map/tiles", include_in_schema=False)
async def map_tilesets(layer_id: str, request: Request, caller: CallerDep) -> JSONResponse:
    source = await run_in_threadpool(_source, request, caller, layer_id)
    base = request.app.state.settings.base_url
    document = tileset_document(base, source)
    summary = {k: document[k] for k in ("title", "dataType", "crs", "tileMatrixSetURI",
                                        "links")}
    return JSONResponse({"links": [{"rel": "self", "type": "application/json",
                                    "href": f"{base}/collections/{layer_id}/map/tiles"}],
                         "tilesets": [summary]})


@router.get(f"/collections/{{layer_id}}/map/tiles/{TMS}", include_in_schema=False)
async def map_tileset(layer_id: str, request: Request, caller: CallerDep) -> JSONResponse:
    source = await run_in_threadpool(_source, request, caller, layer_id)
    return JSONResponse(tileset_document(request.app.state.settings.base_url, source))


__all__ = ["MapSource", "map_source", "router", "tileset_document"]
