"""``/catalog``: the DCAT-AP 3.0 catalogue (Turtle, JSON-LD, RDF/XML, HTML), paged.

Formats by extension (``/catalog.ttl``) or by the Accept header (``/catalog``). Only the
layers the caller may see are listed; an invisible dataset answers exactly like an unknown
one (404 without its id). Whether a caller may see a dataset (``read``) or download its
files (``download``) is `gis.access.decide`'s answer.

The pages read the app's lag-tolerant engine (``app.state.replica_engine``: the streaming
replica of ``TWIN_DATABASE_READ_URL`` when configured): a catalogue may trail the primary
by the replay delay. `visible_layer` as used by downloads keeps reading the primary.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from gis import registry
from gis.access import Action, decide
from gis.errors import LayerNotFound
from gis.model import Layer
from twin.access import Caller, get_caller
from twin.catalog import html, service
from twin.catalog.records import dataset_records
from twin.errors import DatasetNotFound, NotFound
from twin.settings import Settings

router = APIRouter(tags=["catalogue"])
CallerDep = Annotated[Caller, Depends(get_caller)]
PageQuery = Annotated[int, Query(ge=1, le=100_000, description="page number, from 1")]
EXTENSIONS = ("ttl", "jsonld", "rdf")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _links(page: service.CatalogPage) -> str:
    url = page.page_url
    links = [f'<{url.format(page=1)}>; rel="first"',
             f'<{url.format(page=page.page.last)}>; rel="last"']
    if page.page.number > 1:
        links.append(f'<{url.format(page=page.page.number - 1)}>; rel="prev"')
    if page.page.number < page.page.last:
        links.append(f'<{url.format(page=page.page.number + 1)}>; rel="next"')
    return ", ".join(links)


def _replica(request: Request) -> Engine:
    engine: Engine = request.app.state.replica_engine
    return engine


def _catalog(request: Request, caller: Caller, page: int, extension: str) -> Response:
    settings = _settings(request)
    engine = _replica(request)
    if extension == "html":
        layers = service.visible_layers(engine, caller)
        with engine.connect() as conn:
            records = dataset_records(conn, layers, settings.data_dir)
        return HTMLResponse(html.catalog_index(settings, records))
    result = service.catalog_page(engine, settings, caller, page, f".{extension}")
    _, media = service.FORMATS[extension]
    return Response(service.serialise(result.graph, extension), media_type=media,
                    headers={"Link": _links(result), "Vary": "Accept"})


@router.get("/catalog", include_in_schema=False)
async def catalog(request: Request, caller: CallerDep, page: PageQuery = 1) -> Response:
    extension = service.negotiate(request.headers.get("accept"))
    return await run_in_threadpool(_catalog, request, caller, page, extension)


@router.get("/catalog.{extension}", include_in_schema=False)
async def catalog_file(request: Request, caller: CallerDep, extension: str,
                       page: PageQuery = 1) -> Response:
    if extension not in (*EXTENSIONS, "html"):
        raise NotFound("not found")
    return await run_in_threadpool(_catalog, request, caller, page, extension)


def visible_layer(request: Request, caller: Caller, layer_id: str,
                  action: Action = "read", engine: Engine | None = None) -> Layer:
    """The layer when it exists AND the caller may ``action`` it; the same 404 otherwise
    (read on the primary unless ``engine`` is given)."""
    with (engine or request.app.state.engine).connect() as conn:
        try:
            layer = registry.get_layer(conn, layer_id)
        except LayerNotFound:
            raise DatasetNotFound() from None
    if not decide(caller, layer, action).allowed:
        raise DatasetNotFound()
    return layer


def _dataset(request: Request, caller: Caller, layer_id: str, extension: str) -> Response:
    settings = _settings(request)
    engine = _replica(request)
    layer = visible_layer(request, caller, layer_id, engine=engine)
    record = service.dataset_record(engine, settings, layer)
    if extension == "html":
        with engine.connect() as conn:
            return HTMLResponse(html.dataset_page(conn, settings, record))
    _, media = service.FORMATS[extension]
    return Response(service.serialise(service.dataset_graph(settings, record), extension),
                    media_type=media, headers={"Vary": "Accept"})


@router.get("/catalog/datasets/{dataset}", include_in_schema=False)
async def dataset(request: Request, caller: CallerDep, dataset: str) -> Response:
    layer_id, dot, extension = dataset.partition(".")
    if not dot:
        extension = service.negotiate(request.headers.get("accept"), default="html")
    if extension not in (*EXTENSIONS, "html"):
        raise DatasetNotFound()
    return await run_in_threadpool(_dataset, request, caller, layer_id, extension)
