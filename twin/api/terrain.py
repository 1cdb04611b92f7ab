"""``/terrain/{terrain}/layer.json`` and ``/terrain/{terrain}/{z}/{x}/{y}.terrain``.

A terrain is the folder ``data_dir/terrain/<id>`` `tiles.terrain.build` writes. Its
``source.json`` names the DTM layers it was made from: a caller sees the terrain only when
they may read every one of them (`gis.access.decide`), otherwise 404 like an unknown name,
as for 3D Tiles (a bad key is 401 before that). Tiles are stored gzipped and served as they
are, with ``Content-Encoding: gzip`` whatever ``Accept-Encoding`` says: CesiumJS has no
inflate code of its own and relies on the browser, and the app has no compression
middleware that could gzip them twice. The media type names the extensions the tile carries
(``octvertexnormals``, ``metadata``); decoders skip extensions they did not ask for, which is
why one stored body serves every ``Accept`` CesiumJS sends. ETags name the file as written
(inode, size, mtime: a rebuild writes new files); tiles and layer.json are ``no-cache``
(revalidated), ``public`` only when every source layer is open.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from gis.access import decide
from gis.model import Layer
from twin.access import Caller, get_caller, resolve_caller
from twin.errors import NotAcceptable, TileNotFound
from twin.http_cache import Scope, Validators, cache_control

router = APIRouter(tags=["Terrain"])
CallerDep = Annotated[Caller, Depends(get_caller)]

TERRAIN = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
MEDIA_TYPE = "application/vnd.quantized-mesh"
TILE_MEDIA_TYPE = f"{MEDIA_TYPE};extensions=octvertexnormals-metadata"
ACCEPTABLE = (MEDIA_TYPE, "application/octet-stream", "application/*", "*/*")
VARY = "Accept, Authorization, X-API-Key"
CORS = {"Access-Control-Allow-Origin": "*"}


def terrain_root(request: Request) -> Path:
    return Path(request.app.state.settings.data_dir).resolve() / "terrain"


def source_layers(root: Path, terrain: str) -> list[str] | None:
    """The source layer ids of a terrain (None: no such terrain, or no readable source.json)."""
    if not TERRAIN.match(terrain):
        return None
    try:
        document = json.loads((root / terrain / "source.json").read_text())
    except (OSError, ValueError):
        return None
    layers = document.get("layers") if isinstance(document, dict) else None
    if not isinstance(layers, list) or not layers or not all(isinstance(x, str) for x in layers):
        return None
    return layers


def _visible_sources(request: Request, caller: Caller, layer_ids: list[str]
                     ) -> list[Layer] | None:
    """The source layers when the caller may read all of them, else None. The layers come
    from the OGC catalogue's TTL-refreshed registry (`Catalog.registered`), not from a
    registry read per tile: a closed, re-shared or new layer is seen within the TTL."""
    registered = request.app.state.ogc.catalog.registered()
    layers = [registered.get(layer_id) for layer_id in layer_ids]
    found = [layer for layer in layers if layer is not None]
    if len(found) < len(layers):
        return None
    return found if all(decide(caller, layer, "read").allowed for layer in found) else None


def visible_terrains(request: Request) -> list[str]:
    """The ids of the terrains the request's caller may read, sorted.

    Blocking (files and the store): call it from a thread (``run_in_threadpool``) in an
    async route. A bad key raises `InvalidCredentials` (401), as on every route.
    """
    caller = resolve_caller(request)
    root = terrain_root(request)
    found = []
    for entry in sorted(root.glob("*/layer.json")):
        layers = source_layers(root, entry.parent.name)
        if layers is not None and _visible_sources(request, caller, layers) is not None:
            found.append(entry.parent.name)
    return found


@dataclass(frozen=True)
class Served:
    status: int
    body: bytes | None
    headers: dict[str, str]


def _accepts_terrain(accept: str | None) -> bool:
    """Whether an ``Accept`` header admits a quantized-mesh tile (absent: yes)."""
    if not accept or not accept.strip():
        return True
    for item in accept.split(","):
        media, *params = (p.strip() for p in item.split(";"))
        quality = next((p[2:] for p in params if p.startswith("q=")), "1")
        try:
            if media.lower() in ACCEPTABLE and float(quality) > 0:
                return True
        except ValueError:
            continue
    return False


def serve_file(path: Path, scope: Scope, if_none_match: str | None, gzipped: bool) -> Served:
    """One stored file (or its 304), with the ETag of the bytes actually read."""
    try:
        with path.open("rb") as handle:
            data, stat = handle.read(), os.fstat(handle.fileno())
    except OSError:
        return Served(404, None, {})
    etag = f'"{stat.st_ino:x}-{stat.st_size:x}-{stat.st_mtime_ns:x}"'
    validators = Validators(etag, cache_control(scope), VARY)
    unchanged = validators.not_modified(if_none_match, CORS)
    if unchanged is not None:
        return Served(304, None, dict(unchanged.headers))
    headers = {**validators.headers(), **CORS}
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return Served(200, data, headers)


async def _served(request: Request, caller: Caller, terrain: str, relative: str,
                  gzipped: bool) -> Served:
    root = terrain_root(request)
    layers = await run_in_threadpool(source_layers, root, terrain)
    sources = None if layers is None else await run_in_threadpool(
        _visible_sources, request, caller, layers)
    if sources is None:
        raise TileNotFound(terrain, relative)
    scope: Scope = ("public" if all(s.spec.access_level == "open" for s in sources)
                    else "private")
    served = await run_in_threadpool(serve_file, root / terrain / relative, scope,
                                     request.headers.get("if-none-match"), gzipped)
    if served.status == 404:
        raise TileNotFound(terrain, relative)
    return served


def _response(request: Request, served: Served, media_type: str) -> Response:
    if served.body is None:
        return Response(status_code=304, headers=served.headers)
    if request.method == "HEAD":
        return Response(status_code=200, media_type=media_type,
                        headers={**served.headers, "Content-Length": str(len(served.body))})
    return Response(content=served.body, headers=served.headers, media_type=media_type)


@router.api_route("/terrain/{terrain}/layer.json", methods=["GET", "HEAD"],
                  include_in_schema=False)
async def terrain_layer(terrain: str, request: Request, caller: CallerDep) -> Response:
    """The terrain's layer.json (tiling, ``available`` ranges, extensions)."""
    served = await _served(request, caller, terrain, "layer.json", gzipped=False)
    return _response(request, served, "application/json")


@router.api_route("/terrain/{terrain}/{z}/{x}/{y}.terrain", methods=["GET", "HEAD"],
                  include_in_schema=False)
async def terrain_tile(terrain: str, z: int, x: int, y: int, request: Request,
                       caller: CallerDep) -> Response:
    """One gzip quantized-mesh tile, as stored."""
    if min(z, x, y) < 0 or z > 30:
        raise TileNotFound(terrain, f"{z}/{x}/{y}")
    served = await _served(request, caller, terrain, f"{z}/{x}/{y}.terrain", gzipped=True)
    if served.status == 200 and not _accepts_terrain(request.headers.get("accept")):
        raise NotAcceptable("terrain tiles are application/vnd.quantized-mesh")
    return _response(request, served, TILE_MEDIA_TYPE)
