"""ISO 19139 records built offline from registry objects: XSD-valid and INSPIRE-complete."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from iso_support import NS, inspire_failures, xsd_errors
from lxml import etree  # type: ignore[import-untyped]  # no stubs: lxml-stubs not installed

from gis.model import Layer, LayerSpec
from twin.catalog import iso19139
from twin.catalog.records import DatasetRecord

CTX = iso19139.MetadataContext("https://geo.example.be", "https://geodata.example.be/id",
                               "Commune d'Exemple", "geo@example.be")


def layer(**extra: object) -> Layer:
    spec = LayerSpec.model_validate({
        "id": "parcelles", "title": {"fr": "Parcelles", "nl": "Percelen", "en": "Parcels"},
        "description": {"fr": "Parcelles cadastrales", "nl": "Kadastrale percelen"},
        "keywords": ["cadastre"], "producer": "Service urbanisme",
        "contact_point": {"name": "GIS", "email": "gis@example.be"}, "licence": "CC_BY_4_0",
        "update_frequency": "ANNUAL", "inspire_themes": ["cp", "BU"], **extra})
    return Layer(spec=spec, storage_srid=31370, current_version=1, feature_count=3,
                 geometry_type="MULTIPOLYGON", extent_4326=(4.6, 50.8, 4.8, 50.9))


def record(**extra: object) -> DatasetRecord:
    when = datetime(2024, 5, 1, tzinfo=UTC)
    return DatasetRecord(layer(**extra), when, when, when)


def test_dataset_record_is_valid_and_inspire_complete() -> None:
    document = iso19139.dataset_xml(CTX, record())
    assert xsd_errors(document) == []
    assert inspire_failures(document) == []
    identifier = document.xpath("gmd:fileIdentifier/*/text()", namespaces=NS)
    assert identifier == [iso19139.dataset_identifier(CTX, "parcelles")]
    other = iso19139.MetadataContext(CTX.base_url, "https://geodata.other.be/id", "", "")
    assert iso19139.dataset_identifier(other, "parcelles") != identifier[0]
    assert document.xpath("//gmd:citation/*/gmd:identifier/*/gmd:code/*/text()",
                          namespaces=NS) == ["https://geodata.example.be/id/parcelles"]
    themes = document.xpath("//gmd:keyword/gmx:Anchor/@xlink:href", namespaces=NS)
    assert themes == ["http://inspire.ec.europa.eu/theme/cp",
                      "http://inspire.ec.europa.eu/theme/bu"]
    assert document.xpath("//gmd:title//gmd:LocalisedCharacterString[@locale='#NL']/text()",
                          namespaces=NS) == ["Percelen"]
    urls = document.xpath("//gmd:onLine//gmd:URL/text()", namespaces=NS)
    assert "https://geo.example.be/downloads/parcelles.geojson" in urls
    assert "https://geo.example.be/collections/parcelles" in urls


def test_restricted_layer_says_so_and_checks_can_fail() -> None:
    document = iso19139.dataset_xml(CTX, record(access_level="shared",
                                                shared_with=["notaries"]))
    assert document.xpath("//gmd:otherConstraints/gmx:Anchor/@xlink:href", namespaces=NS)[0] \
        == iso19139.RESTRICTED_ACCESS
    for node in document.xpath("//gmd:descriptiveKeywords", namespaces=NS):
        node.getparent().remove(node)
    assert any("INSPIRE theme" in f for f in inspire_failures(document))
    stamp = document.find(f"{{{NS['gmd']}}}dateStamp")
    assert stamp is not None
    document.remove(stamp)
    assert xsd_errors(document)


def test_service_records_link_the_datasets_they_serve() -> None:
    services = iso19139.services(CTX, [record()])
    assert [s.service_type for s in services] == ["download", "view", "view", "discovery"]
    for service in services:
        document = iso19139.service_xml(CTX, service, (4.6, 50.8, 4.8, 50.9))
        assert xsd_errors(document) == [], etree.tostring(document)[:2000]
        assert inspire_failures(document) == []
    features = iso19139.service_xml(CTX, services[0], None)
    assert features.xpath("//srv:operatesOn/@uuidref", namespaces=NS) == [
        iso19139.dataset_identifier(CTX, "parcelles")]


def test_unknown_inspire_theme_is_refused() -> None:
    with pytest.raises(ValueError, match="not an INSPIRE theme"):
        layer(inspire_themes=["xx"])
