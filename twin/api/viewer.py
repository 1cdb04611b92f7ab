"""``GET /viewer``: the CesiumJS viewer of the digital twin, served entirely by the app.

The page lists only what the caller may see: building and point-cloud tilesets built under
``tiles_dir/<layer>/`` for layers visible to the caller, and the visible vector layers as
GeoJSON from the OGC API. CesiumJS itself comes from the npm ``cesium`` package (no CDN, no
Cesium ion: no token, no ion imagery or terrain).

Staff and partners sign in at ``/sign-in``: an HTTP Basic challenge (user: the key id,
password: the secret, or any user and the whole token), answered once by the browser, which
then sends the credentials with every request to this server -- the page and also the
tilesets and GeoJSON CesiumJS fetches, with no token in URLs or scripts. The challenge is
at the root so that the browser's protection space covers ``/3dtiles`` and ``/collections``.
"""

from __future__ import annotations

import html
import json
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from gis import registry
from gis.model import Layer
from twin.access import Caller, can_see, get_caller
from twin.errors import NotFound
from twin.settings import Settings

router = APIRouter(tags=["viewer"])
CallerDep = Annotated[Caller, Depends(get_caller)]
STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "viewer"
VECTOR_FEATURE_LIMIT = 2000
REALM = "digital twin of the commune"
mimetypes.add_type("application/javascript", ".js")
mimetypes.add_type("application/wasm", ".wasm")


@dataclass(frozen=True)
class ViewerLayer:
    id: str
    title: str
    kind: str
    url: str

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "kind": self.kind, "url": self.url}


def _tileset_kind(settings: Settings, layer: Layer) -> str | None:
    if not (settings.tiles_dir / layer.id / "tileset.json").is_file():
        return None
    return "pointcloud" if layer.spec.kind == "lidar" else "buildings"


def viewer_config(settings: Settings, layers: list[Layer], caller: Caller) -> dict[str, Any]:
    """What the page loads: tilesets, 2D layers and the area to fly to (visible layers only).
    URLs start with the public URL (TWIN_PUBLIC_URL), which may have a path (a proxy's prefix)."""
    base = settings.base_url
    entries: list[ViewerLayer] = []
    extents: list[tuple[float, ...]] = []
    for layer in layers:
        if not can_see(caller, layer):
            continue
        kind = _tileset_kind(settings, layer)
        if kind is not None:
            entries.append(ViewerLayer(layer.id, layer.spec.label(), kind,
                                       f"{base}/3dtiles/{layer.id}/tileset.json"))
        elif layer.spec.kind == "vector" and layer.current_version is not None:
            entries.append(ViewerLayer(
                layer.id, layer.spec.label(), "geojson",
                f"{base}/collections/{layer.id}/items?f=json&limit={VECTOR_FEATURE_LIMIT}"))
        else:
            continue
        if layer.extent_4326:
            extents.append(layer.extent_4326)
    area = None
    if extents:
        area = [min(e[0] for e in extents), min(e[1] for e in extents),
                max(e[2] for e in extents), max(e[3] for e in extents)]
    signed_in = None if caller.key_id is None else {"key": caller.key_id, "role": caller.role}
    return {"cesiumBase": f"{base}/viewer/cesium/", "layers": [e.as_json() for e in entries],
            "extent": area, "signedIn": signed_in}


def _page(config: dict[str, Any], base_url: str) -> str:
    template = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    payload = json.dumps(config).replace("</", "<\\/")
    return (template.replace("__TWIN_BASE_URL__", html.escape(base_url))
            .replace("__TWIN_VIEWER_CONFIG__", payload))


def _visible_config(request: Request, caller: Caller) -> dict[str, Any]:
    with request.app.state.engine.connect() as conn:
        layers = registry.list_layers(conn)
    return viewer_config(request.app.state.settings, layers, caller)


@router.get("/viewer", response_class=HTMLResponse, include_in_schema=False)
async def viewer(request: Request, caller: CallerDep) -> HTMLResponse:
    config = await run_in_threadpool(_visible_config, request, caller)
    return HTMLResponse(_page(config, request.app.state.settings.base_url),
                        headers={"Cache-Control": "no-store"})


@router.get("/sign-in", include_in_schema=False)
async def sign_in(request: Request, caller: CallerDep) -> Response:
    """Challenge anonymous callers for a key (HTTP Basic); signed-in ones go to the viewer."""
    if caller.key_id is None:
        return Response("Sign in with an API key: user = key id, password = secret.\n",
                        status_code=401, media_type="text/plain",
                        headers={"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"',
                                 "Cache-Control": "no-store"})
    return RedirectResponse(f"{request.app.state.settings.base_url}/viewer", status_code=303)


def _file_under(root: Path, relative: str) -> Path:
    """A file inside ``root`` (no escape through .. or links), or 404."""
    base = root.resolve()
    candidate = (base / relative).resolve()
    if not candidate.is_relative_to(base) or not candidate.is_file():
        raise NotFound("no such file")
    return candidate


@router.get("/viewer/static/{path:path}", include_in_schema=False)
async def static(path: str) -> FileResponse:
    return FileResponse(_file_under(STATIC_DIR, path), headers={"Cache-Control": "no-cache"})


@router.get("/viewer/cesium/{path:path}", include_in_schema=False)
async def cesium(request: Request, path: str) -> FileResponse:
    settings: Settings = request.app.state.settings
    return FileResponse(_file_under(settings.cesium_dir, path),
                        headers={"Cache-Control": "public, max-age=86400"})
