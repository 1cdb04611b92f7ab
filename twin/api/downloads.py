"""``/downloads/{layer}.{geojson|csv|gpkg}``: stable URLs of the published data.

Built from the published (anonymised) view once per layer version and CRS, cached under
``data_dir/downloads``, then streamed from disk in chunks (constant memory). The ETag is the
file's SHA-256, also published in the catalogue: strong, and it moves exactly when the bytes
do (a load or an edit builds a new file; an edit elsewhere that leaves it equal does not).
Invisible layers answer like unknown ones (`gis.access.decide`, ``download``).

Versioned URLs. The stable URL ``/downloads/<layer>.<fmt>`` is short-lived (``max-age=300``)
and names, in ``Content-Location``, the same file under ``?v=<state>`` -- the layer state the
file was built from (`gis.export`'s ``v<version>-e<edit_seq>-<rules>`` folder). Asked with the
current state, that URL cannot change, so it is served ``immutable``; a stale ``v`` (the file
was rebuilt since) gets the current file with the stable URL's rules. Open layers' files are
``public``; shared and closed layers' are ``private``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from gis import export
from gis.model import ROW_KINDS, Layer
from twin.access import Caller, get_caller, note_feature_count
from twin.api.catalog import visible_layer
from twin.api.products import router as products_router
from twin.catalog.records import download_root
from twin.errors import DatasetNotFound
from twin.http_cache import Scope, Validators, cache_control, immutable, quoted

router = APIRouter(tags=["downloads"])
router.include_router(products_router)  # LiDAR, COG and CityJSON files under /downloads/
CallerDep = Annotated[Caller, Depends(get_caller)]
CrsQuery = Annotated[Literal["4326", "storage"], Query(
    description="4326 (WGS 84, default) or storage (the layer's storage CRS)")]
VersionQuery = Annotated[str | None, Query(
    description="the layer state the file was built from (the Content-Location of the "
                "stable URL): when current, the response is immutable")]
STABLE_SECONDS = 300


def _build(request: Request, caller: Caller, layer_id: str, fmt: str,
           crs: export.CrsChoice) -> tuple[Layer, export.DownloadFile]:
    layer = visible_layer(request, caller, layer_id, "download")
    if layer.current_version is None or layer.spec.kind not in ROW_KINDS \
            or fmt not in export.formats_for(layer):
        raise DatasetNotFound()
    settings = request.app.state.settings
    return layer, export.build(request.app.state.engine, download_root(settings.data_dir),
                               layer, fmt, crs)


def validators(layer: Layer, built: export.DownloadFile, name: str, crs: export.CrsChoice,
               version: str | None) -> Validators:
    """ETag (the SHA-256), the caching rules of the URL asked and the versioned URL."""
    scope: Scope = "public" if layer.spec.access_level == "open" else "private"
    state = built.path.parent.name  # gis.export's folder: version, edits, rules
    query = f"?v={state}" + ("" if crs == "4326" else f"&crs={crs}")
    rules = (immutable(scope) if version == state
             else cache_control(scope, max_age=STABLE_SECONDS))
    return Validators(quoted(built.sha256), rules,
                      content_location=f"/downloads/{name}{query}")


@router.api_route("/downloads/{name}", methods=["GET", "HEAD"], include_in_schema=False)
async def download(request: Request, caller: CallerDep, name: str,
                   crs: CrsQuery = "4326", v: VersionQuery = None) -> Response:
    layer_id, dot, fmt = name.rpartition(".")
    if not dot or fmt not in {*export.FORMATS, *export.TABLE_FORMATS}:
        raise DatasetNotFound()
    layer, built = await run_in_threadpool(_build, request, caller, layer_id, fmt, crs)
    answer = validators(layer, built, name, crs, v)
    unchanged = answer.not_modified(request.headers.get("if-none-match"))
    if unchanged is not None:
        return unchanged
    note_feature_count(request, built.feature_count)
    return FileResponse(
        built.path, media_type=export.formats_for(layer)[fmt].media_type,
        filename=built.path.name,
        headers={**answer.headers(), "Digest": f"sha-256={built.sha256}"},
    )
