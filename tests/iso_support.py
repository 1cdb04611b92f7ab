"""Offline checks of ISO 19139 records: the official XSDs and the INSPIRE abstract tests.

The schemas are vendored under ``tests/schemas/iso19139`` (see SOURCES.md there); their
``http://schemas.opengis.net/...`` and ``https://schemas.isotc211.org/...`` imports are
mapped to those files by an lxml resolver, and the parser refuses the network, so a missing
file fails the test instead of fetching it.

The XPath checks port the INSPIRE metadata abstract test suite (TG 2.0, datasets and
network services: conformance classes 1 and 2, the ETF "md-iso.*" tests) to assertions over
one record: each returns the failed requirements, so a test shows all of them at once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]  # no stubs: lxml-stubs not installed

ROOT = Path(__file__).resolve().parent / "schemas" / "iso19139"
ISO = ROOT / "ogc" / "iso" / "19139" / "20070417"
LOCATIONS = {
    "http://schemas.opengis.net/iso/19139/20070417/": ISO,
    "https://schemas.isotc211.org/19139/-/gmd/1.0/": ISO / "gmd",
    "https://schemas.isotc211.org/19139/-/gco/1.0/": ISO / "gco",
    "http://schemas.opengis.net/gml/3.2.1/": ROOT / "ogc" / "gml" / "3.2.1",
    "http://schemas.opengis.net/csw/2.0.2/": ROOT / "ogc" / "csw" / "2.0.2",
    "http://www.w3.org/1999/xlink.xsd": ROOT / "w3c" / "1999" / "xlink.xsd",
    "http://www.w3.org/2001/xml.xsd": ROOT / "w3c" / "2001" / "xml.xsd",
    "http://www.w3.org/2009/01/xml.xsd": ROOT / "w3c" / "2001" / "xml.xsd",
}
NS = {"gmd": "http://www.isotc211.org/2005/gmd", "gco": "http://www.isotc211.org/2005/gco",
      "gmx": "http://www.isotc211.org/2005/gmx", "srv": "http://www.isotc211.org/2005/srv",
      "xlink": "http://www.w3.org/1999/xlink"}
#: a wrapper importing every namespace a record uses (gmd, gmx anchors, srv)
WRAPPER = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
  targetNamespace="urn:x-test:iso19139-wrapper">
  <xs:import namespace="{NS['gmd']}" schemaLocation="{ISO / 'gmd' / 'gmd.xsd'}"/>
  <xs:import namespace="{NS['gmx']}" schemaLocation="{ISO / 'gmx' / 'gmx.xsd'}"/>
  <xs:import namespace="{NS['srv']}" schemaLocation="{ISO / 'srv' / '1.0' / 'srv.xsd'}"/>
</xs:schema>"""
REGULATION_TITLE = (
    "Règlement (UE) n o 1089/2010 de la Commission du 23 novembre 2010 portant modalités "
    "d'application de la directive 2007/2/CE du Parlement européen et du Conseil en ce qui "
    "concerne l'interopérabilité des séries et des services de données géographiques")


class _Local(etree.Resolver):  # type: ignore[misc]
    def resolve(self, system_url: str | None, public_id: str | None,
                context: object) -> object:
        url = system_url or ""
        for prefix, target in LOCATIONS.items():
            if url.startswith(prefix):
                rest = url[len(prefix):]
                return self.resolve_filename(str(target / rest if rest else target), context)
        if url.startswith(("http://", "https://")):
            raise AssertionError(f"schema not vendored: {url}")
        return None


def local_parser() -> etree.XMLParser:
    """A parser that reads schemas from the vendored files only (never the network)."""
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_Local())
    return parser


@cache
def iso_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.fromstring(WRAPPER.encode(), local_parser(), base_url=str(ISO)))


def xsd_errors(document: etree._Element) -> list[str]:
    schema = iso_schema()
    if schema.validate(document):
        return []
    return [f"{e.line}: {e.message}" for e in schema.error_log]


def _has(document: etree._Element, path: str) -> bool:
    return bool(document.xpath(path, namespaces=NS))


def _text(document: etree._Element, path: str) -> list[str]:
    return [str(v).strip() for v in document.xpath(path, namespaces=NS)]


COMMON: dict[str, str] = {
    "md-iso.a.1 metadata language":
        "gmd:language/gmd:LanguageCode[@codeListValue='fre']",
    "md-iso.a.2 metadata point of contact with role and e-mail":
        "gmd:contact/gmd:CI_ResponsibleParty[gmd:organisationName/*[normalize-space()]]"
        "[gmd:contactInfo//gmd:electronicMailAddress/*[contains(., '@')]]"
        "[gmd:role/gmd:CI_RoleCode[@codeListValue='pointOfContact']]",
    "md-iso.a.3 metadata date": "gmd:dateStamp/gco:Date[string-length(.) = 10]",
    "md-iso.b resource title": "gmd:identificationInfo/*/gmd:citation/*/gmd:title"
                               "/*[normalize-space()]",
    "md-iso.c resource abstract": "gmd:identificationInfo/*/gmd:abstract/*[normalize-space()]",
    "md-iso.f temporal reference": "gmd:identificationInfo/*/gmd:citation/*/gmd:date/gmd:CI_Date"
                                   "[gmd:dateType/*/@codeListValue]",
    "md-iso.g responsible party with role and e-mail":
        "gmd:identificationInfo/*/gmd:pointOfContact/gmd:CI_ResponsibleParty"
        "[gmd:organisationName/*[normalize-space()]]"
        "[gmd:contactInfo//gmd:electronicMailAddress/*[contains(., '@')]]"
        "[gmd:role/gmd:CI_RoleCode/@codeListValue]",
    "md-iso.h conformity to Regulation 1089/2010 (exact title, publication date)":
        "gmd:dataQualityInfo/*/gmd:report/*/gmd:result/gmd:DQ_ConformanceResult"
        f"[gmd:specification/*/gmd:title/*[normalize-space() = \"{REGULATION_TITLE}\"]]"
        "[gmd:specification/*/gmd:date/*[gmd:date/gco:Date = '2010-12-08']"
        "[gmd:dateType/*/@codeListValue = 'publication']][gmd:pass]",
    "md-iso.i limitations on public access (INSPIRE code list anchor)":
        "gmd:identificationInfo/*/gmd:resourceConstraints/gmd:MD_LegalConstraints"
        "[gmd:accessConstraints/*/@codeListValue = 'otherRestrictions']"
        "[gmd:otherConstraints/gmx:Anchor[starts-with(@xlink:href, "
        "'http://inspire.ec.europa.eu/metadata-codelist/LimitationsOnPublicAccess/')]]",
    "md-iso.j conditions for access and use (licence, separate constraint)":
        "gmd:identificationInfo/*/gmd:resourceConstraints/gmd:MD_LegalConstraints"
        "[gmd:useConstraints/*/@codeListValue = 'otherRestrictions']"
        "[not(gmd:accessConstraints)][gmd:otherConstraints/*[normalize-space()]]",
    "md-iso.k geographic bounding box in WGS 84":
        "gmd:identificationInfo/*/*[local-name() = 'extent']/*/gmd:geographicElement"
        "/gmd:EX_GeographicBoundingBox[gmd:westBoundLongitude/gco:Decimal >= -180]"
        "[gmd:eastBoundLongitude/gco:Decimal <= 180]"
        "[gmd:southBoundLatitude/gco:Decimal <= gmd:northBoundLatitude/gco:Decimal]",
    "md-iso.l resource locator": "gmd:distributionInfo//gmd:onLine/gmd:CI_OnlineResource"
                                 "/gmd:linkage/gmd:URL[starts-with(., 'http')]",
}
DATASET: dict[str, str] = {
    "md-iso.a.4 hierarchy level dataset":
        "gmd:hierarchyLevel/gmd:MD_ScopeCode[@codeListValue='dataset']",
    "md-iso.d unique resource identifier under the namespace":
        "gmd:identificationInfo/gmd:MD_DataIdentification/gmd:citation/*/gmd:identifier/*"
        "/gmd:code/*[contains(., '/id/') or starts-with(., 'http')]",
    "md-iso.e resource language":
        "gmd:identificationInfo/gmd:MD_DataIdentification/gmd:language/gmd:LanguageCode",
    "md-iso.m INSPIRE theme keyword from GEMET - INSPIRE themes, version 1.0":
        "gmd:identificationInfo/*/gmd:descriptiveKeywords/gmd:MD_Keywords"
        "[gmd:thesaurusName/*/gmd:title/*[normalize-space() = "
        "'GEMET - INSPIRE themes, version 1.0']]"
        "[gmd:thesaurusName/*/gmd:date/*[gmd:date/gco:Date = '2008-06-01']"
        "[gmd:dateType/*/@codeListValue = 'publication']]"
        "[gmd:keyword/gmx:Anchor[starts-with(@xlink:href, 'http://inspire.ec.europa.eu/theme/')]]",
    "md-iso.n topic category":
        "gmd:identificationInfo/*/gmd:topicCategory/gmd:MD_TopicCategoryCode[normalize-space()]",
    "md-iso.o lineage": "gmd:dataQualityInfo/*/gmd:lineage/*/gmd:statement/*[normalize-space()]",
    "md-iso.p coordinate reference system":
        "gmd:referenceSystemInfo/*/gmd:referenceSystemIdentifier/*/gmd:code"
        "/gmx:Anchor[starts-with(@xlink:href, 'http://www.opengis.net/def/crs/EPSG/0/')]",
    "md-iso.q spatial representation type":
        "gmd:identificationInfo/*/gmd:spatialRepresentationType/*/@codeListValue",
    "md-iso.r data encoding": "gmd:distributionInfo/*/gmd:distributionFormat/*/gmd:name"
                              "/*[normalize-space()]",
}
SERVICE: dict[str, str] = {
    "md-iso.a.4 hierarchy level service":
        "gmd:hierarchyLevel/gmd:MD_ScopeCode[@codeListValue='service']",
    "md-iso.s spatial data service type":
        "gmd:identificationInfo/srv:SV_ServiceIdentification/srv:serviceType/gco:LocalName"
        "[. = 'discovery' or . = 'view' or . = 'download' or . = 'transformation' "
        "or . = 'invoke' or . = 'other']",
    "md-iso.t service classification keyword":
        "gmd:identificationInfo/*/gmd:descriptiveKeywords/*/gmd:keyword/gmx:Anchor[starts-with("
        "@xlink:href, 'http://inspire.ec.europa.eu/metadata-codelist/SpatialDataServiceCategory/')]",
}


def inspire_failures(document: etree._Element) -> list[str]:
    """The INSPIRE requirements a record fails (empty when it passes them all)."""
    service = _has(document, "gmd:hierarchyLevel/*[@codeListValue='service']")
    checks = {**COMMON, **(SERVICE if service else DATASET)}
    failures = [name for name, path in checks.items() if not _has(document, path)]
    if not service:
        for code in _text(document, "gmd:identificationInfo/*/gmd:descriptiveKeywords/*/gmd:"
                                    "keyword/gmx:Anchor/@xlink:href"):
            if code.startswith("http://inspire.ec.europa.eu/theme/") and \
                    len(code.rsplit("/", 1)[1]) != 2:
                failures.append(f"md-iso.m theme IRI {code}")
    else:
        for href in _text(document, "gmd:identificationInfo/*/srv:operatesOn/@xlink:href"):
            if not href.startswith("http"):
                failures.append(f"md-iso.u operatesOn {href}")
    return failures


@cache
def csw_schema() -> etree.XMLSchema:
    """CSW 2.0.2 discovery responses (with csw:Record, OGC Filter 1.1, OWS 1.0)."""
    return etree.XMLSchema(etree.parse(str(ROOT / "ogc" / "csw" / "2.0.2" / "CSW-discovery.xsd"),
                                       local_parser()))


def csw_errors(document: etree._Element) -> list[str]:
    """CSW-discovery.xsd errors of a response (an ISO record inside is checked by
    `xsd_errors`: the CSW schema only admits it laxly)."""
    schema = csw_schema()
    if schema.validate(document):
        return []
    return [f"{e.line}: {e.message}" for e in schema.error_log]
