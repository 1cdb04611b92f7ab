"""CSW request parsing and filters, offline: OGC Filter 1.1 XML and CQL text over records."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pygeofilter import ast

from twin.catalog import csw
from twin.errors import CswError

OGC = 'xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml"'


def record(identifier: str, title: str, keywords: tuple[str, ...], year: int,
           bbox: tuple[float, float, float, float] | None) -> csw.CswRecord:
    return csw.CswRecord(identifier, "dataset", title, f"About {title}", keywords,
                         datetime(year, 6, 1, tzinfo=UTC), bbox, (), lambda: None)


RECORDS = [
    record("roads", "Routes communales", ("mobilité", "routes"), 2020, (4.6, 50.8, 4.8, 50.9)),
    record("parcels", "Parcelles 100%", ("cadastre",), 2024, (4.7, 50.85, 4.75, 50.88)),
    record("sea", "Zone côtière", ("mer",), 2023, (2.5, 51.1, 3.0, 51.4)),
    record("draft", "Sans emprise", (), 2019, None),
]


def matches(node: ast.Node) -> list[str]:
    predicate = csw.compile_filter(node)
    return [r.identifier for r in RECORDS if predicate(r)]


def fes(body: str) -> list[str]:
    return matches(csw.parse_filter(csw._xml(f"<ogc:Filter {OGC}>{body}</ogc:Filter>", "c")))


def test_like_is_case_insensitive_and_honours_escape() -> None:
    like = ('<ogc:PropertyIsLike wildCard="*" singleChar="?" escapeChar="!">'
            "<ogc:PropertyName>dc:title</ogc:PropertyName><ogc:Literal>{}</ogc:Literal>"
            "</ogc:PropertyIsLike>")
    assert fes(like.format("routes*")) == ["roads"]
    assert fes(like.format("*100!%")) == ["parcels"]
    assert fes(like.format("*100!*")) == []


def test_comparisons_on_dates_and_keywords_with_logic() -> None:
    assert fes("<ogc:Or><ogc:PropertyIsLessThan><ogc:PropertyName>dct:modified</ogc:PropertyName>"
               "<ogc:Literal>2020-01-01</ogc:Literal></ogc:PropertyIsLessThan>"
               "<ogc:PropertyIsEqualTo><ogc:PropertyName>dc:subject</ogc:PropertyName>"
               "<ogc:Literal>MER</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or>") == \
        ["sea", "draft"]
    assert fes("<ogc:Not><ogc:PropertyIsGreaterThanOrEqualTo><ogc:PropertyName>apiso:Modified"
               "</ogc:PropertyName><ogc:Literal>2023-01-01T00:00:00Z</ogc:Literal>"
               "</ogc:PropertyIsGreaterThanOrEqualTo></ogc:Not>") == ["roads", "draft"]


def test_bbox_axis_order_follows_the_crs() -> None:
    box = ("<ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName>"
           '<gml:Envelope{}><gml:lowerCorner>{}</gml:lowerCorner>'
           "<gml:upperCorner>{}</gml:upperCorner></gml:Envelope></ogc:BBOX>")
    assert fes(box.format("", "2.4 51.0", "3.1 51.5")) == ["sea"]  # no CRS: lon/lat
    assert fes(box.format(' srsName="urn:ogc:def:crs:EPSG::4326"', "51.0 2.4", "51.5 3.1")) \
        == ["sea"]
    assert fes(box.format(' srsName="urn:ogc:def:crs:EPSG::4326"', "2.4 51.0", "3.1 51.5")) \
        == []


def test_cql_text() -> None:
    assert matches(csw.parse_cql("csw:AnyText LIKE '%cadastre%' OR dc:title = 'zone côtière'"))\
        == ["parcels", "sea"]
    assert matches(csw.parse_cql("BBOX(ows:BoundingBox, 4.72, 50.86, 4.73, 50.87) AND "
                                 "dct:modified > '2021-01-01'")) == ["parcels"]


@pytest.mark.parametrize("text", ["password = 'x'", "dc:title LIKE", "BBOX(dc:title, 1, 2, 3, 4)"
                                  " AND dc:title LIKE 'a' AND unknown:x = 1"])
def test_bad_constraints_are_errors_not_match_all(text: str) -> None:
    with pytest.raises(CswError) as error:
        matches(csw.parse_cql(text))
    assert error.value.code == "InvalidParameterValue"


def test_kvp_names_are_case_insensitive_and_post_is_parsed() -> None:
    parsed = csw.parse_kvp({"SERVICE": "CSW", "Version": "2.0.2", "REQUEST": "getrecordbyid",
                            "ID": "roads,sea"})
    assert (parsed.operation, parsed.ids) == ("GetRecordById", ("roads", "sea"))
    body = (b'<csw:GetRecordById xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" '
            b'service="CSW" version="2.0.2"><csw:Id>sea</csw:Id>'
            b"<csw:ElementSetName>brief</csw:ElementSetName></csw:GetRecordById>")
    posted = csw.parse_xml(body)
    assert posted.ids == ("sea",)
    response = csw.get_record_by_id(posted, RECORDS)
    assert [e.tag.rsplit("}", 1)[1] for e in response] == ["BriefRecord"]


def test_paging_counts() -> None:
    request = csw.Request("GetRecords", {"resulttype": "results", "maxrecords": "3",
                                         "startposition": "3"})
    results = csw.get_records(request, RECORDS).find(f"{{{csw.CSW}}}SearchResults")
    assert results is not None
    assert (results.get("numberOfRecordsMatched"), results.get("numberOfRecordsReturned"),
            results.get("nextRecord")) == ("4", "2", "0")
