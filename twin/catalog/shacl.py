"""Offline SHACL validation of catalogue graphs against the shipped DCAT-AP 3.0.1 shapes and
GeoDCAT-AP 3.0.0 shapes (`validate_geodcat`).

Never follows ``owl:imports``: the background facts (ranges, subclasses, the EU concepts we
use) come from ``shapes/bg-ontology.ttl`` and ``shapes/vocab-stub.ttl`` as the ontology
graph. The 3.0.1 shapes reference property shapes they never define when a dcat:DataService
is present; those dangling ``sh:property`` links are pruned before validating.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SH

SHAPES_DIR = Path(__file__).with_name("shapes")
SHAPE_FILES = ("shapes.ttl", "range.ttl", "shapes_recommended.ttl", "mdr-vocabularies.shape.ttl")
ONTOLOGY_FILES = ("bg-ontology.ttl", "vocab-stub.ttl")
#: GeoDCAT-AP 3.0.0's single shapes file (no owl:imports, no dangling property shapes)
GEODCAT_SHAPE_FILES = ("geodcat-ap-SHACL.ttl",)


@dataclass(frozen=True)
class ShaclResult:
    focus: str
    path: str
    severity: str
    message: str


@dataclass(frozen=True)
class ShaclReport:
    results: list[ShaclResult]

    @property
    def violations(self) -> list[ShaclResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ShaclResult]:
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations


def prune_dangling(shapes: Graph) -> int:
    """Remove ``sh:property`` links to nodes that define no ``sh:path``; returns how many."""
    dangling = [(s, o) for s, o in shapes.subject_objects(SH.property)
                if (o, SH.path, None) not in shapes]
    for subject, target in dangling:
        shapes.remove((subject, SH.property, target))
    return len(dangling)


@lru_cache(maxsize=2)
def _shapes(names: tuple[str, ...] = SHAPE_FILES) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(SHAPES_DIR / name, format="turtle")
    graph.remove((None, URIRef("http://www.w3.org/2002/07/owl#imports"), None))
    prune_dangling(graph)
    return graph


@lru_cache(maxsize=1)
def _ontology() -> Graph:
    graph = Graph()
    for name in ONTOLOGY_FILES:
        graph.parse(SHAPES_DIR / name, format="turtle")
    return graph


def validate(data: Graph) -> ShaclReport:
    """Validate ``data`` against DCAT-AP 3.0.1 (RDFS inference over the background facts,
    no imports)."""
    return _validate(data, SHAPE_FILES)


def validate_geodcat(data: Graph) -> ShaclReport:
    """Validate ``data`` against GeoDCAT-AP 3.0.0, with the same background facts: its
    ``sh:class`` ranges (vcard:Email, dct:Standard, dct:Location...) need values typed in the
    graph or inferable from them."""
    return _validate(data, GEODCAT_SHAPE_FILES)


def _validate(data: Graph, names: tuple[str, ...]) -> ShaclReport:
    from pyshacl import validate as pyshacl_validate

    _, report_graph, _ = pyshacl_validate(
        data, shacl_graph=_shapes(names), ont_graph=_ontology(), inference="rdfs",
        do_owl_imports=False, allow_warnings=True, abort_on_first=False, advanced=True,
    )
    results = []
    for node in report_graph.objects(None, SH.result):  # top-level results, not sh:detail
        severity = str(report_graph.value(node, SH.resultSeverity)).rsplit("#", 1)[-1]
        results.append(ShaclResult(
            focus=str(report_graph.value(node, SH.focusNode)),
            path=str(report_graph.value(node, SH.resultPath)),
            severity=severity,
            message=str(report_graph.value(node, SH.resultMessage)),
        ))
    return ShaclReport(sorted(results, key=lambda r: (r.severity, r.focus, r.path)))
