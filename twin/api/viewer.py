"""``GET /viewer``: the CesiumJS viewer of the digital twin, served entirely by the app.

The page lists only what the caller may see (`viewer_config`, also ``/viewer/scene.json``):
point-cloud, building and BIM tilesets built under ``tiles_dir/<layer>/``, the terrains
(quantized-mesh), the map tiles of raster layers (hillshade, relief, height above ground,
orthophotos: `twin.api.raster_tiles`) draped on the ground, and the visible vector layers as
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
import importlib
import json
import mimetypes
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from gis import registry
from gis.bim.buildings import replaced_buildings
from gis.lidar.index import indexed_files
from gis.model import Layer
from twin.access import Caller, can_see, get_caller
from twin.api.raster_tiles import map_source
from twin.api.viewer_sensors import sensors_entry
from twin.errors import NotFound
from twin.http_cache import VARY_CREDENTIALS
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
    """One entry of the scene: a 3D tileset, a terrain, a map-tile (imagery) layer or a 2D
    layer; ``extra`` are the kind's own fields (styles, classes, rectangle...)."""

    id: str
    title: str
    kind: str
    url: str
    extent: tuple[float, ...] | None = None
    extra: tuple[tuple[str, Any], ...] = ()

    def as_json(self, town: tuple[float, ...] | None) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "kind": self.kind, "url": self.url,
                "inTown": _overlaps(self.extent, town), **dict(self.extra)}


def _overlaps(extent: tuple[float, ...] | None, town: tuple[float, ...] | None) -> bool:
    if extent is None or town is None:
        return town is None
    return not (extent[2] < town[0] or extent[0] > town[2] or extent[3] < town[1]
                or extent[1] > town[3])


def _tileset_kind(settings: Settings, layer: Layer) -> str | None:
    if not (settings.tiles_dir / layer.id / "tileset.json").is_file():
        return None
    if layer.spec.kind == "lidar":
        return "pointcloud"
    return "bim" if str(layer.spec.kind) == "bim" else "buildings"


def _pointcloud_fields(conn: Connection | None, layer: Layer) -> tuple[tuple[str, Any], ...]:
    """What the point styles need: the classes present, colour, returns (as
    `tiles.pointcloud.layer.has_returns` decides for the build), the height range."""
    files = indexed_files(conn, layer.id) if conn is not None else []
    classes = sorted({int(code) for f in files for code, count in f["classification"].items()
                      if count}, key=int)
    heights = [f["min_z"] for f in files] + [f["max_z"] for f in files]
    returns = any(int(number) > 0 and count for f in files
                  for number, count in f["returns"].items())
    return (("classes", classes), ("hasColour", any(f["has_rgb"] for f in files)),
            ("hasReturns", returns),
            ("heightRange", [min(heights), max(heights)] if heights else None))


def _bim_fields(settings: Settings, conn: Connection | None, layer: Layer,
                visible: Mapping[str, Layer]) -> tuple[tuple[str, Any], ...]:
    """The city buildings the model replaces (`gis.bim.buildings`), per building tileset of
    the scene (``visible``: those the caller may see): the page hides them in that tileset
    while the BIM is shown, by the ``id`` property every building tile feature carries
    (`tiles.buildings.metadata`)."""
    links = replaced_buildings(conn, layer.id) if conn is not None else []
    replaces: dict[str, list[str]] = {}
    for link in links:
        buildings = visible.get(link.city_layer)
        if buildings is not None and _tileset_kind(settings, buildings) == "buildings":
            replaces.setdefault(link.city_layer, []).append(link.feature_id)
    return (("replaces", [{"layer": city, "property": "id", "ids": ids}
                          for city, ids in replaces.items()]),)


def _tileset_entry(settings: Settings, conn: Connection | None, layer: Layer,
                   visible: Mapping[str, Layer] | None = None) -> ViewerLayer | None:
    kind = _tileset_kind(settings, layer)
    if kind is None:
        return None
    extra = (_pointcloud_fields(conn, layer) if kind == "pointcloud"
             else _bim_fields(settings, conn, layer, visible or {}) if kind == "bim" else ())
    return ViewerLayer(layer.id, layer.spec.label(), kind,
                       f"{settings.base_url}/3dtiles/{layer.id}/tileset.json",
                       layer.extent_4326, extra)


def _imagery_entry(settings: Settings, conn: Connection | None, caller: Caller, layer: Layer
                   ) -> ViewerLayer | None:
    source = map_source(conn, settings, caller, layer.id) if conn is not None else None
    if source is None:
        return None
    url = f"{settings.base_url}/collections/{layer.id}/map/tiles/WebMercatorQuad/{{z}}/{{y}}/{{x}}"
    return ViewerLayer(layer.id, layer.spec.label(), "imagery", url, layer.extent_4326,
                       (("styles", list(source.styles)),
                        ("rectangle", list(layer.extent_4326 or ()) or None)))


def _vector_entry(settings: Settings, layer: Layer) -> ViewerLayer | None:
    if layer.spec.kind != "vector" or layer.current_version is None:
        return None
    return ViewerLayer(
        layer.id, layer.spec.label(), "geojson",
        f"{settings.base_url}/collections/{layer.id}/items?f=json&limit={VECTOR_FEATURE_LIMIT}",
        layer.extent_4326, (("collection", f"{settings.base_url}/collections/{layer.id}"),
                            ("geometryType", layer.geometry_type or "")))


def _union(extents: list[tuple[float, ...]]) -> tuple[float, ...] | None:
    if not extents:
        return None
    return (min(e[0] for e in extents), min(e[1] for e in extents),
            max(e[2] for e in extents), max(e[3] for e in extents))


def viewer_config(settings: Settings, layers: list[Layer], caller: Caller,
                  conn: Connection | None = None, terrains: Iterable[str] = ()
                  ) -> dict[str, Any]:
    """The scene the page loads (also ``/viewer/scene.json``): every 3D Tiles product
    (point clouds, buildings, BIM), terrain and map-tile layer the caller may see, and the
    visible 2D layers as GeoJSON from the OGC API. The *town* is where the 3D content and
    the terrain are: the page opens on it and loads at once the layers that overlap it
    (``inTown``); the others are listed, loaded when switched on.
    URLs start with the public URL (TWIN_PUBLIC_URL), which may have a path (a proxy's prefix)."""
    visible = [layer for layer in layers if can_see(caller, layer)]
    by_id = {layer.id: layer for layer in visible}
    tilesets = [e for e in (_tileset_entry(settings, conn, layer, by_id) for layer in visible)
                if e]
    terrain_entries = [  # a terrain is named after its first DTM unless built with --id
        ViewerLayer(t, by_id[t].spec.label() if t in by_id else f"Terrain {t}", "terrain",
                    f"{settings.base_url}/terrain/{t}/",
                    by_id[t].extent_4326 if t in by_id else None) for t in terrains]
    imagery = [e for e in (_imagery_entry(settings, conn, caller, layer)
                           for layer in visible if layer.spec.kind == "raster") if e]
    vectors = [e for e in (_vector_entry(settings, layer) for layer in visible
                           if not _tileset_kind(settings, layer)) if e]
    town = _union([e.extent for e in (*tilesets, *terrain_entries) if e.extent])
    everything = [e.extent for e in (*tilesets, *imagery, *vectors) if e.extent]
    area = town or _union(everything)
    signed_in = None if caller.key_id is None else {"key": caller.key_id, "role": caller.role}
    return {"cesiumBase": f"{settings.base_url}/viewer/cesium/",
            "layers": [e.as_json(town) for e in (*tilesets, *vectors)],
            "terrains": [e.as_json(town) for e in terrain_entries],
            "imagery": [e.as_json(town) for e in imagery],
            "extent": list(area) if area else None, "signedIn": signed_in}


def _page(config: dict[str, Any], base_url: str) -> str:
    template = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    payload = json.dumps(config).replace("</", "<\\/")
    return (template.replace("__TWIN_BASE_URL__", html.escape(base_url))
            .replace("__TWIN_VIEWER_CONFIG__", payload))


def visible_terrains(request: Request) -> list[str]:
    """The terrains (quantized-mesh, ``twin build terrain``) the caller may see; none while
    the service has no terrain module (the page then shows the ellipsoid at ground level)."""
    try:
        terrain = importlib.import_module("twin.api.terrain")
    except ModuleNotFoundError:
        return []
    return [str(t) for t in terrain.visible_terrains(request)]


def _visible_config(request: Request, caller: Caller) -> dict[str, Any]:
    terrains = visible_terrains(request)
    with request.app.state.engine.connect() as conn:
        layers = registry.list_layers(conn)
        config = viewer_config(request.app.state.settings, layers, caller, conn, terrains)
    config["sensors"] = sensors_entry(request.app.state.settings, request.app.state.engine,
                                      caller)
    return config


@router.get("/viewer/scene.json", include_in_schema=False)
async def scene(request: Request, caller: CallerDep) -> JSONResponse:
    """The scene as JSON: what a caller may see, for other clients and for tests."""
    config = await run_in_threadpool(_visible_config, request, caller)
    return JSONResponse(config, headers={"Cache-Control": "no-store",
                                         "Vary": VARY_CREDENTIALS})


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
