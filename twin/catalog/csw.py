"""OGC CSW 2.0.2 over the registry's records: request parsing, filters and responses.

The catalogue is small (one record per visible layer plus the deployment's services), so a
request is answered by filtering the records in Python: OGC Filter 1.1 XML and CQL text are
both turned into a pygeofilter AST (CQL text by its ECQL parser, Filter XML by the small
parser below: pygeofilter's own FES parser needs ``pygml``, which is not installed) and
compiled to a predicate over `CswRecord`. Only the queryables listed in `QUERYABLES` exist;
anything else is an ``InvalidParameterValue``, never a silent match-all.

Nothing in a request names a server-side file: schemas are answered from constants and
records from the registry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # no stubs: lxml-stubs not installed
from pygeofilter import ast
from pygeofilter.parsers.ecql import parse as parse_ecql

from twin.catalog.iso19139 import GMD
from twin.errors import CswError

CSW = "http://www.opengis.net/cat/csw/2.0.2"
OWS = "http://www.opengis.net/ows"
OGC = "http://www.opengis.net/ogc"
FES = "http://www.opengis.net/fes/2.0"
GML = "http://www.opengis.net/gml"
GML32 = "http://www.opengis.net/gml/3.2"
DC = "http://purl.org/dc/elements/1.1/"
DCT = "http://purl.org/dc/terms/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
INSPIRE_COMMON = "http://inspire.ec.europa.eu/schemas/common/1.0"
INSPIRE_DS = "http://inspire.ec.europa.eu/schemas/inspire_ds/1.0"
OUTPUT_SCHEMAS = (CSW, GMD)
ELEMENT_SETS = ("brief", "summary", "full")
MAX_RECORDS = 100
OPERATIONS = ("GetCapabilities", "DescribeRecord", "GetRecords", "GetRecordById", "GetDomain")
#: type name -> (namespace, official schema): DescribeRecord answers with a schema component
#: that includes the official schema by its canonical URL (never a file of this server)
RECORD_SCHEMAS = {
    "csw:record": (CSW, "http://schemas.opengis.net/csw/2.0.2/record.xsd"),
    "gmd:md_metadata": (GMD, "http://schemas.opengis.net/iso/19139/20070417/gmd/gmd.xsd"),
}


def exception_report(error: CswError) -> bytes:
    root = etree.Element(f"{{{OWS}}}ExceptionReport", nsmap={"ows": OWS},
                         version="1.2.0")
    exception = etree.SubElement(root, f"{{{OWS}}}Exception", exceptionCode=error.code)
    if error.locator:
        exception.set("locator", error.locator)
    etree.SubElement(exception, f"{{{OWS}}}ExceptionText").text = error.message
    data: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=True)
    return data


@dataclass(frozen=True)
class CswRecord:
    """What the CSW searches and shows of one ISO record; ``full`` builds the ISO XML."""

    identifier: str
    kind: str  # dataset | service
    title: str
    abstract: str
    keywords: tuple[str, ...]
    modified: datetime | None
    bbox: tuple[float, float, float, float] | None
    links: tuple[str, ...]
    iso: Callable[[], etree._Element]
    #: other names of the resource full-text search finds it by (layer id, resource URI)
    aliases: tuple[str, ...] = ()

    def any_text(self) -> str:
        return " ".join((self.identifier, *self.aliases, self.title, self.abstract,
                         *self.keywords))


# -- requests ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Request:
    operation: str
    params: Mapping[str, str]
    constraint: ast.Node | None = None
    ids: tuple[str, ...] = ()


def _lower(params: Mapping[str, str]) -> dict[str, str]:
    return {key.lower(): value for key, value in params.items()}


def parse_kvp(raw: Mapping[str, str]) -> Request:
    """A GET request: parameter names are case-insensitive (OGC 06-121r3 §11.5.2)."""
    params = _lower(raw)
    operation = _operation(params.get("request"))
    if operation != "GetCapabilities":
        _check_service_version(params)
    constraint = None
    text = params.get("constraint")
    if text:
        language = params.get("constraintlanguage", "CQL_TEXT").upper()
        if language == "CQL_TEXT":
            constraint = parse_cql(text)
        elif language == "FILTER":
            constraint = parse_filter(_xml(text, "constraint"))
        else:
            raise CswError("InvalidParameterValue", "constraintLanguage",
                           "constraintLanguage is CQL_TEXT or FILTER")
    ids = tuple(i.strip() for i in params.get("id", "").split(",") if i.strip())
    return Request(operation, params, constraint, ids)


def _operation(name: str | None) -> str:
    if not name:
        raise CswError("MissingParameterValue", "request", "the request parameter is missing")
    for known in (*OPERATIONS, "Transaction", "Harvest"):
        if name.lower() == known.lower():
            if known not in OPERATIONS:
                break
            return known
    raise CswError("OperationNotSupported", "request", f"{name} is not supported")


def _check_service_version(params: Mapping[str, str]) -> None:
    service = params.get("service")
    if not service:
        raise CswError("MissingParameterValue", "service", "the service parameter is missing")
    if service.upper() != "CSW":
        raise CswError("InvalidParameterValue", "service", "service is CSW")
    version = params.get("version")
    if not version:
        raise CswError("MissingParameterValue", "version", "the version parameter is missing")
    if version != "2.0.2":
        raise CswError("InvalidParameterValue", "version", "version is 2.0.2")


def _xml(data: str | bytes, locator: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    try:
        root = etree.fromstring(data.encode() if isinstance(data, str) else data, parser)
    except etree.XMLSyntaxError as exc:
        raise CswError("InvalidParameterValue", locator, f"not well-formed XML: {exc}") from None
    if root.getroottree().docinfo.internalDTD is not None:
        # entities could name server-side files or expand without bound: no DTD is needed
        raise CswError("InvalidParameterValue", locator, "a DOCTYPE is not accepted")
    return root


def parse_xml(body: bytes) -> Request:
    """A POST request: the operation is the root element (GetRecords, GetRecordById...)."""
    root = _xml(body, "request")
    name = etree.QName(root).localname
    operation = _operation(name)
    params = {key.lower(): value for key, value in root.attrib.items()}
    if operation != "GetCapabilities":
        _check_service_version(params)
    ids: tuple[str, ...] = ()
    constraint = None
    if operation == "GetRecords":
        query = root.find(f"{{{CSW}}}Query")
        if query is not None:
            if query.get("typeNames"):
                params["typenames"] = query.get("typeNames", "")
            element_set = query.findtext(f"{{{CSW}}}ElementSetName")
            if element_set:
                params["elementsetname"] = element_set.strip()
            found = query.find(f"{{{CSW}}}Constraint")
            if found is not None:
                cql = found.findtext(f"{{{CSW}}}CqlText")
                filters = [c for c in found if etree.QName(c).localname == "Filter"]
                if cql:
                    constraint = parse_cql(cql)
                elif filters:
                    constraint = parse_filter(filters[0])
    elif operation == "GetRecordById":
        ids = tuple((e.text or "").strip() for e in root.findall(f"{{{CSW}}}Id"))
        element_set = root.findtext(f"{{{CSW}}}ElementSetName")
        if element_set:
            params["elementsetname"] = element_set.strip()
    elif operation == "DescribeRecord":
        names = [(e.text or "").strip() for e in root.findall(f"{{{CSW}}}TypeName")]
        if names:
            params["typename"] = ",".join(names)
    elif operation == "GetDomain":
        name_el = root.findtext(f"{{{CSW}}}PropertyName")
        if name_el:
            params["propertyname"] = name_el.strip()
    return Request(operation, params, constraint, ids)


# -- filters -------------------------------------------------------------------------------

#: queryable (lower-case, without prefix) -> the record field it reads
QUERYABLES = {"title": "title", "abstract": "abstract", "subject": "keywords",
              "keywords": "keywords", "keyword": "keywords", "modified": "modified",
              "revisiondate": "modified", "date": "modified", "anytext": "anytext",
              "boundingbox": "bbox", "envelope": "bbox", "identifier": "identifier",
              "type": "kind"}


def _field(name: str) -> str:
    local = name.rsplit(":", 1)[-1].lower()
    field = QUERYABLES.get(local)
    if field is None:
        raise CswError("InvalidParameterValue", "constraint",
                       f"{name} is not a queryable (use {', '.join(sorted(QUERYABLES))})")
    return field


def parse_cql(text: str) -> ast.Node:
    try:
        node: ast.Node = parse_ecql(text)
    except Exception as exc:  # lark raises many error types, all are a bad constraint
        raise CswError("InvalidParameterValue", "constraint",
                       f"CQL text not understood: {str(exc).splitlines()[0]}") from None
    return node


_COMPARISONS: dict[str, type[ast.Comparison]] = {
    "PropertyIsEqualTo": ast.Equal, "PropertyIsNotEqualTo": ast.NotEqual,
    "PropertyIsLessThan": ast.LessThan, "PropertyIsLessThanOrEqualTo": ast.LessEqual,
    "PropertyIsGreaterThan": ast.GreaterThan,
    "PropertyIsGreaterThanOrEqualTo": ast.GreaterEqual,
}


def parse_filter(element: etree._Element) -> ast.Node:
    """An OGC Filter 1.1 (or FES 2.0) ``Filter`` element: the subset of the class docstring."""
    if etree.QName(element).localname == "Constraint":
        children = [c for c in element if isinstance(c.tag, str)]
        element = children[0] if children else element
    if etree.QName(element).localname == "Filter":
        children = [c for c in element if isinstance(c.tag, str)]
        if len(children) != 1:
            raise CswError("InvalidParameterValue", "constraint", "a Filter has one operator")
        element = children[0]
    return _operator(element)


def _children(element: etree._Element) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str)]


def _property(element: etree._Element) -> ast.Attribute:
    for child in _children(element):
        if etree.QName(child).localname in ("PropertyName", "ValueReference"):
            return ast.Attribute((child.text or "").strip())
    raise CswError("InvalidParameterValue", "constraint", "a PropertyName is missing")


def _literal(element: etree._Element) -> str:
    for child in _children(element):
        if etree.QName(child).localname == "Literal":
            return (child.text or "").strip()
    raise CswError("InvalidParameterValue", "constraint", "a Literal is missing")


def _operator(element: etree._Element) -> ast.Node:
    name = etree.QName(element).localname
    if name in ("And", "Or"):
        parts = [_operator(c) for c in _children(element)]
        if len(parts) < 2:
            raise CswError("InvalidParameterValue", "constraint", f"{name} needs two operands")
        combined = parts[0]
        for part in parts[1:]:
            combined = ast.And(combined, part) if name == "And" else ast.Or(combined, part)
        return combined
    if name == "Not":
        parts = [_operator(c) for c in _children(element)]
        if len(parts) != 1:
            raise CswError("InvalidParameterValue", "constraint", "Not has one operand")
        return ast.Not(parts[0])
    if name in _COMPARISONS:
        return _COMPARISONS[name](_property(element), _literal(element))
    if name == "PropertyIsLike":
        wildcard = element.get("wildCard", "%")
        single = element.get("singleChar", "_")
        escape = element.get("escapeChar", element.get("escape", "\\"))
        nocase = element.get("matchCase", "true").lower() == "false"
        return ast.Like(_property(element), _literal(element), nocase, wildcard, single, escape,
                        False)
    if name == "BBOX":
        return _bbox(element)
    raise CswError("InvalidParameterValue", "constraint", f"filter operator {name} not supported")


def _bbox(element: etree._Element) -> ast.Node:
    envelope = next((c for c in element.iter() if isinstance(c.tag, str)
                     and etree.QName(c).localname == "Envelope"), None)
    if envelope is None:
        raise CswError("InvalidParameterValue", "constraint", "BBOX needs a gml:Envelope")
    corners = {}
    for child in _children(envelope):
        corners[etree.QName(child).localname] = [float(v) for v in (child.text or "").split()]
    lower, upper = corners.get("lowerCorner"), corners.get("upperCorner")
    if not lower or not upper or len(lower) != 2 or len(upper) != 2:
        raise CswError("InvalidParameterValue", "constraint", "BBOX corners are two numbers")
    crs = envelope.get("srsName", "")
    # EPSG:4326 in GML 3 is latitude first (OWSLib sends it so); CRS84 and "lon/lat" URNs
    # are longitude first.
    if "CRS84" in crs.upper() or not crs:
        west, south, east, north = lower[0], lower[1], upper[0], upper[1]
    else:
        south, west, north, east = lower[0], lower[1], upper[0], upper[1]
    attribute = _property(element) if any(
        etree.QName(c).localname in ("PropertyName", "ValueReference")
        for c in _children(element)) else ast.Attribute("ows:BoundingBox")
    return ast.BBox(attribute, west, south, east, north, None)


Predicate = Callable[[CswRecord], bool]


def compile_filter(node: ast.Node) -> Predicate:
    """A predicate over records for the supported subset of the AST."""
    if isinstance(node, ast.And):
        lhs, rhs = compile_filter(node.lhs), compile_filter(node.rhs)
        return lambda r: lhs(r) and rhs(r)
    if isinstance(node, ast.Or):
        lhs, rhs = compile_filter(node.lhs), compile_filter(node.rhs)
        return lambda r: lhs(r) or rhs(r)
    if isinstance(node, ast.Not):
        inner = compile_filter(node.sub_node)
        return lambda r: not inner(r)
    if isinstance(node, ast.Like):
        field = _field(_name(node.lhs))
        pattern = _like_regex(node)
        return lambda r: any(pattern.fullmatch(v) for v in _texts(r, field))
    if isinstance(node, ast.Comparison):
        field = _field(_name(node.lhs))
        op = node.op.value
        if field in ("modified",):
            bound = _as_datetime(node.rhs)
            return lambda r: r.modified is not None and _compare(r.modified, op, bound)
        value = str(node.rhs).lower()
        if op == "=":
            return lambda r: any(v.lower() == value for v in _texts(r, field))
        if op == "<>":
            return lambda r: all(v.lower() != value for v in _texts(r, field))
        return lambda r: any(_compare(v.lower(), op, value) for v in _texts(r, field))
    if isinstance(node, ast.BBox):
        _field(_name(node.lhs))
        box = (float(node.minx), float(node.miny), float(node.maxx), float(node.maxy))
        return lambda r: r.bbox is not None and _intersects(r.bbox, box)
    raise CswError("InvalidParameterValue", "constraint",
                   f"{type(node).__name__} is not supported in constraints")


def _name(node: Any) -> str:
    if isinstance(node, ast.Attribute):
        return str(node.name)
    raise CswError("InvalidParameterValue", "constraint", "compare a property with a value")


def _texts(record: CswRecord, field: str) -> tuple[str, ...]:
    if field == "keywords":
        return record.keywords
    if field == "anytext":
        return (record.any_text(),)
    if field == "modified":
        return (record.modified.isoformat(),) if record.modified else ()
    if field == "bbox":
        raise CswError("InvalidParameterValue", "constraint", "use BBOX on the bounding box")
    value: str = getattr(record, field)
    return (value,)


def _like_regex(node: ast.Like) -> re.Pattern[str]:
    out = []
    escaped = False
    for char in str(node.pattern):
        if escaped:
            out.append(re.escape(char))
            escaped = False
        elif node.escapechar and char == node.escapechar:
            escaped = True
        elif char == node.wildcard:
            out.append(".*")
        elif char == node.singlechar:
            out.append(".")
        else:
            out.append(re.escape(char))
    # catalogue text search is case-insensitive, as in pycsw and GeoNetwork
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise CswError("InvalidParameterValue", "constraint",
                       f"{value!r} is not an ISO 8601 date") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _compare(left: Any, op: str, right: Any) -> bool:
    return bool({"=": left == right, "<>": left != right, "<": left < right,
                 "<=": left <= right, ">": left > right, ">=": left >= right}[op])


def _intersects(a: tuple[float, float, float, float],
                b: tuple[float, float, float, float]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


# -- responses -----------------------------------------------------------------------------

def _int(params: Mapping[str, str], name: str, default: int, low: int) -> int:
    raw = params.get(name.lower())
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise CswError("InvalidParameterValue", name, f"{name} is an integer") from None
    if value < low:
        raise CswError("InvalidParameterValue", name, f"{name} is at least {low}")
    return value


def _choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...],
            default: str) -> str:
    value = params.get(name.lower()) or default
    if value not in allowed:
        raise CswError("InvalidParameterValue", name, f"{name} is one of {', '.join(allowed)}")
    return value


def _root(name: str) -> etree._Element:
    nsmap = {"csw": CSW, "dc": DC, "dct": DCT, "ows": OWS, "xsi": XSI}
    return etree.Element(f"{{{CSW}}}{name}", nsmap=nsmap)


def _sub(parent: etree._Element, ns: str, tag: str, text: str | None = None,
         **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def dc_record(record: CswRecord, element_set: str) -> etree._Element:
    """A ``csw:BriefRecord``, ``SummaryRecord`` or ``Record`` (OGC 07-006r1 Table 23)."""
    tag = {"brief": "BriefRecord", "summary": "SummaryRecord", "full": "Record"}[element_set]
    element = etree.Element(f"{{{CSW}}}{tag}")
    _sub(element, DC, "identifier", record.identifier)
    _sub(element, DC, "title", record.title)
    _sub(element, DC, "type", record.kind)
    if element_set != "brief":
        for keyword in record.keywords:
            _sub(element, DC, "subject", keyword)
        if record.modified is not None:
            _sub(element, DCT, "modified", record.modified.date().isoformat())
        _sub(element, DCT, "abstract", record.abstract)
    if element_set == "full":
        for link in record.links:
            _sub(element, DCT, "references", link)
    if record.bbox is not None:
        west, south, east, north = record.bbox
        box = _sub(element, OWS, "BoundingBox", crs="urn:ogc:def:crs:EPSG::4326")
        _sub(box, OWS, "LowerCorner", f"{south} {west}")
        _sub(box, OWS, "UpperCorner", f"{north} {east}")
    return element


def get_records(request: Request, records: list[CswRecord]) -> etree._Element:
    params = request.params
    type_names = params.get("typenames", "csw:Record")
    if "record" not in type_names.lower() and "md_metadata" not in type_names.lower():
        raise CswError("InvalidParameterValue", "typeNames", "typeNames is csw:Record or "
                       "gmd:MD_Metadata")
    schema = _choice(params, "outputSchema", OUTPUT_SCHEMAS, CSW)
    element_set = _choice(params, "ElementSetName", ELEMENT_SETS, "summary")
    result_type = _choice(params, "resultType", ("results", "hits", "validate"), "hits")
    # OWSLib sends startPosition="0" by default: read it as the first record, like pycsw
    start = max(_int(params, "startPosition", 1, 0), 1)
    limit = min(_int(params, "maxRecords", 10, 0), MAX_RECORDS)
    matched = records
    if request.constraint is not None:
        predicate = compile_filter(request.constraint)
        matched = [r for r in records if predicate(r)]
    chosen = matched[start - 1: start - 1 + limit] if result_type == "results" else []
    following = start + len(chosen)
    root = _root("GetRecordsResponse")
    root.set("version", "2.0.2")
    root.set(f"{{{XSI}}}schemaLocation",
             f"{CSW} http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd")
    _sub(root, CSW, "SearchStatus",
         timestamp=datetime.now(UTC).replace(microsecond=0).isoformat())
    results = _sub(root, CSW, "SearchResults", numberOfRecordsMatched=str(len(matched)),
                   numberOfRecordsReturned=str(len(chosen)),
                   nextRecord=str(following if following <= len(matched) and chosen else 0),
                   elementSet=element_set, recordSchema=schema)
    for record in chosen:
        results.append(record.iso() if schema == GMD else dc_record(record, element_set))
    return root


def get_record_by_id(request: Request, records: list[CswRecord]) -> etree._Element:
    if not request.ids:
        raise CswError("MissingParameterValue", "id", "the id parameter is missing")
    schema = _choice(request.params, "outputSchema", OUTPUT_SCHEMAS, CSW)
    element_set = _choice(request.params, "ElementSetName", ELEMENT_SETS, "summary")
    by_id = {r.identifier: r for r in records}
    root = _root("GetRecordByIdResponse")
    for identifier in request.ids:
        record = by_id.get(identifier)
        if record is not None:
            root.append(record.iso() if schema == GMD else dc_record(record, element_set))
    return root


def describe_record(request: Request) -> etree._Element:
    """One schema component per requested type name (both when none is named)."""
    raw = request.params.get("typename", "")
    names = [n.strip().lower() for n in raw.split(",") if n.strip()] or list(RECORD_SCHEMAS)
    language = request.params.get("schemalanguage", "XMLSCHEMA")
    if language.upper() not in ("XMLSCHEMA", "HTTP://WWW.W3.ORG/XML/SCHEMA",
                                "HTTP://WWW.W3.ORG/2001/XMLSCHEMA"):
        raise CswError("InvalidParameterValue", "schemaLanguage", "schemaLanguage is XMLSCHEMA")
    output = request.params.get("outputformat", "application/xml")
    if output != "application/xml":
        raise CswError("InvalidParameterValue", "outputFormat", "outputFormat is application/xml")
    root = _root("DescribeRecordResponse")
    for name in names:
        found = RECORD_SCHEMAS.get(name)
        if found is None:
            raise CswError("InvalidParameterValue", "typeName",
                           "typeName is csw:Record or gmd:MD_Metadata")
        namespace, location = found
        component = _sub(root, CSW, "SchemaComponent", targetNamespace=namespace,
                         schemaLanguage="http://www.w3.org/XML/Schema")
        xs = "http://www.w3.org/2001/XMLSchema"
        schema = etree.SubElement(component, f"{{{xs}}}schema", nsmap={"xs": xs},
                                  targetNamespace=namespace, elementFormDefault="qualified")
        etree.SubElement(schema, f"{{{xs}}}include", schemaLocation=location)
    return root


def get_domain(request: Request, records: list[CswRecord]) -> etree._Element:
    name = request.params.get("propertyname")
    if not name:
        if request.params.get("parametername"):
            raise CswError("InvalidParameterValue", "ParameterName",
                           "only PropertyName domains are offered")
        raise CswError("MissingParameterValue", "PropertyName",
                       "the PropertyName parameter is missing")
    field = _field(name)
    if field in ("bbox", "anytext"):
        raise CswError("InvalidParameterValue", "PropertyName", f"{name} has no value list")
    values = sorted({v for r in records for v in _texts(r, field)})
    root = _root("GetDomainResponse")
    domain = _sub(root, CSW, "DomainValues", type="csw:Record")
    _sub(domain, CSW, "PropertyName", name)
    listing = _sub(domain, CSW, "ListOfValues")
    for value in values:
        _sub(listing, CSW, "Value", value)
    return root


@dataclass(frozen=True)
class ServiceDescription:
    """What GetCapabilities says of the deployment."""

    url: str
    title: str
    abstract: str
    provider: str
    email: str
    metadata_url: str


def capabilities(service: ServiceDescription) -> etree._Element:
    """The capabilities with INSPIRE Discovery extended capabilities (scenario 1: a link to
    the CSW's own ISO service record)."""
    root = etree.Element(f"{{{CSW}}}Capabilities", nsmap={
        "csw": CSW, "ows": OWS, "ogc": OGC, "gml": GML, "xlink": "http://www.w3.org/1999/xlink",
        "xsi": XSI, "inspire_common": INSPIRE_COMMON, "inspire_ds": INSPIRE_DS}, version="2.0.2")
    root.set(f"{{{XSI}}}schemaLocation",
             f"{CSW} http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd "
             f"{INSPIRE_DS} http://inspire.ec.europa.eu/schemas/inspire_ds/1.0/inspire_ds.xsd")
    ident = _sub(root, OWS, "ServiceIdentification")
    _sub(ident, OWS, "Title", service.title)
    _sub(ident, OWS, "Abstract", service.abstract)
    keywords = _sub(ident, OWS, "Keywords")
    _sub(keywords, OWS, "Keyword", "infoCatalogueService")
    _sub(ident, OWS, "ServiceType", "CSW")
    _sub(ident, OWS, "ServiceTypeVersion", "2.0.2")
    _sub(ident, OWS, "Fees", "none")
    _sub(ident, OWS, "AccessConstraints", "none")
    provider = _sub(root, OWS, "ServiceProvider")
    _sub(provider, OWS, "ProviderName", service.provider)
    contact = _sub(provider, OWS, "ServiceContact")
    _sub(contact, OWS, "IndividualName", service.provider)
    info = _sub(contact, OWS, "ContactInfo")
    _sub(_sub(info, OWS, "Address"), OWS, "ElectronicMailAddress", service.email)
    _sub(contact, OWS, "Role", "pointOfContact")
    operations = _sub(root, OWS, "OperationsMetadata")
    for name in OPERATIONS:
        operation = _sub(operations, OWS, "Operation", name=name)
        http = _sub(_sub(operation, OWS, "DCP"), OWS, "HTTP")
        _sub(http, OWS, "Get").set("{http://www.w3.org/1999/xlink}href", service.url)
        _sub(http, OWS, "Post").set("{http://www.w3.org/1999/xlink}href", service.url)
        if name in ("GetRecords", "GetRecordById"):
            _parameter(operation, "outputSchema", OUTPUT_SCHEMAS)
            _parameter(operation, "ElementSetName", ELEMENT_SETS)
        if name == "GetRecords":
            _parameter(operation, "typeNames", ("csw:Record", "gmd:MD_Metadata"))
            _parameter(operation, "resultType", ("hits", "results"))
            _parameter(operation, "CONSTRAINTLANGUAGE", ("FILTER", "CQL_TEXT"))
            constraint = _sub(operation, OWS, "Constraint", name="SupportedISOQueryables")
            for queryable in ("apiso:Title", "apiso:Abstract", "apiso:Subject",
                              "apiso:Modified", "apiso:AnyText", "apiso:BoundingBox",
                              "apiso:Identifier", "apiso:Type"):
                _sub(constraint, OWS, "Value", queryable)
        if name == "DescribeRecord":
            _parameter(operation, "typeName", ("csw:Record", "gmd:MD_Metadata"))
            _parameter(operation, "outputFormat", ("application/xml",))
            _parameter(operation, "schemaLanguage", ("http://www.w3.org/XML/Schema",))
        if name == "GetDomain":
            _parameter(operation, "PropertyName", ("dc:title", "dc:subject", "dc:type"))
    _parameter(operations, "service", ("CSW",))
    _parameter(operations, "version", ("2.0.2",))
    extended = _sub(operations, OWS, "ExtendedCapabilities")
    inspire = _sub(extended, INSPIRE_DS, "ExtendedCapabilities")
    metadata = _sub(inspire, INSPIRE_COMMON, "MetadataUrl")
    _sub(metadata, INSPIRE_COMMON, "URL", service.metadata_url)
    _sub(metadata, INSPIRE_COMMON, "MediaType", "application/vnd.ogc.csw.GetRecordByIdResponse_xml")
    for tag, code in (("SupportedLanguages", "fre"), ("ResponseLanguage", "fre")):
        holder = _sub(inspire, INSPIRE_COMMON, tag)
        if tag == "SupportedLanguages":
            holder = _sub(holder, INSPIRE_COMMON, "DefaultLanguage")
        _sub(holder, INSPIRE_COMMON, "Language", code)
    filters = _sub(root, OGC, "Filter_Capabilities")
    spatial = _sub(filters, OGC, "Spatial_Capabilities")
    _sub(_sub(spatial, OGC, "GeometryOperands"), OGC, "GeometryOperand", "gml:Envelope")
    _sub(_sub(spatial, OGC, "SpatialOperators"), OGC, "SpatialOperator", name="BBOX")
    scalar = _sub(filters, OGC, "Scalar_Capabilities")
    _sub(scalar, OGC, "LogicalOperators")
    comparisons = _sub(scalar, OGC, "ComparisonOperators")
    for op in ("EqualTo", "NotEqualTo", "LessThan", "GreaterThan", "LessThanEqualTo",
               "GreaterThanEqualTo", "Like"):
        _sub(comparisons, OGC, "ComparisonOperator", op)
    _sub(_sub(filters, OGC, "Id_Capabilities"), OGC, "EID")
    return root


def _parameter(parent: etree._Element, name: str, values: tuple[str, ...]) -> None:
    parameter = _sub(parent, OWS, "Parameter", name=name)
    for value in values:
        _sub(parameter, OWS, "Value", value)


def answer(request: Request, records: list[CswRecord],
           service: ServiceDescription) -> etree._Element:
    """The response document of a parsed request (raises `CswError`)."""
    if request.operation == "GetCapabilities":
        return capabilities(service)
    if request.operation == "GetRecords":
        return get_records(request, records)
    if request.operation == "GetRecordById":
        return get_record_by_id(request, records)
    if request.operation == "DescribeRecord":
        return describe_record(request)
    return get_domain(request, records)


def to_bytes(element: etree._Element) -> bytes:
    data: bytes = etree.tostring(element, encoding="UTF-8", xml_declaration=True,
                                 pretty_print=True)
    return data
