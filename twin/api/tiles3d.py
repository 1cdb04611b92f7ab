"""``/3dtiles/{tileset}/...``: built 3D Tiles (point clouds, buildings) as static files.

A tileset is the folder ``tiles_dir/<layer>`` of a registry layer; it is served only to callers
who may see that layer (404 otherwise, like an unknown name, so existence never leaks).
Responses carry CORS, a weak ETag (304 on If-None-Match), Cache-Control and gzip when asked.
tileset.json is revalidated on every use (a rebuild changes it); contents are cached for a day
because CesiumJS requests them with ``?v=<asset.tilesetVersion>``, which changes per build.
Only an open layer's tiles are ``public``: those of shared and closed layers are ``private``,
so no shared cache hands what one keyed caller fetched to the next.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from gis import registry
from gis.access import decide
from gis.errors import LayerNotFound
from gis.model import Layer
from twin.access import Caller, get_caller
from twin.errors import TileNotFound

router = APIRouter(tags=["3D Tiles"])
CallerDep = Annotated[Caller, Depends(get_caller)]

TILESET = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
MEDIA_TYPES = {
    ".json": "application/json", ".glb": "model/gltf-binary",
    ".b3dm": "application/octet-stream", ".pnts": "application/octet-stream",
    ".i3dm": "application/octet-stream", ".cmpt": "application/octet-stream",
    ".subtree": "application/octet-stream",
}
PRIVATE_FILES = {"build.json"}  # build manifests name server paths
GZIP_MIN_BYTES = 1024


@dataclass(frozen=True)
class TileFile:
    path: Path
    etag: str
    media_type: str


def resolve_file(tiles_dir: Path, tileset: str, path: str) -> TileFile | None:
    """The file a request names, or None for anything outside the tileset or not servable."""
    segments = path.split("/")
    if (not TILESET.match(tileset) or not all(SEGMENT.match(s) for s in segments)
            or segments[-1] in PRIVATE_FILES):
        return None
    suffix = Path(segments[-1]).suffix.lower()
    if suffix not in MEDIA_TYPES:
        return None
    root = (tiles_dir / tileset).resolve()
    target = root.joinpath(*segments).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        return None
    stat = target.stat()
    return TileFile(target, f'W/"{stat.st_size:x}-{stat.st_mtime_ns:x}"', MEDIA_TYPES[suffix])


def _visible_layer(request: Request, caller: Caller, tileset: str) -> Layer | None:
    """The tileset's layer when the caller may see it."""
    try:
        with request.app.state.engine.connect() as conn:
            layer = registry.get_layer(conn, tileset)
    except LayerNotFound:
        return None
    return layer if decide(caller, layer, "read").allowed else None


def _headers(found: TileFile, layer: Layer) -> dict[str, str]:
    """Shared caches may keep an open layer's tiles; anything else is the caller's alone (a
    proxy must not hand a closed layer's tiles, fetched with a key, to the next caller)."""
    scope = "public" if layer.spec.access_level == "open" else "private"
    freshness = "no-cache" if found.path.name == "tileset.json" else "max-age=86400"
    return {"ETag": found.etag, "Cache-Control": f"{scope}, {freshness}",
            "Access-Control-Allow-Origin": "*",
            "Vary": "Accept-Encoding, Authorization, X-API-Key"}


def _body(found: TileFile, accept_encoding: str) -> tuple[bytes, dict[str, str]]:
    data = found.path.read_bytes()
    if "gzip" in accept_encoding.lower() and len(data) >= GZIP_MIN_BYTES:
        return gzip.compress(data, compresslevel=5), {"Content-Encoding": "gzip"}
    return data, {}


@router.api_route("/3dtiles/{tileset}/{path:path}", methods=["GET", "HEAD"],
                  include_in_schema=False)
async def tiles3d(tileset: str, path: str, request: Request, caller: CallerDep) -> Response:
    """A tileset.json or one of its contents, for callers who may see its layer."""
    tiles_dir: Path = request.app.state.settings.tiles_dir
    found = await run_in_threadpool(resolve_file, tiles_dir, tileset, path)
    layer = None if found is None else await run_in_threadpool(
        _visible_layer, request, caller, tileset)
    if found is None or layer is None:
        raise TileNotFound(tileset, path)
    headers = _headers(found, layer)
    if found.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    body, extra = await run_in_threadpool(_body, found,
                                          request.headers.get("accept-encoding", ""))
    headers.update(extra)
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(status_code=200, headers=headers, media_type=found.media_type)
    return Response(content=body, headers=headers, media_type=found.media_type)
