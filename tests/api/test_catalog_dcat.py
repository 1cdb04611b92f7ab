"""The DCAT-AP catalogue over HTTP: formats, paging, SHACL, MQA score, dataset pages."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from access_support import make_cadastral_layer
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF
from sqlalchemy import Engine

from twin.app import create_app
from twin.catalog import mqa, shacl
from twin.catalog.vocab import HYDRA, SPDX
from twin.settings import Settings

pytestmark = pytest.mark.api
BASE = "http://testserver"


@dataclass
class Catalogue:
    client: TestClient
    open_ids: list[str]
    shared_id: str


@pytest.fixture(scope="module")
def catalogue(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[Catalogue]:
    suffix = uuid.uuid4().hex[:8]
    folder = tmp_path_factory.mktemp("cadastre")
    open_ids = [f"dcat_open{n}_{suffix}" for n in range(3)]
    for layer_id in open_ids:
        make_cadastral_layer(engine, layer_id, "open", limit=25, folder=folder)
    shared_id = f"dcat_shared_{suffix}"
    make_cadastral_layer(engine, shared_id, "shared", ("notaries",), limit=10, folder=folder)
    settings = Settings(database_url=database_url, public_url=BASE, catalog_page_size=2,
                        data_dir=Path(tmp_path_factory.mktemp("var")), ogc_registry_ttl=0.0)
    with TestClient(create_app(settings)) as client:
        for layer_id in open_ids:  # built downloads give true byteSize and checksums
            for fmt in ("geojson", "csv", "gpkg"):
                for crs in ("4326", "storage"):
                    assert client.get(f"/downloads/{layer_id}.{fmt}?crs={crs}").status_code == 200
        yield Catalogue(client, open_ids, shared_id)


def _pages(client: TestClient, extension: str = ".ttl") -> Graph:
    """Every page, following hydra:nextPage, merged into one graph."""
    graph = Graph()
    url: str | None = f"{BASE}/catalog{extension}?page=1"
    seen = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = Graph().parse(data=response.content, format={
            ".ttl": "turtle", ".jsonld": "json-ld", ".rdf": "xml"}[extension])
        graph += page
        following = page.value(URIRef(url), HYDRA.nextPage)
        url = str(following) if following else None
        seen += 1
        assert seen < 100
    return graph


@pytest.mark.parametrize(("accept", "media"), [
    ("text/turtle", "text/turtle"), ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"), ("text/html", "text/html"),
])
def test_content_negotiation(catalogue: Catalogue, accept: str, media: str) -> None:
    response = catalogue.client.get("/catalog", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)


@pytest.mark.parametrize("extension", [".ttl", ".jsonld", ".rdf"])
def test_every_format_pages_through_the_same_datasets(catalogue: Catalogue, extension: str
                                                      ) -> None:
    graph = _pages(catalogue.client, extension)
    datasets = {str(d).rsplit("/", 1)[-1] for d in graph.subjects(RDF.type, DCAT.Dataset)}
    assert set(catalogue.open_ids) <= datasets
    assert catalogue.shared_id not in datasets


def test_paging_links(catalogue: Catalogue) -> None:
    first = catalogue.client.get("/catalog.ttl?page=1")
    assert 'rel="next"' in first.headers["link"]
    assert 'rel="last"' in first.headers["link"]
    page = Graph().parse(data=first.content, format="turtle")
    node = URIRef(f"{BASE}/catalog.ttl?page=1")
    assert (node, RDF.type, HYDRA.PagedCollection) in page
    assert len(set(page.subjects(RDF.type, DCAT.Dataset))) == 2
    assert catalogue.client.get("/catalog.ttl?page=0").status_code == 400


def test_shacl_zero_violations_and_every_iri_typed(catalogue: Catalogue) -> None:
    graph = _pages(catalogue.client)
    report = shacl.validate(graph)
    assert report.violations == [], report.violations[:5]
    for predicate in (DCTERMS.license, DCTERMS.accrualPeriodicity, DCTERMS.accessRights,
                      DCTERMS.format, DCAT.theme, DCTERMS.language, DCAT.mediaType,
                      DCTERMS.publisher, DCTERMS.conformsTo):
        for target in graph.objects(None, predicate):
            if isinstance(target, URIRef):
                assert graph.value(target, RDF.type) is not None, f"{target} is not typed"


def test_shacl_catches_a_broken_record(catalogue: Catalogue) -> None:
    graph = _pages(catalogue.client)
    dataset = next(iter(graph.subjects(RDF.type, DCAT.Dataset)))
    graph.remove((dataset, DCTERMS.title, None))
    graph.remove((dataset, DCTERMS.description, None))
    assert shacl.validate(graph).violations


def test_mqa_score_is_excellent(catalogue: Catalogue) -> None:
    graph = _pages(catalogue.client)
    report = shacl.validate(graph)

    def probe(url: str) -> int:
        return catalogue.client.head(url).status_code

    scores = [s for s in mqa.score_catalog(graph, probe, report.conforms)
              if s.dataset.rsplit("/", 1)[-1] in catalogue.open_ids]
    assert len(scores) == 3
    assert all(s.total >= mqa.EXCELLENT for s in scores), [s.points for s in scores]
    assert mqa.rating(mqa.mean_score(scores)) == "Excellent"
    unreachable = mqa.score_catalog(graph, lambda url: 404, report.conforms)
    assert all(s.total < mqa.EXCELLENT for s in unreachable)


def test_sizes_and_checksums_are_the_served_files(catalogue: Catalogue) -> None:
    import hashlib

    layer_id = catalogue.open_ids[0]
    graph = Graph().parse(data=catalogue.client.get(f"/catalog/datasets/{layer_id}.ttl").content,
                          format="turtle")
    checked = 0
    for dist in graph.objects(None, DCAT.distribution):
        url = graph.value(dist, DCAT.downloadURL)
        if url is None:
            continue
        body = catalogue.client.get(str(url)).content
        assert int(graph.value(dist, DCAT.byteSize)) == len(body)
        checksum = graph.value(graph.value(dist, SPDX.checksum), SPDX.checksumValue)
        assert str(checksum) == hashlib.sha256(body).hexdigest()
        checked += 1
    assert checked == 6


def test_dates_are_true_load_times(catalogue: Catalogue, engine: Engine) -> None:
    from gis import registry

    layer_id = catalogue.open_ids[0]
    graph = Graph().parse(data=catalogue.client.get(f"/catalog/datasets/{layer_id}.ttl").content,
                          format="turtle")
    node = URIRef(f"{BASE}/catalog/datasets/{layer_id}")
    with engine.connect() as conn:
        layer = registry.get_layer(conn, layer_id)
    assert layer.last_load is not None
    assert graph.value(node, DCTERMS.modified).toPython() == layer.last_load
    assert graph.value(node, DCTERMS.issued).toPython() <= layer.last_load


def test_dataset_html_page(catalogue: Catalogue) -> None:
    layer_id = catalogue.open_ids[0]
    response = catalogue.client.get(f"/catalog/datasets/{layer_id}",
                                    headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "Counts per class" in page  # aggregates, with small cells suppressed
    assert "&lt; 5" in page
    assert "<svg" in page  # the map preview
    assert "<path" in page
    assert "CC BY 4 0" in page or "CC_BY_4_0" in page
    for link in (f"/downloads/{layer_id}.geojson", f"/downloads/{layer_id}.gpkg?crs=storage",
                 f"/collections/{layer_id}/items", f"/collections/{layer_id}/tilejson.json"):
        assert link in page
    assert catalogue.client.get(f"/catalog/datasets/{layer_id}.html").status_code == 200
    assert catalogue.client.get(f"/catalog/datasets/{layer_id}.pdf").status_code == 404
