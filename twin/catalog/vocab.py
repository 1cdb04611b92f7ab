"""RDF namespaces and the fixed IRIs of the catalogue (EU authority tables, IANA, OGC)."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from gis import vocab

ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
IANA = "https://www.iana.org/assignments/media-types/"
#: the DCAT-AP 3.0.1 code-list shape wants the https form of the SPDX algorithm IRI
SHA256_ALGORITHM = "https://spdx.org/rdf/terms#checksumAlgorithm_sha256"

PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
PUBLISHER_TYPE_SCHEME = "http://purl.org/adms/publishertype/1.0"
LICENCE_TYPE_ATTRIBUTION = "http://purl.org/adms/licencetype/Attribution"
STATUS_COMPLETED = vocab.AUTHORITY + "distribution-status/COMPLETED"
AVAILABILITY_STABLE = vocab.AUTHORITY + "planned-availability/STABLE"
#: Belgium (catalogue coverage): bounding box and centroid in WGS 84.
BELGIUM_BBOX = (2.54, 49.49, 6.41, 51.51)
DATA_THEME_SCHEME = vocab.AUTHORITY + "data-theme"
COUNTRY_BEL = vocab.AUTHORITY + "country/BEL"
OGC_FEATURES = "http://www.opengis.net/spec/ogcapi-features-1/1.0"
OGC_TILES = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
#: GeoDCAT-AP's own properties (topic category, reference system, roles)
GEODCATAP = Namespace("http://data.europa.eu/930/")
#: ISO 19115 topic categories as the INSPIRE registry publishes them
TOPIC_CATEGORY = "http://inspire.ec.europa.eu/metadata-codelist/TopicCategory/"
#: the INSPIRE glossary's term for a coordinate reference system (dct:type of a reference
#: system standard, as GeoDCAT-AP's examples type EPSG CRSs)
REFERENCE_SYSTEM_TYPE = "http://inspire.ec.europa.eu/glossary/SpatialReferenceSystem"

#: Access level of the registry -> EU access-right authority code.
ACCESS_RIGHTS = {"open": "PUBLIC", "shared": "RESTRICTED", "closed": "NON_PUBLIC"}

__all__ = ["DCAT", "DCTERMS", "FOAF", "RDF", "RDFS", "SKOS", "XSD"]
