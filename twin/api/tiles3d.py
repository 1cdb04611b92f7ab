"""``/3dtiles/{tileset}/...``: built 3D Tiles (point clouds, buildings) as static files.

A tileset is the folder ``tiles_dir/<layer>`` of a registry layer; it is served only to callers
who may see that layer (404 otherwise, like an unknown name, so existence never leaks).
Responses carry CORS, a strong ETag (304 on If-None-Match, `twin.http_cache`), Cache-Control
and gzip when asked.

Versioned URLs. The entry point ``tileset.json`` is served with every content URI carrying
``?v=<build>`` (the build's ``asset.tilesetVersion`` and the time tileset.json was written,
so a forced rebuild of the same sources is a new build too); a content requested with the
current build's ``v`` can never change under that URL, so it is ``immutable`` for a year.
Query parameters are the 3D Tiles way (CesiumJS itself adds ``?v=<tilesetVersion>``, which
ours overrides, and relative URIs keep resolving against the unchanged folder): no path
rewriting, and the tileset on disk stays the one the builder wrote. The entry point, an
unversioned content and one asked with a stale ``v`` (a client holding the previous
tileset.json across a rebuild) are ``no-cache``: revalidated with their ETag at each use.

ETags name the bytes: inode, size and modification time of the file read (a build writes new
files and swaps the folder in; a partial rebuild hard-links unchanged tiles, which keep their
ETags), a gzip variant its own tag, a rewritten tileset JSON the build it points to. Tiles
are the same bytes for every caller who may see them; only an open layer's are ``public``:
those of shared and closed layers are ``private``, so no shared cache hands what one keyed
caller fetched to the next.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from gis import registry
from gis.access import decide
from gis.errors import LayerNotFound
from gis.model import Layer
from twin.access import Caller, get_caller
from twin.errors import TileNotFound
from twin.http_cache import Scope, Validators, cache_control, immutable, make_etag

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
ENTRY = "tileset.json"
GZIP_MIN_BYTES = 1024
VARY = "Accept-Encoding, Authorization, X-API-Key"
CORS = {"Access-Control-Allow-Origin": "*"}
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^/")


@dataclass(frozen=True)
class TileFile:
    path: Path
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
    return TileFile(target, MEDIA_TYPES[suffix])


def _identity(stat: os.stat_result) -> str:
    """One file as written by one build (builds never rewrite a file in place)."""
    return f"{stat.st_ino:x}-{stat.st_size:x}-{stat.st_mtime_ns:x}"


def current_build(tiles_dir: Path, tileset: str) -> str | None:
    """The ``v`` of the tileset's current build (None: no tileset.json), from one stat."""
    entry = tiles_dir / tileset / ENTRY
    try:
        stat = entry.stat()
    except OSError:
        return None
    return _build_token(str(entry), stat.st_ino, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _build_token(path: str, inode: int, size: int, mtime_ns: int) -> str:
    """``<asset.tilesetVersion>.<mtime>`` of one written tileset.json (read once per build)."""
    try:
        asset = json.loads(Path(path).read_bytes()).get("asset", {})
        version = str(asset.get("tilesetVersion", "")) if isinstance(asset, dict) else ""
    except (OSError, ValueError):
        version = ""
    return quote(f"{version}.{mtime_ns:x}", safe="")


def _versioned_uri(uri: str, build: str) -> str:
    if _ABSOLUTE.match(uri) or "v=" in uri.partition("?")[2]:
        return uri
    return f"{uri}{'&' if '?' in uri else '?'}v={build}"


def _version_contents(tile: dict[str, Any], build: str) -> None:
    for content in [tile.get("content"), *tile.get("contents", [])]:
        if isinstance(content, dict) and isinstance(content.get("uri"), str):
            content["uri"] = _versioned_uri(content["uri"], build)
    for child in tile.get("children", []):
        if isinstance(child, dict):
            _version_contents(child, build)


@lru_cache(maxsize=16)
def _versioned_tileset(path: str, identity: str, build: str) -> bytes | None:
    """A tileset JSON with every content URI under the build's ``v`` (None: not a tileset
    document, served as written). Cached per file and build: rewritten once per build."""
    try:
        document = json.loads(Path(path).read_bytes())
    except ValueError:
        return None
    if not isinstance(document, dict) or not isinstance(document.get("root"), dict):
        return None
    _version_contents(document["root"], build)
    return json.dumps(document, separators=(",", ":"), allow_nan=False).encode()


def _visible_layer(request: Request, caller: Caller, tileset: str) -> Layer | None:
    """The tileset's layer when the caller may see it."""
    try:
        with request.app.state.engine.connect() as conn:
            layer = registry.get_layer(conn, tileset)
    except LayerNotFound:
        return None
    return layer if decide(caller, layer, "read").allowed else None


@dataclass(frozen=True)
class Served:
    """What a request gets: the body (None for a 304) and its headers."""

    status: int
    body: bytes | None
    headers: dict[str, str]


def serve(tiles_dir: Path, tileset: str, found: TileFile, layer: Layer, version: str | None,
          accept_encoding: str, if_none_match: str | None) -> Served:
    """The representation of one tileset file for one request, or its 304."""
    scope: Scope = "public" if layer.spec.access_level == "open" else "private"
    build = current_build(tiles_dir, tileset)
    versioned = build is not None and version == build
    stat = found.path.stat()
    rewritten = None
    if found.path.suffix.lower() == ".json" and build is not None:
        rewritten = _versioned_tileset(str(found.path), _identity(stat), build)
    size = stat.st_size if rewritten is None else len(rewritten)
    gzipped = "gzip" in accept_encoding.lower() and size >= GZIP_MIN_BYTES
    validators = _validators(stat, build if rewritten is not None else None, gzipped,
                             immutable(scope) if versioned else cache_control(scope))
    unchanged = validators.not_modified(if_none_match, CORS)
    if unchanged is not None:
        return Served(304, None, dict(unchanged.headers))
    if rewritten is None:
        with found.path.open("rb") as handle:  # the ETag of the bytes actually read
            data, stat = handle.read(), os.fstat(handle.fileno())
    else:
        data = rewritten
    if versioned and current_build(tiles_dir, tileset) != build:
        versioned = False  # rebuilt while we read: these bytes may be the new build's
    validators = _validators(stat, build if rewritten is not None else None, gzipped,
                             immutable(scope) if versioned else cache_control(scope))
    headers = {**validators.headers(), **CORS}
    if gzipped:
        data = gzip.compress(data, compresslevel=5)
        headers["Content-Encoding"] = "gzip"
    return Served(200, data, headers)


def _validators(stat: os.stat_result, build: str | None, gzipped: bool,
                rules: str) -> Validators:
    if build is None:
        etag = f'"{_identity(stat)}{"-gz" if gzipped else ""}"'
    else:  # a rewritten tileset: its bytes depend on the build its URIs point to
        etag = make_etag("tileset", _identity(stat), build, gzipped)
    return Validators(etag, rules, VARY)


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
    served = await run_in_threadpool(
        serve, tiles_dir, tileset, found, layer, request.query_params.get("v"),
        request.headers.get("accept-encoding", ""), request.headers.get("if-none-match"))
    if served.body is None:
        return Response(status_code=304, headers=served.headers)
    if request.method == "HEAD":
        return Response(status_code=200, media_type=found.media_type,
                        headers={**served.headers, "Content-Length": str(len(served.body))})
    return Response(content=served.body, headers=served.headers, media_type=found.media_type)
