"""GeoDCAT-AP 3.0 and DCAT-AP 3.0 SHACL over the catalogue, and every distribution fetched.

One open vector layer (downloads built, a building tileset and a CityJSON export), one open
LiDAR layer (indexed LAZ, a 3D Tiles point cloud and a 2 m DTM), a shared vector layer and a
closed LiDAR layer. Every distribution the catalogue publishes is fetched through the app: 200 with
``Content-Length`` equal to ``dcat:byteSize`` (a 3D Tiles tileset's byteSize is its servable
files' total), 206 for a Range request on the COG.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from access_support import make_cadastral_layer
from fastapi.testclient import TestClient
from lidar_support import DELFT, lidar_spec
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SKOS
from sqlalchemy import Engine
from tile_digests import building_set

from gis import access, registry
from gis.lidar.crs import parse_given_crs
from gis.lidar.ingest import ingest_lidar
from gis.raster.build import build_dem
from tiles.buildings.build import build_tileset
from tiles.buildings.cityjson import city_model
from tiles.pointcloud.layer import build_layer_tileset
from twin.app import create_app
from twin.catalog import mqa, shacl
from twin.catalog.graph import CatalogContext, Page, catalog_graph
from twin.catalog.records import PRIVATE_TILE_FILES, cityjson_path, dataset_records
from twin.catalog.vocab import GEODCATAP, SPDX, VCARD
from twin.settings import Settings

pytestmark = pytest.mark.api
BASE = "http://testserver"


@dataclass
class World:
    client: TestClient
    settings: Settings
    vector_id: str
    lidar_id: str
    dtm_id: str
    shared_id: str
    closed_id: str
    key: str


@pytest.fixture(scope="module")
def world(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[World]:
    suffix = uuid.uuid4().hex[:8]
    folder = tmp_path_factory.mktemp("geodcat")
    settings = Settings(database_url=database_url, public_url=BASE, catalog_page_size=100,
                        data_dir=Path(tmp_path_factory.mktemp("var")), ogc_registry_ttl=0.0)
    vector_id, shared_id = f"geo_open_{suffix}", f"geo_shared_{suffix}"
    lidar_id, closed_id = f"geo_pc_{suffix}", f"geo_pcx_{suffix}"
    # no personal-field rules: its CityJSON model (built from the raw table) may be offered
    make_cadastral_layer(engine, vector_id, "open", limit=20, folder=folder, rules={})
    make_cadastral_layer(engine, shared_id, "shared", ("notaries",), limit=10, folder=folder)
    nap = parse_given_crs("EPSG:28992+5709")
    ingest_lidar(engine, lidar_spec(lidar_id, "open"), DELFT[1:], crs=nap)
    ingest_lidar(engine, lidar_spec(closed_id, "closed"), DELFT[1:], crs=nap)
    build_layer_tileset(engine, lidar_id, settings.tiles_dir, workers=1)
    dtm = build_dem(engine, lidar_id, "dtm", 2.0, settings.data_dir.resolve() / "rasters")
    # the building products of the vector layer: 3D Tiles and the CityJSON export where
    # `twin export cityjson` writes it (synthetic prisms, as the tiles tests build them)
    buildings = building_set(20)
    build_tileset(buildings, settings.tiles_dir / vector_id, executor=ThreadPoolExecutor(1))
    target = cityjson_path(settings.data_dir, vector_id)
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(city_model(buildings, "test"), separators=(",", ":")))
    ruled = cityjson_path(settings.data_dir, shared_id)  # a model of a layer with rules
    ruled.write_text(json.dumps(city_model(buildings, "test"), separators=(",", ":")))
    with engine.begin() as conn:
        _, key = access.create_key(conn, "partner", ["notaries"], label="geodcat test")
    with TestClient(create_app(settings)) as client:
        for fmt in ("geojson", "csv", "gpkg"):
            for crs in ("4326", "storage"):
                assert client.get(f"/downloads/{vector_id}.{fmt}?crs={crs}").status_code == 200
        yield World(client, settings, vector_id, lidar_id, dtm.layer_id, shared_id, closed_id,
                    key)


def _catalog(world: World, key: str | None = None) -> Graph:
    headers = {"X-API-Key": key} if key else {}
    response = world.client.get("/catalog.ttl?page=1", headers=headers)
    assert response.status_code == 200
    return Graph().parse(data=response.content, format="turtle")


def _dataset(world: World, layer_id: str) -> Graph:
    response = world.client.get(f"/catalog/datasets/{layer_id}.ttl")
    assert response.status_code == 200, layer_id
    return Graph().parse(data=response.content, format="turtle")


def _ids(graph: Graph) -> set[str]:
    return {str(d).rsplit("/", 1)[-1] for d in graph.subjects(RDF.type, DCAT.Dataset)}


def test_geodcat_and_dcat_ap_shacl_pass(world: World) -> None:
    graph = _catalog(world)
    assert {world.vector_id, world.lidar_id, world.dtm_id} <= _ids(graph)
    geodcat = shacl.validate_geodcat(graph)
    assert geodcat.violations == [], geodcat.violations[:5]
    dcat = shacl.validate(graph)
    assert dcat.violations == [], dcat.violations[:5]


def test_contact_emails_are_typed_and_untyped_ones_fail(world: World) -> None:
    graph = _catalog(world)
    emails = list(graph.objects(None, VCARD.hasEmail))
    assert emails
    assert all((email, RDF.type, VCARD.Email) in graph for email in emails)
    broken = Graph()
    for triple in graph:
        if not (triple[1] == RDF.type and triple[2] == VCARD.Email):
            broken.add(triple)
    report = shacl.validate_geodcat(broken)
    assert any(r.path == str(VCARD.hasEmail) for r in report.violations), report.violations[:3]


def test_geodcat_properties(world: World) -> None:
    graph = _catalog(world)
    lidar = URIRef(f"{BASE}/catalog/datasets/{world.lidar_id}")
    dtm = URIRef(f"{BASE}/catalog/datasets/{world.dtm_id}")
    assert float(graph.value(dtm, DCAT.spatialResolutionInMeters)) == 2.0
    assert float(graph.value(lidar, DCAT.spatialResolutionInMeters)) > 0
    for node in (lidar, dtm):
        systems = {str(s) for s in graph.objects(node, DCTERMS.conformsTo)}
        assert "http://www.opengis.net/def/crs/EPSG/0/28992" in systems
        assert all((URIRef(s), RDF.type, DCTERMS.Standard) in graph for s in systems)
        lineage = graph.value(node, DCTERMS.provenance)
        assert (lineage, RDF.type, DCTERMS.ProvenanceStatement) in graph
    lineage = graph.value(graph.value(dtm, DCTERMS.provenance), RDFS.label)
    assert f"derived from LiDAR layer {world.lidar_id}" in str(lineage)


def test_inspire_theme_when_declared(world: World, engine: Engine) -> None:
    """An INSPIRE theme is a typed dcat:theme (and a topic category); GeoDCAT-AP passes."""
    with engine.connect() as conn:
        layer = registry.get_layer(conn, world.vector_id)
        layer = layer.model_copy(update={"spec": layer.spec.model_copy(
            update={"inspire_themes": ["cp"]})})
        records = dataset_records(conn, [layer], world.settings.data_dir)
    ctx = CatalogContext(BASE, "t", "Commune", "geo@example.org", f"{BASE}/")
    graph = catalog_graph(ctx, records, Page(1, 10, 1), f"{BASE}/catalog.ttl?page={{page}}")
    node = URIRef(f"{BASE}/catalog/datasets/{world.vector_id}")
    theme = URIRef("http://inspire.ec.europa.eu/theme/cp")
    assert (node, DCAT.theme, theme) in graph
    assert (theme, SKOS.inScheme, URIRef("http://inspire.ec.europa.eu/theme")) in graph
    assert graph.value(node, GEODCATAP.topicCategory) is not None
    assert shacl.validate_geodcat(graph).violations == []


def _tileset_bytes(world: World, layer_id: str) -> int:
    root = world.settings.tiles_dir / layer_id
    return sum(p.stat().st_size for p in root.rglob("*")
               if p.is_file() and p.name not in PRIVATE_TILE_FILES)


def test_every_distribution_url_is_served_with_its_byte_size(world: World) -> None:
    graph = _catalog(world)
    expected_kinds = {world.vector_id: 10, world.lidar_id: 2, world.dtm_id: 1}
    fetched = 0
    for layer_id, at_least in expected_kinds.items():
        node = URIRef(f"{BASE}/catalog/datasets/{layer_id}")
        dists = list(graph.objects(node, DCAT.distribution))
        assert len(dists) >= at_least, layer_id
        for dist in dists:
            for predicate in (DCTERMS.format, DCAT.mediaType, DCTERMS.conformsTo):
                assert graph.value(dist, predicate) is not None, (dist, predicate)
            url = str(graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL))
            response = world.client.get(url)
            assert response.status_code == 200, url
            fetched += 1
            size = graph.value(dist, DCAT.byteSize)
            if url.endswith("/tileset.json"):
                assert int(size) == _tileset_bytes(world, layer_id)
            elif graph.value(dist, DCAT.downloadURL) is not None:
                assert size is not None, url
                assert int(size) == int(response.headers["content-length"]) == len(
                    response.content), url
                checksum = graph.value(graph.value(dist, SPDX.checksum) or BNode(),
                                       SPDX.checksumValue)
                if checksum is not None:
                    assert str(checksum) == hashlib.sha256(response.content).hexdigest()
    assert fetched >= 13


def test_lidar_files_are_the_indexed_ones(world: World) -> None:
    graph = _dataset(world, world.lidar_id)
    urls = [str(u) for u in graph.objects(None, DCAT.downloadURL) if str(u).endswith(".laz")]
    assert len(urls) == 1
    body = world.client.get(urls[0]).content
    assert body == DELFT[1].read_bytes()
    prefix = f"/downloads/lidar/{world.lidar_id}/"
    for wrong in ("999999999.laz", "..%2F..%2Fetc%2Fpasswd", "1.txt"):
        assert world.client.get(prefix + wrong).status_code == 404
    other = urls[0].replace(world.lidar_id, world.closed_id)
    assert world.client.get(other).status_code == 404


def test_cog_answers_range_requests(world: World) -> None:
    url = f"/downloads/rasters/{world.dtm_id}.tif"
    full = world.client.get(url)
    assert full.status_code == 200
    assert full.content[:2] in (b"II", b"MM")
    part = world.client.get(url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206
    assert part.content == full.content[:100]
    assert part.headers["content-range"] == f"bytes 0-99/{len(full.content)}"


def test_closed_layers_absent_shared_only_with_a_key(world: World) -> None:
    public = _catalog(world)
    ids = _ids(public)
    assert world.closed_id not in ids
    assert world.shared_id not in ids
    text = public.serialize(format="turtle")
    assert world.closed_id not in text
    assert world.shared_id not in text
    keyed = _catalog(world, world.key)
    assert world.shared_id in _ids(keyed)
    assert world.closed_id not in _ids(keyed)
    shared = URIRef(f"{BASE}/catalog/datasets/{world.shared_id}")
    url = str(keyed.value(next(keyed.objects(shared, DCAT.distribution)), DCAT.accessURL))
    assert world.client.get(url, headers={"X-API-Key": world.key}).status_code == 200
    assert world.client.get(f"/downloads/rasters/{world.closed_id}_dtm.tif").status_code == 404
    assert world.client.get(f"/3dtiles/{world.closed_id}/tileset.json").status_code == 404


def test_mqa_score_stays_excellent(world: World) -> None:
    graph = _catalog(world)
    report = shacl.validate(graph)
    scores = [s for s in mqa.score_catalog(graph, lambda url: world.client.head(url).status_code,
                                           report.conforms)
              if s.dataset.rsplit("/", 1)[-1] == world.vector_id]
    assert len(scores) == 1
    assert scores[0].total >= mqa.EXCELLENT, scores[0].points


def test_literal_resolution_is_decimal(world: World) -> None:
    graph = _dataset(world, world.dtm_id)
    value = next(graph.objects(None, DCAT.spatialResolutionInMeters))
    assert isinstance(value, Literal)
    assert str(value.datatype) == "http://www.w3.org/2001/XMLSchema#decimal"


def test_dataset_pages_list_every_product(world: World) -> None:
    for layer_id, link in ((world.lidar_id, f"/downloads/lidar/{world.lidar_id}/"),
                           (world.lidar_id, f"/3dtiles/{world.lidar_id}/tileset.json"),
                           (world.dtm_id, f"/downloads/rasters/{world.dtm_id}.tif"),
                           (world.vector_id, f"/downloads/cityjson/{world.vector_id}.city.json"),
                           (world.vector_id, f"/3dtiles/{world.vector_id}/tileset.json")):
        response = world.client.get(f"/catalog/datasets/{layer_id}.html")
        assert response.status_code == 200, layer_id
        assert link in response.text, (layer_id, link)


def test_a_layer_with_personal_field_rules_offers_no_cityjson(world: World) -> None:
    """Its model comes from the raw table: neither listed nor served, even with a key."""
    headers = {"X-API-Key": world.key}
    url = f"/downloads/cityjson/{world.shared_id}.city.json"
    assert world.client.get(url, headers=headers).status_code == 404
    assert url not in _catalog(world, world.key).serialize(format="turtle")
