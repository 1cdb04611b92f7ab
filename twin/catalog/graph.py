"""The DCAT-AP 3.0 graph of one catalogue page: catalogue, datasets, distributions, services.

It is GeoDCAT-AP 3.0.0 too: contact e-mails are typed ``vcard:Email`` (GeoDCAT-AP's shape
requires it), reference systems are EPSG IRIs typed ``dct:Standard`` (on the dataset and on
each distribution serving coordinates), ``dcat:spatialResolutionInMeters`` is given where the
store knows it (a raster's cell, a point cloud's mean spacing), INSPIRE themes declared by the
layer become ``dcat:theme`` with their topic category, and ``dct:provenance`` states the
lineage from the load history. Distributions come from `twin.catalog.distributions`, the one
list the ISO 19139 and OGC API Records outputs also read.

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
from decimal import Decimal
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from gis import inspire_themes, vocab
from twin.catalog.distributions import Distribution, distributions
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
    GEODCATAP,
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
    REFERENCE_SYSTEM_TYPE,
    SHA256_ALGORITHM,
    SKOS,
    SPDX,
    STATUS_COMPLETED,
    TOPIC_CATEGORY,
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
                              ("hydra", HYDRA), ("dcatap", DCATAP), ("gsp", GSP),
                              ("geodcatap", GEODCATAP)):
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
    """The stable URL of a vector download (kept for callers; see `distributions`)."""
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
    # GeoDCAT-AP 3.0's shape: the value of vcard:hasEmail is of class vcard:Email
    graph.add((node, VCARD.hasEmail, typed(graph, f"mailto:{email}", VCARD.Email)))
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


def reference_system(graph: Graph, srid: int) -> URIRef:
    """An EPSG CRS as GeoDCAT-AP 3.0 states a reference system: a ``dct:Standard``."""
    node = typed(graph, EPSG + str(srid), DCT.Standard)
    graph.add((node, DCT.type, typed(graph, REFERENCE_SYSTEM_TYPE, SKOS.Concept,
                                     "Spatial reference system")))
    graph.add((node, SKOS.prefLabel, Literal(f"EPSG:{srid}", lang="en")))
    return node


def _checksum(graph: Graph, node: URIRef, sha256: str) -> None:
    checksum = BNode()
    graph.add((checksum, RDF.type, SPDX.Checksum))
    graph.add((checksum, SPDX.algorithm, typed(graph, SHA256_ALGORITHM, SPDX.ChecksumAlgorithm)))
    graph.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))
    graph.add((node, SPDX.checksum, checksum))


def _distribution(graph: Graph, ctx: CatalogContext, record: DatasetRecord, dist: Distribution,
                  rights: BNode, service: URIRef | None) -> URIRef:
    """One `twin.catalog.distributions.Distribution` as a dcat:Distribution."""
    node = URIRef(f"{dataset_iri(ctx, record.layer.id)}#{dist.key}")
    _common_distribution(graph, node, record, rights)
    graph.add((node, DCAT.accessURL, URIRef(dist.access_url)))
    if dist.download_url is not None:
        graph.add((node, DCAT.downloadURL, URIRef(dist.download_url)))
    if dist.key == "ogcapi-features" and service is not None:
        graph.add((node, DCAT.accessService, service))
    _text(graph, node, DCT.title, dist.title)
    _text(graph, node, DCT.description, dist.description)
    graph.add((node, DCT.format, concept(graph, dist.format_iri, DCT.MediaTypeOrExtent,
                                         vocab.AUTHORITY + "file-type")))
    graph.add((node, DCAT.mediaType, typed(graph, IANA + dist.media_type, DCT.MediaType)))
    graph.add((node, DCT.conformsTo, typed(graph, dist.conforms_to, DCT.Standard)))
    if dist.srid is not None:
        graph.add((node, DCT.conformsTo, reference_system(graph, dist.srid)))
    if dist.byte_size is not None:
        graph.add((node, DCAT.byteSize, Literal(dist.byte_size,
                                                datatype=XSD.nonNegativeInteger)))
    if dist.checksum is not None:
        _checksum(graph, node, dist.checksum)
    return node


def _provenance(graph: Graph, record: DatasetRecord) -> BNode:
    """The lineage GeoDCAT-AP asks for, from what the registry knows of the loads."""
    layer = record.layer
    spec = layer.spec
    parts = [f"Produced by {spec.producer}"]
    if spec.kind == "raster" and spec.source:
        parts.append(f"derived from LiDAR layer {spec.source} (DTM: mean of ground points per "
                     "cell, DSM: highest non-noise point; gaps inside the survey footprint "
                     "filled by Laplace interpolation and flagged in a sidecar mask)")
    elif spec.source:
        parts.append(f"loaded from {spec.source}")
    if layer.current_version is not None:
        parts.append(f"current version {layer.current_version}")
    if record.issued is not None:
        parts.append(f"first loaded {record.issued.date().isoformat()}")
    if record.modified is not None:
        parts.append(f"last loaded {record.modified.date().isoformat()}")
    if spec.personal_fields:
        parts.append("personal fields anonymised before publication")
    node = BNode()
    graph.add((node, RDF.type, DCT.ProvenanceStatement))
    graph.add((node, RDFS.label, Literal("; ".join(parts) + ".", lang="en")))
    return node


def add_dataset(graph: Graph, ctx: CatalogContext, record: DatasetRecord,
                agent: URIRef, service: URIRef) -> URIRef:
    """One dcat:Dataset with its distributions (`twin.catalog.distributions`), reference
    systems, resolution, INSPIRE themes and lineage (GeoDCAT-AP 3.0) where known."""
    layer = record.layer
    spec = layer.spec
    found = distributions(ctx, record)
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
    for srid in sorted({d.srid for d in found if d.srid is not None} | {layer.storage_srid}):
        graph.add((node, DCT.conformsTo, reference_system(graph, srid)))
    if record.products.resolution_m is not None:
        graph.add((node, DCAT.spatialResolutionInMeters,
                   Literal(Decimal(str(record.products.resolution_m)), datatype=XSD.decimal)))
    for code in spec.inspire_themes:
        inspire = inspire_themes.THEMES[code]
        graph.add((node, DCAT.theme, inspire_theme(graph, inspire)))
        graph.add((node, GEODCATAP.topicCategory, typed(
            graph, TOPIC_CATEGORY + inspire.topic, SKOS.Concept, inspire.topic)))
    if record.issued is not None:
        graph.add((node, DCT.provenance, _provenance(graph, record)))
    if found:
        rights = _rights(graph, record)
        for dist in found:
            graph.add((node, DCAT.distribution, _distribution(graph, ctx, record, dist, rights,
                                                              service)))
    return node


def inspire_theme(graph: Graph, theme: inspire_themes.Theme) -> URIRef:
    """An INSPIRE theme as GeoDCAT-AP 3.0 states it: a dcat:theme from the INSPIRE theme
    register, labelled in every language the register gives."""
    node = typed(graph, theme.uri, SKOS.Concept)
    for language in ("en", "fr", "nl", "de"):
        graph.add((node, SKOS.prefLabel, Literal(theme.label(language), lang=language)))
    scheme = typed(graph, inspire_themes.THESAURUS_URI, SKOS.ConceptScheme)
    graph.add((scheme, DCT.title, Literal(inspire_themes.THESAURUS_TITLE, lang="en")))
    graph.add((node, SKOS.inScheme, scheme))
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
