"""``/csw``: OGC CSW 2.0.2 (GET KVP and POST XML) over the ISO 19139 records of
`twin.catalog.iso19139`, as GeoNetwork's CSW harvester and OWSLib use it.

The records are those of the layers the caller may see (`twin.catalog.service.visible_layers`,
the DCAT catalogue's own rule): a public harvest never sees a shared layer, a partner key
sees its groups' layers, closed layers only staff. Errors are ``ows:ExceptionReport`` with
HTTP 400. Transaction and Harvest are not offered (OperationNotSupported): the registry is
written by the ingest, never through the catalogue.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gis.inspire_themes import THEMES
from twin.access import Caller, get_caller
from twin.catalog import csw, iso19139
from twin.catalog.distributions import distributions
from twin.catalog.records import DatasetRecord, dataset_records
from twin.catalog.service import visible_layers
from twin.catalog.vocab import BELGIUM_BBOX
from twin.errors import CswError
from twin.settings import Settings

router = APIRouter(tags=["catalogue"])
CallerDep = Annotated[Caller, Depends(get_caller)]
MEDIA = "application/xml; charset=utf-8"
MAX_BODY = 1_000_000


def metadata_context(settings: Settings) -> iso19139.MetadataContext:
    return iso19139.MetadataContext(settings.base_url, settings.resource_namespace,
                                    settings.publisher_name, settings.publisher_email)


def _union(boxes: list[tuple[float, float, float, float]]
           ) -> tuple[float, float, float, float] | None:
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def catalogue_records(ctx: iso19139.MetadataContext,
                      records: list[DatasetRecord]) -> list[csw.CswRecord]:
    """The CSW view of the datasets (in registry order), then of the services."""
    found: list[csw.CswRecord] = []
    for record in records:
        spec = record.layer.spec
        title = spec.title.get("fr") or spec.label()
        abstract = spec.description.get("fr") or next(iter(spec.description.values()), title)
        themes = [THEMES[c].label("fr") for c in spec.inspire_themes]
        found.append(csw.CswRecord(
            identifier=iso19139.dataset_identifier(ctx, record.layer.id), kind="dataset",
            title=title, abstract=abstract, keywords=(*spec.keywords, *themes),
            aliases=(record.layer.id, iso19139.resource_identifier(ctx, record.layer.id)),
            modified=record.modified, bbox=record.layer.extent_4326,
            links=tuple(d.download_url or d.access_url
                        for d in distributions(ctx, record)),
            iso=partial(iso19139.dataset_xml, ctx, record)))
    # a service covers its datasets; with none visible (yet), the catalogue's coverage
    box = _union([r.layer.extent_4326 for r in records if r.layer.extent_4326 is not None]) \
        or BELGIUM_BBOX
    modified = max((r.modified for r in records if r.modified is not None), default=None)
    for service in iso19139.services(ctx, records):
        found.append(csw.CswRecord(
            identifier=iso19139.service_identifier(ctx, service.key), kind="service",
            title=service.title["fr"], abstract=service.abstract["fr"],
            keywords=(service.category,), modified=modified, bbox=box,
            aliases=(service.key,),
            links=(service.endpoint,), iso=partial(iso19139.service_xml, ctx, service, box)))
    return found


def _answer(request: Request, caller: Caller, parsed: csw.Request) -> bytes:
    settings: Settings = request.app.state.settings
    ctx = metadata_context(settings)
    records: list[csw.CswRecord] = []
    if parsed.operation not in ("GetCapabilities", "DescribeRecord"):
        engine = request.app.state.engine
        layers = visible_layers(engine, caller)
        with engine.connect() as conn:
            records = catalogue_records(ctx, dataset_records(conn, layers, settings.data_dir))
    description = csw.ServiceDescription(
        url=f"{settings.base_url}/csw", title=f"Catalogue CSW de {settings.publisher_name}",
        abstract="Métadonnées ISO 19139 / INSPIRE des séries et services de données "
                 "géographiques de la commune.",
        provider=settings.publisher_name, email=settings.publisher_email,
        metadata_url=iso19139.record_url(ctx, iso19139.service_identifier(ctx, "csw")))
    return csw.to_bytes(csw.answer(parsed, records, description))


def _error(error: CswError) -> Response:
    return Response(csw.exception_report(error), status_code=400, media_type=MEDIA)


@router.get("/csw", include_in_schema=False)
async def csw_get(request: Request, caller: CallerDep) -> Response:
    try:
        parsed = csw.parse_kvp(dict(request.query_params))
        body = await run_in_threadpool(_answer, request, caller, parsed)
    except CswError as error:
        return _error(error)
    return Response(body, media_type=MEDIA)


@router.post("/csw", include_in_schema=False)
async def csw_post(request: Request, caller: CallerDep) -> Response:
    data = await request.body()
    try:
        if len(data) > MAX_BODY:
            raise CswError("InvalidParameterValue", "request", "request body too large")
        if not data.strip():
            raise CswError("MissingParameterValue", "request", "an XML request is needed")
        parsed = csw.parse_xml(data)
        body = await run_in_threadpool(_answer, request, caller, parsed)
    except CswError as error:
        return _error(error)
    return Response(body, media_type=MEDIA)
