"""``/csw`` against OWSLib's CSW client and a GeoNetwork-like harvest, over real HTTP.

Layers are the Leuven parcels loaded by the real ingest, declared with INSPIRE themes: one
open, one shared with a partner group, one closed. Every ISO record served is validated
against the official ISO 19139 XSDs and the INSPIRE abstract tests (`iso_support`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from fastapi.testclient import TestClient
from iso_support import NS, csw_errors, inspire_failures, local_parser, xsd_errors
from lxml import etree  # type: ignore[import-untyped]  # no stubs: lxml-stubs not installed
from ogc_support import PARCELS, app_settings, running_server
from ogc_support import spec as parcel_spec
from owslib.catalogue.csw2 import CatalogueServiceWeb  # type: ignore[import-untyped]
from owslib.fes import (  # type: ignore[import-untyped]
    And,
    BBox,
    Not,
    PropertyIsEqualTo,
    PropertyIsGreaterThanOrEqualTo,
    PropertyIsLike,
)
from sqlalchemy import Engine

from gis import access, registry
from gis.anonymise import refresh_published_view
from gis.ingest.loader import ingest_vector
from gis.model import LayerSpec
from twin.app import create_app
from twin.catalog import iso19139

pytestmark = pytest.mark.api
CSW_NS = "http://www.opengis.net/cat/csw/2.0.2"
GMD = NS["gmd"]
OWS = "http://www.opengis.net/ows"
BASE = "http://testserver"  # the TestClient app's public URL (`app_settings`)


@dataclass(frozen=True)
class CswLayers:
    open: str
    shared: str
    closed: str
    partner_token: str


def _ingest(engine: Engine, layer_id: str, access_level: str, themes: list[str],
            shared_with: list[str] | None = None) -> None:
    base = parcel_spec(layer_id, access_level, shared_with).model_dump(mode="json")
    base["title"]["fr"] = f"Parcelles cadastrales {layer_id}"
    declared = LayerSpec.model_validate({**base, "inspire_themes": themes,
                                         "keywords": ["parcelles", f"kw_{layer_id}"]})
    ingest_vector(engine, declared, PARCELS, default_storage_crs="EPSG:31370")
    with engine.begin() as conn:
        refresh_published_view(conn, registry.get_layer(conn, layer_id))


@pytest.fixture(scope="module")
def csw_layers(engine: Engine) -> CswLayers:
    suffix = uuid.uuid4().hex[:8]
    layers = (f"csw_open_{suffix}", f"csw_shared_{suffix}", f"csw_closed_{suffix}")
    _ingest(engine, layers[0], "open", ["cp", "bu"])
    _ingest(engine, layers[1], "shared", ["cp"], ["planning"])
    _ingest(engine, layers[2], "closed", ["cp"])
    with engine.begin() as conn:
        _, token = access.create_key(conn, "partner", ["planning"], label="csw test")
    return CswLayers(*layers, token)


@pytest.fixture(scope="module")
def csw_server(database_url: str, csw_layers: CswLayers) -> Iterator[str]:
    with running_server(database_url) as base:
        yield f"{base}/csw"


@pytest.fixture(scope="module")
def client(database_url: str, csw_layers: CswLayers) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings(database_url))) as test_client:
        yield test_client


def dataset_id(base: str, layer_id: str) -> str:
    """The CSW id of a layer's record on the server at ``base`` (default namespace)."""
    ctx = iso19139.MetadataContext(base.removesuffix("/csw"), f"{base.removesuffix('/csw')}/id",
                                   "", "")
    return iso19139.dataset_identifier(ctx, layer_id)


def service_id(base: str, key: str) -> str:
    ctx = iso19139.MetadataContext(base.removesuffix("/csw"), f"{base.removesuffix('/csw')}/id",
                                   "", "")
    return iso19139.service_identifier(ctx, key)


def _open_layer_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return sum(1 for la in registry.list_layers(conn) if la.spec.access_level == "open")


def _check_iso(document: etree._Element, themed: bool) -> None:
    """XSD-valid always; INSPIRE-complete when the layer declares a theme (a layer without
    one may only miss the theme keyword: the catalogue cannot invent it)."""
    identifier = document.findtext(f"{{{GMD}}}fileIdentifier/{{{NS['gco']}}}CharacterString")
    assert xsd_errors(document) == [], identifier
    failures = inspire_failures(document)
    if themed:
        assert failures == [], (identifier, failures)
    else:
        assert all(f.startswith("md-iso.m") for f in failures), (identifier, failures)


def test_owslib_capabilities(csw_server: str) -> None:
    service = CatalogueServiceWeb(csw_server)
    assert service.identification.type == "CSW"
    assert service.identification.version == "2.0.2"
    names = {op.name for op in service.operations}
    assert {"GetCapabilities", "DescribeRecord", "GetRecords", "GetRecordById",
            "GetDomain"} <= names
    assert "Transaction" not in names
    raw = etree.fromstring(requests.get(csw_server, params={
        "service": "CSW", "request": "GetCapabilities"}, timeout=30).content)
    assert csw_errors(raw) == []
    url = raw.xpath("//inspire_common:MetadataUrl/inspire_common:URL/text()", namespaces={
        "inspire_common": "http://inspire.ec.europa.eu/schemas/common/1.0"})
    assert url
    assert service_id(csw_server, "csw") in url[0]
    service_record = etree.fromstring(requests.get(url[0], timeout=30).content)
    md = service_record.find(f"{{{GMD}}}MD_Metadata")
    assert md is not None
    _check_iso(md, themed=True)


def test_owslib_pages_through_all_records(csw_server: str, csw_layers: CswLayers,
                                          engine: Engine) -> None:
    service = CatalogueServiceWeb(csw_server)
    seen: list[str] = []
    start = 1
    while True:
        service.getrecords2(startposition=start, maxrecords=3, esn="brief")
        seen.extend(service.records)
        assert service.results["returned"] == len(service.records) <= 3
        if service.results["nextrecord"] == 0:
            break
        start = service.results["nextrecord"]
        assert len(seen) < 10_000
    expected = _open_layer_count(engine) + 4  # open datasets + the four services
    assert service.results["matches"] == expected == len(seen) == len(set(seen))
    assert dataset_id(csw_server, csw_layers.open) in seen
    assert dataset_id(csw_server, csw_layers.shared) not in seen
    assert dataset_id(csw_server, csw_layers.closed) not in seen
    service.getrecords2(resulttype="hits")
    assert service.results["matches"] == expected
    assert not service.records


def test_owslib_filters(csw_server: str, csw_layers: CswLayers) -> None:
    service = CatalogueServiceWeb(csw_server)
    opened = dataset_id(csw_server, csw_layers.open)
    service.getrecords2([PropertyIsLike("dc:title", f"%{csw_layers.open}%")], maxrecords=50)
    assert list(service.records) == [opened]
    assert service.records[opened].title == f"Parcelles cadastrales {csw_layers.open}"
    service.getrecords2([PropertyIsEqualTo("dc:subject", f"kw_{csw_layers.open}")])
    assert list(service.records) == [opened]
    service.getrecords2([PropertyIsLike("csw:AnyText", f"%{csw_layers.shared}%")])
    assert service.results["matches"] == 0  # a shared layer is no search hit either
    service.getrecords2([And([PropertyIsLike("csw:AnyText", f"%{csw_layers.open}%"),
                              BBox([4.6, 50.8, 4.8, 50.95])])])
    assert list(service.records) == [opened]
    service.getrecords2([And([PropertyIsLike("csw:AnyText", f"%{csw_layers.open}%"),
                              BBox([5.5, 49.5, 5.9, 49.9])])])
    assert service.results["matches"] == 0
    service.getrecords2([And([PropertyIsLike("dc:title", f"%{csw_layers.open}%"),
                              PropertyIsGreaterThanOrEqualTo("dct:modified", "2000-01-01")])])
    assert list(service.records) == [opened]
    service.getrecords2([And([PropertyIsLike("dc:title", f"%{csw_layers.open}%"),
                              PropertyIsGreaterThanOrEqualTo("dct:modified", "2999-01-01")])])
    assert service.results["matches"] == 0
    service.getrecords2([And([PropertyIsEqualTo("dc:type", "service"),
                              Not([PropertyIsLike("dc:title", "%CSW%")])])])
    assert sorted(service.records) == sorted(service_id(csw_server, key) for key in (
        "3dtiles", "ogcapi-features", "ogcapi-tiles"))
    service.getrecords2(cql=f"dc:title LIKE '%{csw_layers.open}%' AND "
                            "BBOX(ows:BoundingBox, 4.6, 50.8, 4.8, 50.95)")
    assert list(service.records) == [opened]


def test_owslib_get_record_by_id_iso(csw_server: str, csw_layers: CswLayers) -> None:
    service = CatalogueServiceWeb(csw_server)
    opened = dataset_id(csw_server, csw_layers.open)
    service.getrecordbyid([opened], outputschema=GMD)
    record = service.records[opened]
    assert record.identification[0].title == f"Parcelles cadastrales {csw_layers.open}"
    assert record.languagecode == "fre" or record.language == "fre"
    urls = [o.url for o in record.distribution.online]
    assert any(u.endswith(f"/downloads/{csw_layers.open}.geojson") for u in urls)
    identifiers = record.identification[0].uricode
    assert identifiers == [f"{csw_server.removesuffix('/csw')}/id/{csw_layers.open}"]
    service.getrecordbyid([dataset_id(csw_server, csw_layers.closed),
                           dataset_id(csw_server, csw_layers.shared)], outputschema=GMD)
    assert not service.records


def test_geonetwork_like_harvest_validates_every_record(csw_server: str, csw_layers: CswLayers,
                                                         engine: Engine) -> None:
    """GeoNetwork's CSW harvester: POST GetRecords summary pages, then each full ISO record
    by id with GET; every record is XSD-valid and passes the INSPIRE checks."""
    with engine.connect() as conn:
        themed = {dataset_id(csw_server, la.id) for la in registry.list_layers(conn)
                  if la.spec.inspire_themes}
    services = {service_id(csw_server, key) for key in ("ogcapi-features", "ogcapi-tiles",
                                                         "3dtiles", "csw")}
    ids: list[str] = []
    start = 1
    while start:
        body = f"""<csw:GetRecords xmlns:csw="{CSW_NS}" service="CSW" version="2.0.2"
            resultType="results" startPosition="{start}" maxRecords="2"
            outputSchema="{CSW_NS}"><csw:Query typeNames="csw:Record">
            <csw:ElementSetName>summary</csw:ElementSetName></csw:Query></csw:GetRecords>"""
        response = requests.post(csw_server, data=body.encode(), timeout=30,
                                 headers={"Content-Type": "application/xml"})
        assert response.status_code == 200, response.text
        page_doc = etree.fromstring(response.content)
        assert csw_errors(page_doc) == []
        results = page_doc.find(f"{{{CSW_NS}}}SearchResults")
        assert results is not None
        page = [e.findtext("{http://purl.org/dc/elements/1.1/}identifier")
                for e in results.findall(f"{{{CSW_NS}}}SummaryRecord")]
        assert len(page) == int(results.get("numberOfRecordsReturned"))
        ids.extend(str(i) for i in page)
        start = int(results.get("nextRecord"))
        assert len(ids) < 10_000
    assert len(ids) == int(results.get("numberOfRecordsMatched"))
    assert dataset_id(csw_server, csw_layers.open) in ids
    assert dataset_id(csw_server, csw_layers.shared) not in ids
    assert dataset_id(csw_server, csw_layers.closed) not in ids
    assert services <= set(ids)
    for identifier in ids:
        response = requests.get(csw_server, timeout=30, params={
            "service": "CSW", "version": "2.0.2", "request": "GetRecordById", "id": identifier,
            "outputSchema": GMD, "elementSetName": "full"})
        assert response.status_code == 200
        records = etree.fromstring(response.content).findall(f"{{{GMD}}}MD_Metadata")
        assert len(records) == 1
        _check_iso(records[0], themed=identifier in themed | services)


def test_shared_layer_only_with_its_key(client: TestClient, csw_layers: CswLayers) -> None:
    params = {"service": "CSW", "version": "2.0.2", "request": "GetRecords",
              "resultType": "results", "maxRecords": "100", "outputSchema": GMD,
              "constraint": "csw:AnyText LIKE '%csw_%'"}
    public = client.get("/csw", params=params)
    keyed = client.get("/csw", params=params, headers={"X-API-Key": csw_layers.partner_token})
    assert public.status_code == keyed.status_code == 200
    assert csw_layers.shared not in public.text
    assert csw_layers.closed not in public.text
    assert csw_layers.shared in keyed.text
    assert csw_layers.closed not in keyed.text
    shared = next(md for md in etree.fromstring(keyed.content).iter(f"{{{GMD}}}MD_Metadata")
                  if csw_layers.shared in etree.tostring(md).decode())
    _check_iso(shared, themed=True)
    assert "INSPIRE_Directive_Article13_1b" in etree.tostring(shared).decode()
    features = client.get("/csw", params={
        "service": "CSW", "version": "2.0.2", "request": "GetRecordById",
        "id": service_id(BASE, "ogcapi-features"), "outputSchema": GMD},
        headers={"X-API-Key": csw_layers.partner_token})
    served = features.text
    assert dataset_id(BASE, csw_layers.shared) in served
    assert dataset_id(BASE, csw_layers.closed) not in served
    anonymous = client.get("/csw", params={
        "service": "CSW", "version": "2.0.2", "request": "GetRecordById",
        "id": service_id(BASE, "ogcapi-features"), "outputSchema": GMD}).text
    assert dataset_id(BASE, csw_layers.open) in anonymous
    assert dataset_id(BASE, csw_layers.shared) not in anonymous


def test_get_domain(client: TestClient, csw_layers: CswLayers) -> None:
    response = client.get("/csw", params={"service": "CSW", "version": "2.0.2",
                                          "request": "GetDomain", "PropertyName": "dc:subject"})
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    assert csw_errors(document) == []
    values = document.xpath("//csw:Value/text()", namespaces={"csw": CSW_NS})
    assert f"kw_{csw_layers.open}" in values
    assert "Parcelles cadastrales" in values
    assert f"kw_{csw_layers.shared}" not in values


@pytest.mark.parametrize(("params", "code", "locator"), [
    ({"service": "CSW", "version": "2.0.2"}, "MissingParameterValue", "request"),
    ({"service": "CSW", "version": "2.0.2", "request": "Harvest"},
     "OperationNotSupported", "request"),
    ({"service": "CSW", "version": "2.0.2", "request": "DescribeRecord",
      "typeName": "/etc/passwd"}, "InvalidParameterValue", "typeName"),
    ({"service": "CSW", "version": "2.0.2", "request": "Transaction"},
     "OperationNotSupported", "request"),
    ({"service": "CSW", "version": "3.0.0", "request": "GetRecords"},
     "InvalidParameterValue", "version"),
    ({"service": "CSW", "request": "GetRecords"}, "MissingParameterValue", "version"),
    ({"service": "CSW", "version": "2.0.2", "request": "GetRecords",
      "outputSchema": "file:///etc/passwd"}, "InvalidParameterValue", "outputSchema"),
    ({"service": "CSW", "version": "2.0.2", "request": "GetRecords", "resultType": "results",
      "constraint": "secret_column = 1"}, "InvalidParameterValue", "constraint"),
    ({"service": "CSW", "version": "2.0.2", "request": "GetRecords",
      "constraint": "dc:title LIKE"}, "InvalidParameterValue", "constraint"),
    ({"service": "CSW", "version": "2.0.2", "request": "GetRecordById"},
     "MissingParameterValue", "id"),
    ({"service": "CSW", "version": "2.0.2", "request": "GetRecords", "maxRecords": "x"},
     "InvalidParameterValue", "maxRecords"),
])
def test_exceptions(client: TestClient, params: dict[str, str], code: str,
                    locator: str) -> None:
    response = client.get("/csw", params=params)
    assert response.status_code == 400
    report = etree.fromstring(response.content)
    assert csw_errors(report) == []
    exception = report.find(f"{{{OWS}}}Exception")
    assert exception is not None
    assert (exception.get("exceptionCode"), exception.get("locator")) == (code, locator)


def test_post_with_an_entity_is_refused(client: TestClient) -> None:
    body = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
    <csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" service="CSW"
    version="2.0.2" resultType="results"><csw:Query typeNames="csw:Record">
    <csw:ElementSetName>&e;</csw:ElementSetName></csw:Query></csw:GetRecords>"""
    response = client.post("/csw", content=body)
    assert response.status_code == 400
    assert "root:" not in response.text


def test_full_dublin_core_records(client: TestClient, csw_layers: CswLayers) -> None:
    response = client.get("/csw", params={
        "service": "CSW", "version": "2.0.2", "request": "GetRecords", "resultType": "results",
        "elementSetName": "full", "typeNames": "csw:Record", "maxRecords": "5",
        "constraintLanguage": "CQL_TEXT", "constraint": f"dc:title LIKE '%{csw_layers.open}%'"})
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    assert csw_errors(document) == []
    record = document.find(f".//{{{CSW_NS}}}Record")
    assert record is not None
    references = [e.text for e in record.findall("{http://purl.org/dc/terms/}references")]
    assert any(str(r).endswith(f"/collections/{csw_layers.open}") for r in references)
    box = record.find(f"{{{OWS}}}BoundingBox")
    assert box is not None
    south, west = (float(v) for v in box.findtext(f"{{{OWS}}}LowerCorner", "").split())
    assert 50.8 < south < 51.0
    assert 4.6 < west < 4.8


def test_describe_record_schema_validates_the_records(client: TestClient,
                                                      csw_layers: CswLayers) -> None:
    """DescribeRecord's schema component, compiled offline, validates what GetRecords serves."""
    response = client.get("/csw", params={"service": "CSW", "version": "2.0.2",
                                          "request": "DescribeRecord", "typeName": "csw:Record"})
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    assert csw_errors(document) == []
    components = document.findall(f"{{{CSW_NS}}}SchemaComponent")
    assert [c.get("targetNamespace") for c in components] == [CSW_NS]
    schema_element = components[0][0]
    schema = etree.XMLSchema(etree.fromstring(etree.tostring(schema_element), local_parser()))
    records = client.get("/csw", params={
        "service": "CSW", "version": "2.0.2", "request": "GetRecordById",
        "id": dataset_id(BASE, csw_layers.open),
        "elementSetName": "full"})
    record = etree.fromstring(records.content)[0]
    assert schema.validate(record), schema.error_log
    both = client.post("/csw", content=f"""<csw:DescribeRecord xmlns:csw="{CSW_NS}"
        service="CSW" version="2.0.2"/>""".encode())
    assert [c.get("targetNamespace") for c in etree.fromstring(both.content)] == [CSW_NS, GMD]
