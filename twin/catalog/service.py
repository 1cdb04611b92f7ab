"""The catalogue as the API and the CLI use it: visible layers -> records -> RDF pages."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph
from sqlalchemy import Engine

from gis import registry
from gis.model import Layer
from twin.access import Caller, can_see
from twin.catalog.graph import CatalogContext, Page, add_dataset, catalog_graph, new_graph
from twin.catalog.graph import publisher as publisher_node
from twin.catalog.graph import services as service_nodes
from twin.catalog.records import DatasetRecord, catalog_dates, dataset_records
from twin.settings import Settings

#: serialisation name -> (rdflib format, media type)
FORMATS: dict[str, tuple[str, str]] = {
    "ttl": ("turtle", "text/turtle"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("pretty-xml", "application/rdf+xml"),
}
MEDIA_TYPES = {media: ext for ext, (_, media) in FORMATS.items()}


def context(settings: Settings) -> CatalogContext:
    base = settings.base_url
    return CatalogContext(base_url=base, title=f"Geodata catalogue of {settings.publisher_name}",
                          publisher_name=settings.publisher_name,
                          publisher_email=settings.publisher_email,
                          homepage=settings.publisher_homepage or f"{base}/")


def visible_layers(engine: Engine, caller: Caller) -> list[Layer]:
    """Every registered layer the caller may see, by id (others do not exist for them)."""
    with engine.connect() as conn:
        return [layer for layer in registry.list_layers(conn) if can_see(caller, layer)]


@dataclass(frozen=True)
class CatalogPage:
    graph: Graph
    page: Page
    page_url: str


def catalog_page(engine: Engine, settings: Settings, caller: Caller, number: int,
                 extension: str = "") -> CatalogPage:
    """One page of the catalogue as the caller may see it (an empty last page past the end)."""
    layers = visible_layers(engine, caller)
    size = settings.catalog_page_size
    page = Page(number=number, size=size, total=len(layers))
    chosen = layers[(number - 1) * size: number * size]
    with engine.connect() as conn:
        records = dataset_records(conn, chosen, settings.data_dir)
        dates = catalog_dates(conn, layers)
    page_url = f"{settings.base_url}/catalog{extension}?page={{page}}"
    graph = catalog_graph(context(settings), records, page, page_url, dates)
    return CatalogPage(graph, page, page_url)


def dataset_record(engine: Engine, settings: Settings, layer: Layer) -> DatasetRecord:
    with engine.connect() as conn:
        return dataset_records(conn, [layer], settings.data_dir)[0]


def dataset_graph(settings: Settings, record: DatasetRecord) -> Graph:
    """A single dataset with its distributions, publisher and the services serving it."""
    ctx = context(settings)
    graph = new_graph()
    agent = publisher_node(graph, ctx)
    features, _ = service_nodes(graph, ctx, agent)
    add_dataset(graph, ctx, record, agent, features)
    return graph


def serialise(graph: Graph, extension: str) -> bytes:
    rdf_format, _ = FORMATS[extension]
    data = graph.serialize(format=rdf_format, encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")


def negotiate(accept: str | None, default: str = "ttl") -> str:
    """The extension for an Accept header (``html`` when a browser asks for HTML first)."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((accept or "").split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        ext = "html" if media == "text/html" else MEDIA_TYPES.get(media)
        if media in ("application/json",):
            ext = "jsonld"
        if ext and quality > 0 and (best is None or (quality, -position) > best[:2]):
            best = (quality, -position, ext)
    return best[2] if best else default
