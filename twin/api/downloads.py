"""``/downloads/{layer}.{geojson|csv|gpkg}``: stable URLs of the published data.

Built from the published (anonymised) view once per layer version and CRS, cached under
``data_dir/downloads``, then streamed from disk in chunks (constant memory). The ETag is the
file's SHA-256, also published in the catalogue. Invisible layers answer like unknown ones
(`gis.access.decide`, ``download``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from gis import export
from twin.access import Caller, get_caller, note_feature_count
from twin.api.catalog import visible_layer
from twin.catalog.records import download_root
from twin.errors import DatasetNotFound

router = APIRouter(tags=["downloads"])
CallerDep = Annotated[Caller, Depends(get_caller)]
CrsQuery = Annotated[Literal["4326", "storage"], Query(
    description="4326 (WGS 84, default) or storage (the layer's storage CRS)")]


def _build(request: Request, caller: Caller, layer_id: str, fmt: str,
           crs: export.CrsChoice) -> export.DownloadFile:
    layer = visible_layer(request, caller, layer_id, "download")
    if layer.current_version is None or layer.spec.kind != "vector":
        raise DatasetNotFound()
    settings = request.app.state.settings
    return export.build(request.app.state.engine, download_root(settings.data_dir), layer,
                        fmt, crs)


@router.api_route("/downloads/{name}", methods=["GET", "HEAD"], include_in_schema=False)
async def download(request: Request, caller: CallerDep, name: str,
                   crs: CrsQuery = "4326") -> Response:
    layer_id, dot, fmt = name.rpartition(".")
    if not dot or fmt not in export.FORMATS:
        raise DatasetNotFound()
    built = await run_in_threadpool(_build, request, caller, layer_id, fmt, crs)
    if request.headers.get("if-none-match") == f'"{built.sha256}"':
        return Response(status_code=304, headers={"ETag": f'"{built.sha256}"'})
    note_feature_count(request, built.feature_count)
    return FileResponse(
        built.path, media_type=export.FORMATS[fmt].media_type, filename=built.path.name,
        headers={"ETag": f'"{built.sha256}"', "Digest": f"sha-256={built.sha256}",
                 "Cache-Control": "public, max-age=300" if caller.role == "anonymous"
                 else "private, max-age=300"},
    )
