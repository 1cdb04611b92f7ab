"""ISO 19139 (``gmd:MD_Metadata``) records that meet the INSPIRE metadata TG 2.0.

One record per dataset the caller may see, built from the same `DatasetRecord` and
distributions the DCAT catalogue uses (`twin.catalog.distributions`), so the two catalogues
cannot disagree; and one record per service of the deployment (OGC API Features, OGC API
Tiles, 3D Tiles, the CSW itself) with its spatial data service type and ``operatesOn``
links to the datasets it serves.

Records are in French (the commune's language) with Dutch and English as ``PT_FreeText``
where the registry has them. Every element follows the XSD order of ISO/TS 19139:2007; the
tests validate each record against the official schemas and the INSPIRE abstract tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # no stubs: lxml-stubs not installed

from gis import vocab
from gis.inspire_themes import THEMES, THESAURUS_DATE, THESAURUS_TITLE, THESAURUS_URI
from gis.model import FEATURE_KINDS
from twin.catalog.distributions import Distribution, distributions
from twin.catalog.records import DatasetRecord

GMD = "http://www.isotc211.org/2005/gmd"
GCO = "http://www.isotc211.org/2005/gco"
GMX = "http://www.isotc211.org/2005/gmx"
SRV = "http://www.isotc211.org/2005/srv"
GML = "http://www.opengis.net/gml/3.2"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"gmd": GMD, "gco": GCO, "gmx": GMX, "srv": SRV, "gml": GML, "xlink": XLINK,
         "xsi": XSI}
SCHEMA_LOCATION = (f"{GMD} http://schemas.opengis.net/iso/19139/20070417/gmd/gmd.xsd "
                   f"{SRV} http://schemas.opengis.net/iso/19139/20070417/srv/1.0/srv.xsd")
CODELISTS = "http://standards.iso.org/iso/19139/resources/gmxCodelists.xml#"
INSPIRE_CODELIST = "http://inspire.ec.europa.eu/metadata-codelist/"
LANGUAGE_CODES = "http://www.loc.gov/standards/iso639-2/"
#: ISO 639-2/B codes of the record languages; French is the record's main language
ISO639 = {"fr": "fre", "nl": "dut", "en": "eng", "de": "ger"}
MAIN_LANGUAGE = "fr"
REGULATION_TITLE = (
    "Règlement (UE) n o 1089/2010 de la Commission du 23 novembre 2010 portant modalités "
    "d'application de la directive 2007/2/CE du Parlement européen et du Conseil en ce qui "
    "concerne l'interopérabilité des séries et des services de données géographiques")
REGULATION_URI = "http://data.europa.eu/eli/reg/2010/1089"
REGULATION_DATE = "2010-12-08"
NO_LIMITATIONS = INSPIRE_CODELIST + "LimitationsOnPublicAccess/noLimitations"
RESTRICTED_ACCESS = INSPIRE_CODELIST + "LimitationsOnPublicAccess/INSPIRE_Directive_Article13_1b"
SERVICE_CATEGORY = INSPIRE_CODELIST + "SpatialDataServiceCategory/"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
GEOMETRY_OBJECTS = {"POINT": "point", "MULTIPOINT": "point", "LINESTRING": "curve",
                    "MULTILINESTRING": "curve", "POLYGON": "surface", "MULTIPOLYGON": "surface"}
PROTOCOLS = {"download": "WWW:DOWNLOAD-1.0-http--download", "api": "OGC API - Features",
             "tiles": "OGC 3D Tiles"}


@dataclass(frozen=True)
class MetadataContext:
    """What a record needs of the deployment: URLs, the identifier namespace, the publisher."""

    base_url: str
    namespace: str
    publisher_name: str
    publisher_email: str


@dataclass(frozen=True)
class ServiceInfo:
    """One service of the deployment as its ISO record describes it.

    ``service_type`` is the INSPIRE spatial data service type (``discovery``, ``view``,
    ``download``, ``other``); ``category`` the ISO 19119 classification INSPIRE asks as a
    keyword; ``serves`` the ids of the datasets it gives access to (``operatesOn``)."""

    key: str
    title: dict[str, str]
    abstract: dict[str, str]
    service_type: str
    category: str
    endpoint: str
    protocol: str
    operation: str
    serves: tuple[str, ...]


def resource_identifier(ctx: MetadataContext, layer_id: str) -> str:
    """The INSPIRE unique resource identifier: ``<namespace>/<layer>``."""
    return f"{ctx.namespace}/{layer_id}"


def dataset_identifier(ctx: MetadataContext, layer_id: str) -> str:
    """The record's file identifier (the CSW record id): a UUID derived from the resource
    identifier, so it is stable across rebuilds and unique in a national catalogue that
    harvests many communes (a bare layer id such as ``parcelles`` would collide there)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, resource_identifier(ctx, layer_id)))


def service_identifier(ctx: MetadataContext, key: str) -> str:
    """A service record's file identifier, derived like a dataset's."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{ctx.namespace}/services/{key}"))


def record_url(ctx: MetadataContext, identifier: str) -> str:
    """Where the ISO record of ``identifier`` is fetched: the CSW's GetRecordById."""
    return (f"{ctx.base_url}/csw?service=CSW&version=2.0.2&request=GetRecordById&id="
            f"{identifier}&outputSchema={GMD}&elementSetName=full")


def services(ctx: MetadataContext, records: list[DatasetRecord]) -> list[ServiceInfo]:
    """The deployment's services, each operating on the datasets (among ``records``) it
    actually serves: Features and Tiles serve loaded vector layers, 3D Tiles those with a
    built tileset; the CSW operates on no dataset (it describes them)."""
    base = ctx.base_url
    vector = tuple(r.layer.id for r in records
                   if r.layer.spec.kind in FEATURE_KINDS and r.layer.current_version is not None)
    tiled3d = tuple(r.layer.id for r in records if r.products.tileset_bytes is not None)
    return [
        ServiceInfo("ogcapi-features",
                    {"fr": "Service de téléchargement OGC API Features",
                     "en": "OGC API Features download service"},
                    {"fr": "Accès aux entités des séries de données géographiques (filtres, "
                           "systèmes de coordonnées) selon OGC API Features.",
                     "en": "Features of the spatial data sets through OGC API Features."},
                    "download", "infoFeatureAccessService", f"{base}/", "OGC API - Features",
                    "GetFeatures", vector),
        ServiceInfo("ogcapi-tiles",
                    {"fr": "Service de consultation OGC API Tiles (tuiles vectorielles)",
                     "en": "OGC API Tiles view service (vector tiles)"},
                    {"fr": "Tuiles vectorielles Mapbox des séries de données selon OGC API "
                           "Tiles.",
                     "en": "Mapbox vector tiles of the data sets through OGC API Tiles."},
                    "view", "infoMapAccessService", f"{base}/collections", "OGC API - Tiles",
                    "GetTile", vector),
        ServiceInfo("3dtiles",
                    {"fr": "Service de consultation 3D Tiles", "en": "3D Tiles view service"},
                    {"fr": "Jeux de tuiles 3D Tiles 1.1 (bâtiments, nuages de points) pour "
                           "les visionneuses 3D.",
                     "en": "3D Tiles 1.1 tilesets (buildings, point clouds) for 3D viewers."},
                    "view", "infoMapAccessService", f"{base}/3dtiles", "OGC 3D Tiles",
                    "GetTileset", tiled3d),
        ServiceInfo("csw",
                    {"fr": "Service de recherche CSW", "en": "CSW discovery service"},
                    {"fr": "Catalogue des métadonnées ISO 19139 / INSPIRE (OGC CSW 2.0.2, "
                           "profil ISO AP).",
                     "en": "Catalogue of the ISO 19139 / INSPIRE metadata (OGC CSW 2.0.2)."},
                    "discovery", "infoCatalogueService", f"{base}/csw", "OGC:CSW",
                    "GetRecords", ()),
    ]


# -- element helpers -----------------------------------------------------------------------

def _el(parent: etree._Element, ns: str, name: str, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{name}")
    for key, value in attrs.items():
        element.set(key, value)
    return element


def _gmd(parent: etree._Element, name: str) -> etree._Element:
    return _el(parent, GMD, name)


def _string(parent: etree._Element, name: str, value: str) -> etree._Element:
    prop = _gmd(parent, name)
    _el(prop, GCO, "CharacterString").text = value
    return prop


def _anchor(parent: etree._Element, name: str, href: str, text: str,
            ns: str = GMD) -> etree._Element:
    prop = _el(parent, ns, name)
    anchor = _el(prop, GMX, "Anchor")
    anchor.set(f"{{{XLINK}}}href", href)
    anchor.text = text
    return prop


def _free_text(parent: etree._Element, name: str, values: Mapping[Any, str]) -> etree._Element:
    """French as the CharacterString, other languages as PT_FreeText locales (TG 2.0 §2.2.3);
    without French the first language present takes its place."""
    present = {k: v for k, v in values.items() if v.strip()}
    main = present.get(MAIN_LANGUAGE) or next(iter(present.values()))
    prop = _gmd(parent, name)
    _el(prop, GCO, "CharacterString").text = main
    others = [(lang, text) for lang, text in present.items()
              if lang != MAIN_LANGUAGE and lang in ISO639 and text != main]
    if others:
        prop.set(f"{{{XSI}}}type", "gmd:PT_FreeText_PropertyType")
        container = _gmd(prop, "PT_FreeText")
        for lang, text in others:
            group = _gmd(container, "textGroup")
            _el(group, GMD, "LocalisedCharacterString", locale=f"#{lang.upper()}").text = text
    return prop


def _code(parent: etree._Element, name: str, codelist: str, value: str,
          list_uri: str = CODELISTS) -> etree._Element:
    prop = _gmd(parent, name)
    _el(prop, GMD, codelist, codeList=list_uri + codelist, codeListValue=value).text = value
    return prop


def _date(parent: etree._Element, value: str, kind: str) -> None:
    ci_date = _gmd(_gmd(parent, "date"), "CI_Date")
    _el(_gmd(ci_date, "date"), GCO, "Date").text = value
    _code(ci_date, "dateType", "CI_DateTypeCode", kind)


def _language(parent: etree._Element, name: str, code: str) -> None:
    prop = _gmd(parent, name)
    iso = ISO639[code]
    _el(prop, GMD, "LanguageCode", codeList=LANGUAGE_CODES, codeListValue=iso).text = iso


def _party(parent: etree._Element, name: str, organisation: str, email: str,
           role: str) -> None:
    party = _gmd(_gmd(parent, name), "CI_ResponsibleParty")
    _string(party, "organisationName", organisation)
    contact = _gmd(_gmd(party, "contactInfo"), "CI_Contact")
    address = _gmd(_gmd(contact, "address"), "CI_Address")
    _string(address, "electronicMailAddress", email)
    _code(party, "role", "CI_RoleCode", role)


def _locales(root: etree._Element, languages: list[str]) -> None:
    for code in languages:
        if code == MAIN_LANGUAGE or code not in ISO639:
            continue
        locale = _gmd(_gmd(root, "locale"), "PT_Locale")
        locale.set("id", code.upper())
        _el(_gmd(locale, "languageCode"), GMD, "LanguageCode", codeList=LANGUAGE_CODES,
            codeListValue=ISO639[code]).text = ISO639[code]
        _code(locale, "characterEncoding", "MD_CharacterSetCode", "utf8")


def _keywords(parent: etree._Element, words: list[tuple[str, str | None]],
              thesaurus: tuple[str, str, str] | None = None) -> None:
    """One MD_Keywords block: (label, anchor IRI or None) pairs, with the thesaurus citation
    (title, publication date, IRI) INSPIRE asks for controlled vocabularies."""
    block = _gmd(_gmd(parent, "descriptiveKeywords"), "MD_Keywords")
    for label, href in words:
        if href:
            _anchor(block, "keyword", href, label)
        else:
            _string(block, "keyword", label)
    if thesaurus is not None:
        title, date, href = thesaurus
        citation = _gmd(_gmd(block, "thesaurusName"), "CI_Citation")
        _anchor(citation, "title", href, title)
        _date(citation, date, "publication")


def _legal_constraints(parent: etree._Element, public: bool, licence: str,
                       licence_label: str) -> None:
    """The two separate constraints of TG 2.0 (Req. C.18/C.19): limitations on public access
    with the INSPIRE code-list anchor, then conditions for access and use with the licence."""
    access = _gmd(_gmd(parent, "resourceConstraints"), "MD_LegalConstraints")
    _code(access, "accessConstraints", "MD_RestrictionCode", "otherRestrictions")
    if public:
        _anchor(access, "otherConstraints", NO_LIMITATIONS, "Pas de restriction d'accès public")
    else:
        _anchor(access, "otherConstraints", RESTRICTED_ACCESS,
                "L'accès public est limité selon l'article 13(1)(b) de la directive "
                "2007/2/CE")
    use = _gmd(_gmd(parent, "resourceConstraints"), "MD_LegalConstraints")
    _code(use, "useConstraints", "MD_RestrictionCode", "otherRestrictions")
    _anchor(use, "otherConstraints", licence, licence_label)


def _bbox(parent: etree._Element, name: str, ns: str,
          box: tuple[float, float, float, float]) -> None:
    west, south, east, north = box
    extent = _gmd(_el(parent, ns, name), "EX_Extent")
    geo = _gmd(_gmd(extent, "geographicElement"), "EX_GeographicBoundingBox")
    for tag, value in (("westBoundLongitude", west), ("eastBoundLongitude", east),
                       ("southBoundLatitude", south), ("northBoundLatitude", north)):
        _el(_gmd(geo, tag), GCO, "Decimal").text = f"{value:.6f}"


def _conformity(parent: etree._Element, level: str) -> None:
    """The report against Regulation (EU) No 1089/2010: not evaluated (``pass`` nil
    "unknown"), since the data keep the producer's model and are not transformed to the
    INSPIRE data specifications; declaring ``true`` would be false."""
    quality = _gmd(_gmd(parent, "dataQualityInfo"), "DQ_DataQuality")
    scope = _gmd(_gmd(quality, "scope"), "DQ_Scope")
    _code(scope, "level", "MD_ScopeCode", level)
    if level != "dataset":
        description = _gmd(_gmd(scope, "levelDescription"), "MD_ScopeDescription")
        _string(description, "other", level)
    report = _gmd(_gmd(quality, "report"), "DQ_DomainConsistency")
    result = _gmd(_gmd(report, "result"), "DQ_ConformanceResult")
    citation = _gmd(_gmd(result, "specification"), "CI_Citation")
    _anchor(citation, "title", REGULATION_URI, REGULATION_TITLE)
    _date(citation, REGULATION_DATE, "publication")
    _string(result, "explanation",
            "Conformité non évaluée : les données suivent le modèle du producteur.")
    _gmd(result, "pass").set(f"{{{GCO}}}nilReason", "unknown")
    if level == "dataset":
        lineage = _gmd(_gmd(quality, "lineage"), "LI_Lineage")
        _string(lineage, "statement", _LINEAGE)


_LINEAGE = (
    "Données chargées depuis la source du service producteur dans la base géographique de la "
    "commune : géométries réparées ou rejetées selon le rapport de qualité du chargement, "
    "reprojetées dans le système de stockage, puis publiées après anonymisation des champs "
    "personnels.")


def _header(ctx: MetadataContext, identifier: str, level: str, stamp: datetime | None,
            languages: list[str]) -> etree._Element:
    root = etree.Element(f"{{{GMD}}}MD_Metadata", nsmap=NSMAP)
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    _string(root, "fileIdentifier", identifier)
    _language(root, "language", MAIN_LANGUAGE)
    _code(root, "characterSet", "MD_CharacterSetCode", "utf8")
    _code(root, "hierarchyLevel", "MD_ScopeCode", level)
    if level == "service":
        _string(root, "hierarchyLevelName", "service")
    _party(root, "contact", ctx.publisher_name, ctx.publisher_email, "pointOfContact")
    when = (stamp or datetime.now(UTC)).date().isoformat()
    _el(_gmd(root, "dateStamp"), GCO, "Date").text = when
    _string(root, "metadataStandardName", "ISO 19115:2003/19139")
    _string(root, "metadataStandardVersion", "1.0")
    _locales(root, languages)
    return root


def _reference_system(root: etree._Element, srid: int) -> None:
    system = _gmd(_gmd(root, "referenceSystemInfo"), "MD_ReferenceSystem")
    identifier = _gmd(_gmd(system, "referenceSystemIdentifier"), "RS_Identifier")
    _anchor(identifier, "code", f"{EPSG}{srid}", f"EPSG:{srid}")


def _online(parent: etree._Element, url: str, protocol: str, name: str,
            description: str, function: str) -> None:
    resource = _gmd(_gmd(parent, "onLine"), "CI_OnlineResource")
    _el(_gmd(resource, "linkage"), GMD, "URL").text = url
    _string(resource, "protocol", protocol)
    _string(resource, "name", name)
    _string(resource, "description", description)
    _code(resource, "function", "CI_OnLineFunctionCode", function)


def _format_name(item: Distribution) -> str:
    return vocab.short_code(item.format_iri)


def dataset_xml(ctx: MetadataContext, record: DatasetRecord) -> etree._Element:
    """The ISO 19139 record of one dataset (INSPIRE TG 2.0, datasets)."""
    layer = record.layer
    spec = layer.spec
    languages = sorted({*spec.title, *spec.description} & ISO639.keys() | {MAIN_LANGUAGE})
    root = _header(ctx, dataset_identifier(ctx, layer.id), "dataset", record.modified, languages)
    items = distributions(ctx, record)
    if spec.kind in FEATURE_KINDS and layer.geometry_type:
        vector = _gmd(_gmd(root, "spatialRepresentationInfo"), "MD_VectorSpatialRepresentation")
        _code(vector, "topologyLevel", "MD_TopologyLevelCode", "geometryOnly")
        objects = _gmd(_gmd(vector, "geometricObjects"), "MD_GeometricObjects")
        kind = GEOMETRY_OBJECTS.get(layer.geometry_type.upper(), "composite")
        _code(objects, "geometricObjectType", "MD_GeometricObjectTypeCode", kind)
    for srid in sorted({layer.storage_srid, *(d.srid for d in items if d.srid is not None)}):
        _reference_system(root, srid)
    ident = _gmd(_gmd(root, "identificationInfo"), "MD_DataIdentification")
    citation = _gmd(_gmd(ident, "citation"), "CI_Citation")
    _free_text(citation, "title", spec.title)
    if record.issued is not None:
        _date(citation, record.issued.date().isoformat(), "creation")
    if record.modified is not None:
        _date(citation, record.modified.date().isoformat(), "revision")
    if record.issued is None and record.modified is None and layer.created_at is not None:
        _date(citation, layer.created_at.date().isoformat(), "creation")
    if record.issued is None and record.modified is None and layer.created_at is None:
        _date(citation, datetime.now(UTC).date().isoformat(), "creation")
    identifier = _gmd(_gmd(citation, "identifier"), "MD_Identifier")
    _string(identifier, "code", resource_identifier(ctx, layer.id))
    abstract = spec.description or {"fr": f"{spec.label(('fr', 'nl', 'en', 'de'))} "
                                          f"(couche {layer.id})."}
    _free_text(ident, "abstract", abstract)
    _party(ident, "pointOfContact", spec.producer, spec.contact_point.email, "custodian")
    maintenance = _gmd(_gmd(ident, "resourceMaintenance"), "MD_MaintenanceInformation")
    frequency = _FREQUENCIES.get(vocab.short_code(spec.update_frequency), "unknown")
    _code(maintenance, "maintenanceAndUpdateFrequency", "MD_MaintenanceFrequencyCode", frequency)
    themes = [THEMES[code] for code in spec.inspire_themes]
    if themes:
        _keywords(ident, [(t.label(MAIN_LANGUAGE), t.uri) for t in themes],
                  (THESAURUS_TITLE, THESAURUS_DATE, THESAURUS_URI))
    if spec.keywords:
        _keywords(ident, [(word, None) for word in spec.keywords])
    licence_label = vocab.short_code(spec.licence).replace("_", " ")
    _legal_constraints(ident, spec.access_level == "open", spec.licence, licence_label)
    representation = "grid" if spec.kind == "raster" else "vector"
    _code(ident, "spatialRepresentationType", "MD_SpatialRepresentationTypeCode", representation)
    for code in languages:
        _language(ident, "language", code)
    _code(ident, "characterSet", "MD_CharacterSetCode", "utf8")
    topics = sorted({t.topic for t in themes}) or ["planningCadastre"]
    for topic in topics:
        _el(_gmd(ident, "topicCategory"), GMD, "MD_TopicCategoryCode").text = topic
    if layer.extent_4326 is not None:
        _bbox(ident, "extent", GMD, layer.extent_4326)
    _distribution(root, items)
    _conformity(root, "dataset")
    return root


_FREQUENCIES = {"DAILY": "daily", "WEEKLY": "weekly", "MONTHLY": "monthly",
                "QUARTERLY": "quarterly", "ANNUAL": "annually", "BIENNIAL": "biannually",
                "IRREG": "irregular", "CONT": "continual", "NEVER": "notPlanned",
                "AS_NEEDED": "asNeeded", "UNKNOWN": "unknown"}


def _distribution(root: etree._Element, items: list[Distribution]) -> None:
    """Formats and one resource locator per distribution (TG 2.0 requires a format even when
    nothing is published yet: the record then names the download formats it will have)."""
    info = _gmd(_gmd(root, "distributionInfo"), "MD_Distribution")
    names = sorted({_format_name(item) for item in items}) or ["GEOJSON"]
    for name in names:
        fmt = _gmd(_gmd(info, "distributionFormat"), "MD_Format")
        _string(fmt, "name", name)
        _gmd(fmt, "version").set(f"{{{GCO}}}nilReason", "unknown")
    if not items:
        return
    options = _gmd(_gmd(info, "transferOptions"), "MD_DigitalTransferOptions")
    for item in items:
        url = item.download_url or item.access_url
        function = "download" if item.download_url else "information"
        _online(options, url, PROTOCOLS.get(item.kind, "WWW:LINK-1.0-http--link"),
                item.title.get("en", item.key),
                item.description.get("en", item.title.get("en", item.key)), function)


def service_xml(ctx: MetadataContext, service: ServiceInfo,
                box: tuple[float, float, float, float] | None) -> etree._Element:
    """The ISO 19139 record of one service (INSPIRE TG 2.0, network services)."""
    root = _header(ctx, service_identifier(ctx, service.key), "service", None, ["fr", "en"])
    ident = _el(_gmd(root, "identificationInfo"), SRV, "SV_ServiceIdentification")
    citation = _gmd(_gmd(ident, "citation"), "CI_Citation")
    _free_text(citation, "title", service.title)
    _date(citation, datetime.now(UTC).date().isoformat(), "publication")
    _free_text(ident, "abstract", service.abstract)
    _party(ident, "pointOfContact", ctx.publisher_name, ctx.publisher_email, "custodian")
    _keywords(ident, [(service.category, SERVICE_CATEGORY + service.category)],
              ("Classification of spatial data services", "2008-12-03",
               INSPIRE_CODELIST + "SpatialDataServiceCategory"))
    _legal_constraints(ident, True, vocab.LICENCE + "CC_BY_4_0", "CC BY 4.0")
    service_type = _el(ident, SRV, "serviceType")
    _el(service_type, GCO, "LocalName",
        codeSpace="http://inspire.ec.europa.eu/metadata-codelist/SpatialDataServiceType"
        ).text = service.service_type
    if box is not None:
        _bbox(ident, "extent", SRV, box)
    coupling = _el(ident, SRV, "couplingType")
    _el(coupling, SRV, "SV_CouplingType", codeList=CODELISTS + "SV_CouplingType",
        codeListValue="tight").text = "tight"
    operation = _el(_el(ident, SRV, "containsOperations"), SRV, "SV_OperationMetadata")
    name = _el(operation, SRV, "operationName")
    _el(name, GCO, "CharacterString").text = service.operation
    dcp = _el(operation, SRV, "DCP")
    _el(dcp, SRV, "DCPList", codeList=CODELISTS + "DCPList",
        codeListValue="WebServices").text = "WebServices"
    connect = _el(_el(operation, SRV, "connectPoint"), GMD, "CI_OnlineResource")
    _el(_gmd(connect, "linkage"), GMD, "URL").text = service.endpoint
    for layer_id in service.serves:
        target = dataset_identifier(ctx, layer_id)
        link = _el(ident, SRV, "operatesOn", uuidref=target)
        link.set(f"{{{XLINK}}}href", record_url(ctx, target))
    info = _gmd(_gmd(root, "distributionInfo"), "MD_Distribution")
    fmt = _gmd(_gmd(info, "distributionFormat"), "MD_Format")
    _string(fmt, "name", service.protocol)
    _gmd(fmt, "version").set(f"{{{GCO}}}nilReason", "unknown")
    options = _gmd(_gmd(info, "transferOptions"), "MD_DigitalTransferOptions")
    _online(options, service.endpoint, service.protocol, service.title["en"],
            service.abstract["en"], "information")
    _conformity(root, "service")
    return root


def to_bytes(element: etree._Element) -> bytes:
    data: bytes = etree.tostring(element, encoding="UTF-8", xml_declaration=True,
                                 pretty_print=True)
    return data
