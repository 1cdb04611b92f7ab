"""The DCAT-AP 3.0 graph of one catalogue page: catalogue, datasets, distributions, services.

Every IRI the graph points to is typed in the graph itself (licences, frequencies, access
rights, file types, media types, themes, languages, standards, agents), as the national
portal requires before it validates. Dates are true: ``issued`` is the first successful load
of a layer and ``modified`` its last one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from gis import export, vocab
from twin.catalog.records import DatasetRecord
from twin.catalog.vocab import (
    ACCESS_RIGHTS,
    ADMS,
    AVAILABILITY_STABLE,
    BELGIUM_BBOX,
    COUNTRY_BEL,
    DATA_THEME_SCHEME,
    DCAT,
    DCATAP,
    DCTERMS,
    EPSG,
    FOAF,
    GSP,
    HYDRA,
    IANA,
    LICENCE_TYPE_ATTRIBUTION,
    LOCN,
    OGC_FEATURES,
    OGC_TILES,
    PUBLISHER_TYPE,
    RDF,
    RDFS,
    SHA256_ALGORITHM,
    SKOS,
    SPDX,
    STATUS_COMPLETED,
    VCARD,
    XSD,
)

DCT = DCTERMS


@dataclass(frozen=True)
class CatalogContext:
    """What the graph needs of the deployment: its public URL and publisher."""

    base_url: str
    title: str
    publisher_name: str
    publisher_email: str
    homepage: str


@dataclass(frozen=True)
class Page:
    number: int
    size: int
    total: int

    @property
    def last(self) -> int:
        return max(1, math.ceil(self.total / self.size))


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCT), ("foaf", FOAF), ("vcard", VCARD),
                              ("skos", SKOS), ("spdx", SPDX), ("adms", ADMS), ("locn", LOCN),
                              ("hydra", HYDRA), ("dcatap", DCATAP), ("gsp", GSP)):
        graph.bind(prefix, namespace)
    return graph


def typed(graph: Graph, iri: str, rdf_type: URIRef, label: str | None = None) -> URIRef:
    node = URIRef(iri)
    graph.add((node, RDF.type, rdf_type))
    if label is not None:
        graph.add((node, SKOS.prefLabel, Literal(label, lang="en")))
    return node


def concept(graph: Graph, iri: str, rdf_type: URIRef, scheme: str) -> URIRef:
    """An EU-vocabulary IRI typed as the range class and as a skos:Concept of its table."""
    node = typed(graph, iri, rdf_type, vocab.short_code(iri))
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, SKOS.inScheme, concept_scheme(graph, scheme)))
    return node


def concept_scheme(graph: Graph, iri: str) -> URIRef:
    node = typed(graph, iri, SKOS.ConceptScheme)
    graph.add((node, DCT.title, Literal(vocab.short_code(iri), lang="en")))
    return node


def _dt(value: datetime) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.dateTime)


def dataset_iri(ctx: CatalogContext, layer_id: str) -> str:
    return f"{ctx.base_url}/catalog/datasets/{layer_id}"


def download_url(ctx: CatalogContext, layer_id: str, fmt: str, crs: str) -> str:
    url = f"{ctx.base_url}/downloads/{layer_id}.{fmt}"
    return url if crs == "4326" else f"{url}?crs=storage"


def publisher(graph: Graph, ctx: CatalogContext) -> URIRef:
    agent = typed(graph, f"{ctx.base_url}/catalog#publisher", FOAF.Agent)
    graph.add((agent, RDF.type, FOAF.Organization))
    graph.add((agent, FOAF.name, Literal(ctx.publisher_name)))
    graph.add((agent, DCT.type, concept(graph, PUBLISHER_TYPE + "LocalAuthority", SKOS.Concept,
                                        PUBLISHER_TYPE + "1.0")))
    return agent


def licence(graph: Graph, iri: str) -> URIRef:
    node = concept(graph, iri, DCT.LicenseDocument, vocab.AUTHORITY + "licence")
    graph.add((node, DCT.type, concept(graph, LICENCE_TYPE_ATTRIBUTION, SKOS.Concept,
                                       "http://purl.org/adms/licencetype/1.0")))
    return node


def _languages(graph: Graph, codes: list[str]) -> list[URIRef]:
    return [concept(graph, vocab.LANGUAGE + vocab.LANGUAGES[c], DCT.LinguisticSystem,
                    vocab.AUTHORITY + "language") for c in codes if c in vocab.LANGUAGES]


def _contact(graph: Graph, name: str, email: str) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, VCARD.Kind))
    graph.add((node, RDF.type, VCARD.Organization))
    graph.add((node, VCARD.fn, Literal(name)))
    graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    return node


def _location(graph: Graph, bbox: tuple[float, float, float, float]) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, DCT.Location))
    _add_box(graph, node, bbox)
    return node


def _add_box(graph: Graph, node: Node, bbox: tuple[float, float, float, float]) -> None:
    west, south, east, north = bbox
    polygon = (f"POLYGON(({west} {south}, {east} {south}, {east} {north}, {west} {north}, "
               f"{west} {south}))")
    graph.add((node, DCAT.bbox, Literal(polygon, datatype=GSP.wktLiteral)))
    graph.add((node, DCAT.centroid, Literal(f"POINT({(west + east) / 2} {(south + north) / 2})",
                                            datatype=GSP.wktLiteral)))


def _period(graph: Graph, start: datetime, end: datetime | None) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, DCT.PeriodOfTime))
    graph.add((node, DCAT.startDate, _dt(start)))
    if end is not None:
        graph.add((node, DCAT.endDate, _dt(end)))
    return node


def _text(graph: Graph, subject: Node, predicate: URIRef, values: Mapping[Any, str]) -> None:
    for language, value in values.items():
        if value.strip():
            graph.add((subject, predicate, Literal(value, lang=language)))


def _rights(graph: Graph, record: DatasetRecord) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, DCT.RightsStatement))
    code = vocab.short_code(record.layer.spec.licence).replace("_", " ")
    graph.add((node, RDFS.label, Literal(
        f"Reuse under {code}; attribution: {record.layer.spec.producer}.", lang="en")))
    return node


def _common_distribution(graph: Graph, node: URIRef, record: DatasetRecord,
                         rights: BNode) -> None:
    spec = record.layer.spec
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCT.license, licence(graph, spec.licence)))
    graph.add((node, DCT.rights, rights))
    graph.add((node, DCATAP.availability, concept(graph, AVAILABILITY_STABLE, SKOS.Concept,
                                                  vocab.AUTHORITY + "planned-availability")))
    graph.add((node, ADMS.status, concept(graph, STATUS_COMPLETED, SKOS.Concept,
                                          vocab.AUTHORITY + "distribution-status")))
    if record.issued is not None:
        graph.add((node, DCT.issued, _dt(record.issued)))
    if record.modified is not None:
        graph.add((node, DCT.modified, _dt(record.modified)))


def _download(graph: Graph, ctx: CatalogContext, record: DatasetRecord, fmt: str,
              crs: export.CrsChoice,
              rights: BNode) -> URIRef:
    layer = record.layer
    kind = export.FORMATS[fmt]
    srid = 4326 if crs == "4326" else layer.storage_srid
    node = URIRef(f"{dataset_iri(ctx, layer.id)}#{fmt}-epsg{srid}")
    _common_distribution(graph, node, record, rights)
    url = URIRef(download_url(ctx, layer.id, fmt, crs))
    graph.add((node, DCAT.accessURL, url))
    graph.add((node, DCAT.downloadURL, url))
    graph.add((node, DCT.title, Literal(f"{kind.label}, EPSG:{srid}", lang="en")))
    graph.add((node, DCT.description, Literal(
        f"{layer.spec.label()} as {kind.label} in EPSG:{srid}, anonymised for publication.",
        lang="en")))
    graph.add((node, DCT.format, concept(graph, vocab.FILE_TYPE + kind.file_type,
                                         DCT.MediaTypeOrExtent, vocab.AUTHORITY + "file-type")))
    graph.add((node, DCAT.mediaType, typed(graph, IANA + kind.media_type, DCT.MediaType)))
    graph.add((node, DCT.conformsTo, typed(graph, EPSG + str(srid), DCT.Standard)))
    built = record.downloads.get((fmt, crs))
    if built is not None:
        graph.add((node, DCAT.byteSize, Literal(built.byte_size, datatype=XSD.nonNegativeInteger)))
        checksum = BNode()
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, typed(graph, SHA256_ALGORITHM,
                                                   SPDX.ChecksumAlgorithm)))
        graph.add((checksum, SPDX.checksumValue, Literal(built.sha256, datatype=XSD.hexBinary)))
        graph.add((node, SPDX.checksum, checksum))
    return node


def _api_distribution(graph: Graph, ctx: CatalogContext, record: DatasetRecord,
                      rights: BNode, service: URIRef) -> URIRef:
    layer_id = record.layer.id
    node = URIRef(f"{dataset_iri(ctx, layer_id)}#ogcapi-features")
    _common_distribution(graph, node, record, rights)
    graph.add((node, DCAT.accessURL, URIRef(f"{ctx.base_url}/collections/{layer_id}")))
    graph.add((node, DCAT.accessService, service))
    graph.add((node, DCT.title, Literal("OGC API Features collection", lang="en")))
    graph.add((node, DCT.description, Literal(
        "Features on demand (bbox, CQL2 filters, CRS) through OGC API Features.", lang="en")))
    graph.add((node, DCT.format, concept(graph, vocab.FILE_TYPE + "GEOJSON",
                                         DCT.MediaTypeOrExtent, vocab.AUTHORITY + "file-type")))
    graph.add((node, DCAT.mediaType, typed(graph, IANA + "application/geo+json", DCT.MediaType)))
    graph.add((node, DCT.conformsTo, typed(graph, OGC_FEATURES, DCT.Standard)))
    return node


def add_dataset(graph: Graph, ctx: CatalogContext, record: DatasetRecord,
                agent: URIRef, service: URIRef) -> URIRef:
    """One dcat:Dataset with its distributions (downloads only once the layer holds data)."""
    layer = record.layer
    spec = layer.spec
    node = typed(graph, dataset_iri(ctx, layer.id), DCAT.Dataset)
    _text(graph, node, DCT.title, spec.title)
    description: Mapping[Any, str] = spec.description or {
        "en": f"{spec.label()} (layer {layer.id})."}
    _text(graph, node, DCT.description, description)
    graph.add((node, DCT.identifier, Literal(layer.id)))
    for keyword in spec.keywords:
        graph.add((node, DCAT.keyword, Literal(keyword)))
    for theme in spec.theme:
        graph.add((node, DCAT.theme, concept(graph, theme, SKOS.Concept, DATA_THEME_SCHEME)))
    for language in _languages(graph, sorted({*spec.title, *spec.description})):
        graph.add((node, DCT.language, language))
    graph.add((node, DCT.publisher, agent))
    graph.add((node, DCAT.contactPoint,
               _contact(graph, spec.contact_point.name, spec.contact_point.email)))
    graph.add((node, DCT.accrualPeriodicity, concept(
        graph, spec.update_frequency, DCT.Frequency, vocab.AUTHORITY + "frequency")))
    graph.add((node, DCT.accessRights, concept(
        graph, vocab.ACCESS_RIGHT + ACCESS_RIGHTS[spec.access_level], DCT.RightsStatement,
        vocab.AUTHORITY + "access-right")))
    graph.add((node, DCAT.landingPage,
               typed(graph, dataset_iri(ctx, layer.id) + ".html", FOAF.Document)))
    if layer.extent_4326 is not None:
        graph.add((node, DCT.spatial, _location(graph, layer.extent_4326)))
    if record.period_start is not None:
        graph.add((node, DCT.temporal, _period(graph, record.period_start, record.modified)))
    if record.issued is not None:
        graph.add((node, DCT.issued, _dt(record.issued)))
    if record.modified is not None:
        graph.add((node, DCT.modified, _dt(record.modified)))
    if layer.current_version is not None and layer.spec.kind == "vector":
        rights = _rights(graph, record)
        for fmt in export.FORMATS:
            for crs in export.CRS_CHOICES:
                graph.add((node, DCAT.distribution, _download(graph, ctx, record, fmt, crs,
                                                              rights)))
        graph.add((node, DCAT.distribution, _api_distribution(graph, ctx, record, rights,
                                                              service)))
    return node


def _service(graph: Graph, ctx: CatalogContext, key: str, title: str, endpoint: str,
             description: str, standard: str, agent: URIRef) -> URIRef:
    node = typed(graph, f"{ctx.base_url}/catalog/services/{key}", DCAT.DataService)
    graph.add((node, DCT.title, Literal(title, lang="en")))
    graph.add((node, DCAT.endpointURL, URIRef(endpoint)))
    graph.add((node, DCAT.endpointDescription, typed(graph, description, RDFS.Resource)))
    graph.add((node, DCT.conformsTo, typed(graph, standard, DCT.Standard)))
    graph.add((node, DCT.publisher, agent))
    graph.add((node, DCAT.contactPoint, _contact(graph, ctx.publisher_name, ctx.publisher_email)))
    graph.add((node, DCAT.keyword, Literal("OGC API")))
    graph.add((node, DCAT.theme, concept(graph, vocab.DATA_THEME + "REGI", SKOS.Concept,
                                         DATA_THEME_SCHEME)))
    graph.add((node, DCT.accessRights, concept(
        graph, vocab.ACCESS_RIGHT + "PUBLIC", DCT.RightsStatement,
        vocab.AUTHORITY + "access-right")))
    graph.add((node, DCT.license, licence(graph, vocab.LICENCE + "CC_BY_4_0")))
    return node


def services(graph: Graph, ctx: CatalogContext, agent: URIRef) -> tuple[URIRef, URIRef]:
    features = _service(graph, ctx, "ogcapi-features", "OGC API Features", f"{ctx.base_url}/",
                        f"{ctx.base_url}/openapi?f=json", OGC_FEATURES, agent)
    tiles = _service(graph, ctx, "ogcapi-tiles", "OGC API Tiles (Mapbox vector tiles)",
                     f"{ctx.base_url}/collections", f"{ctx.base_url}/openapi?f=json",
                     OGC_TILES, agent)
    return features, tiles


def catalog_graph(ctx: CatalogContext, records: list[DatasetRecord], page: Page,
                  page_url: str,
                  dates: tuple[datetime | None, datetime | None] = (None, None)) -> Graph:
    """The catalogue page: ``records`` are the datasets of this page only.

    ``dates`` are the first and last loads over the whole catalogue (the same on every
    page, so merged pages still have one issued and one modified date).
    """
    graph = new_graph()
    agent = publisher(graph, ctx)
    catalog = typed(graph, f"{ctx.base_url}/catalog", DCAT.Catalog)
    graph.add((catalog, DCT.title, Literal(ctx.title, lang="en")))
    graph.add((catalog, DCT.description, Literal(
        f"Open, shared and internal geodata of {ctx.publisher_name}, as DCAT-AP 3.0.",
        lang="en")))
    graph.add((catalog, DCT.publisher, agent))
    graph.add((catalog, FOAF.homepage, typed(graph, ctx.homepage, FOAF.Document)))
    graph.add((catalog, DCAT.themeTaxonomy, concept_scheme(graph, DATA_THEME_SCHEME)))
    graph.add((catalog, DCT.license, licence(graph, vocab.LICENCE + "CC_BY_4_0")))
    for language in _languages(graph, ["fr", "nl", "en"]):
        graph.add((catalog, DCT.language, language))
    belgium = concept(graph, COUNTRY_BEL, DCT.Location, vocab.AUTHORITY + "country")
    graph.add((catalog, DCT.spatial, belgium))
    _add_box(graph, belgium, BELGIUM_BBOX)
    issued, modified = dates
    if issued is not None:
        graph.add((catalog, DCT.issued, _dt(issued)))
    if modified is not None:
        graph.add((catalog, DCT.modified, _dt(modified)))
    features, tiles = services(graph, ctx, agent)
    for service in (features, tiles):
        graph.add((catalog, DCAT.service, service))
    for record in records:
        dataset = add_dataset(graph, ctx, record, agent, features)
        graph.add((catalog, DCAT.dataset, dataset))
        for service in (features, tiles):
            graph.add((service, DCAT.servesDataset, dataset))
    _paging(graph, page, page_url)
    return graph


def _paging(graph: Graph, page: Page, page_url: str) -> None:
    """hydra:PagedCollection links, as CKAN's DCAT harvester reads them."""
    node = URIRef(page_url.format(page=page.number))
    graph.add((node, RDF.type, HYDRA.PagedCollection))
    graph.add((node, HYDRA.totalItems, Literal(page.total, datatype=XSD.integer)))
    graph.add((node, HYDRA.itemsPerPage, Literal(page.size, datatype=XSD.integer)))
    graph.add((node, HYDRA.firstPage, Literal(page_url.format(page=1))))
    graph.add((node, HYDRA.lastPage, Literal(page_url.format(page=page.last))))
    if page.number > 1:
        graph.add((node, HYDRA.previousPage, Literal(page_url.format(page=page.number - 1))))
    if page.number < page.last:
        graph.add((node, HYDRA.nextPage, Literal(page_url.format(page=page.number + 1))))
