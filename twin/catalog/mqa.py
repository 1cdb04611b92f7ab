"""The data.europa.eu Metadata Quality Assessment, computed on our own catalogue graph.

Weights (max 405, Excellent >= 351): findability 100, accessibility 100, interoperability
110, reusability 75, contextuality 20. A dataset scores its own properties plus those of its
single best distribution; the catalogue's score is the mean over its datasets. Reachability
of access and download URLs is probed by a callable (the app in process, or HTTP).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.term import Node

from gis import vocab
from twin.catalog.vocab import DCAT, DCTERMS, IANA, RDF, SPDX

MAX_SCORE = 405
EXCELLENT = 351
GOOD = 221
SUFFICIENT = 121
NON_PROPRIETARY = frozenset({"GEOJSON", "CSV", "GPKG", "JSON", "XML", "RDF_XML", "TURTLE",
                             "JSON_LD", "GML", "KML", "PARQUET", "TXT", "HTML"})
MACHINE_READABLE = frozenset({"GEOJSON", "CSV", "GPKG", "JSON", "XML", "RDF_XML", "TURTLE",
                              "JSON_LD", "GML", "KML", "PARQUET", "SHP"})
Probe = Callable[[str], int]


@dataclass
class DatasetScore:
    dataset: str
    points: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.points.values())


def rating(score: float) -> str:
    if score >= EXCELLENT:
        return "Excellent"
    if score >= GOOD:
        return "Good"
    return "Sufficient" if score >= SUFFICIENT else "Bad"


def _has(graph: Graph, node: Node, predicate: URIRef) -> bool:
    return graph.value(node, predicate) is not None


def _in(graph: Graph, node: Node, predicate: URIRef, prefix: str) -> bool:
    return any(str(o).startswith(prefix) for o in graph.objects(node, predicate))


def _ok(probe: Probe, url: Node | None, cache: dict[str, bool]) -> bool:
    if url is None:
        return False
    if str(url) not in cache:
        cache[str(url)] = 200 <= probe(str(url)) < 300
    return cache[str(url)]


def distribution_points(graph: Graph, dist: Node, probe: Probe,
                        cache: dict[str, bool]) -> dict[str, int]:
    """The distribution-level criteria (accessibility, interoperability, parts of the rest)."""
    formats = [vocab.short_code(str(f)) for f in graph.objects(dist, DCTERMS.format)]
    eu_format = _in(graph, dist, DCTERMS.format, vocab.FILE_TYPE)
    iana = _in(graph, dist, DCAT.mediaType, IANA)
    return {
        "accessURL reachable": 50 * _ok(probe, graph.value(dist, DCAT.accessURL), cache),
        "downloadURL": 20 * _has(graph, dist, DCAT.downloadURL),
        "downloadURL reachable": 30 * _ok(probe, graph.value(dist, DCAT.downloadURL), cache),
        "format": 20 * bool(formats),
        "mediaType": 10 * _has(graph, dist, DCAT.mediaType),
        "format/mediaType from vocabulary": 10 * (eu_format and iana),
        "non-proprietary": 20 * any(f in NON_PROPRIETARY for f in formats),
        "machine-readable": 20 * any(f in MACHINE_READABLE for f in formats),
        "licence": 20 * _has(graph, dist, DCTERMS.license),
        "licence from vocabulary": 10 * _in(graph, dist, DCTERMS.license, vocab.LICENCE),
        "rights": 5 * _has(graph, dist, DCTERMS.rights),
        "byteSize": 5 * _has(graph, dist, DCAT.byteSize),
        "checksum (not scored)": 0 * _has(graph, dist, SPDX.checksum),
    }


def dataset_points(graph: Graph, dataset: Node, dcat_ap_compliant: bool) -> dict[str, int]:
    return {
        "keyword": 30 * _has(graph, dataset, DCAT.keyword),
        "theme": 30 * _has(graph, dataset, DCAT.theme),
        "spatial": 20 * _has(graph, dataset, DCTERMS.spatial),
        "temporal": 20 * _has(graph, dataset, DCTERMS.temporal),
        "DCAT-AP compliant": 30 * dcat_ap_compliant,
        "accessRights": 10 * _has(graph, dataset, DCTERMS.accessRights),
        "accessRights from vocabulary": 5 * _in(graph, dataset, DCTERMS.accessRights,
                                                vocab.ACCESS_RIGHT),
        "contactPoint": 20 * _has(graph, dataset, DCAT.contactPoint),
        "publisher": 10 * _has(graph, dataset, DCTERMS.publisher),
        "issued": 5 * _has(graph, dataset, DCTERMS.issued),
        "modified": 5 * _has(graph, dataset, DCTERMS.modified),
    }


def score_dataset(graph: Graph, dataset: Node, probe: Probe, dcat_ap_compliant: bool,
                  cache: dict[str, bool]) -> DatasetScore:
    result = DatasetScore(str(dataset), dataset_points(graph, dataset, dcat_ap_compliant))
    best: dict[str, int] = {}
    for dist in graph.objects(dataset, DCAT.distribution):
        points = distribution_points(graph, dist, probe, cache)
        if sum(points.values()) > sum(best.values()):
            best = points
    result.points.update(best)
    return result


def score_catalog(graph: Graph, probe: Probe, dcat_ap_compliant: bool) -> list[DatasetScore]:
    cache: dict[str, bool] = {}
    return [score_dataset(graph, d, probe, dcat_ap_compliant, cache)
            for d in sorted(graph.subjects(RDF.type, DCAT.Dataset), key=str)]


def mean_score(scores: list[DatasetScore]) -> float:
    return sum(s.total for s in scores) / len(scores) if scores else 0.0
