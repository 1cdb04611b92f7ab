"""OGC API Records: OWSLib's Records client against a real server, and the documents by hand.

The record collection ``catalog`` lists one record per dataset the caller may see: the
session's open parcels, a second open layer with an accented Dutch title (for ``q``), never
the closed copy, and the shared copy only for a partner key of its group.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import schemathesis
from ogc_support import PARCELS, OgcLayers, open_spec
from owslib.ogcapi.records import Records
from pygeoapi.openapi import validate_openapi_document
from sqlalchemy import Engine

from gis import access, registry
from gis.anonymise import refresh_published_view
from gis.ingest.loader import ingest_vector
from gis.model import Layer
from twin.catalog.records import DatasetRecord, Products
from twin.ogc.records import record_feature

pytestmark = pytest.mark.api

CATALOG = "catalog"
CORE_PROPERTIES = ("type", "title", "description", "keywords", "themes", "language",
                   "languages", "contacts", "created", "updated", "license", "rights",
                   "formats", "time")


@pytest.fixture(scope="module")
def ponds(engine: Engine) -> str:
    """An open layer whose title only an accent-insensitive ``q`` finds as ``heverlee``."""
    layer_id = f"rec_ponds_{uuid.uuid4().hex[:8]}"
    spec = open_spec(layer_id, title={"nl": "Vijvers van Héverlee"},
                     description={"nl": "Waterpartijen rond de abdij"},
                     keywords=["water", "vijvers"], theme=["ENVI"])
    ingest_vector(engine, spec, PARCELS, default_storage_crs="EPSG:31370")
    with engine.begin() as conn:
        refresh_published_view(conn, registry.get_layer(conn, layer_id))
    return layer_id


@pytest.fixture(scope="module")
def planning_key(engine: Engine) -> str:
    """A partner key of the group the shared layer is shared with."""
    with engine.begin() as conn:
        _, token = access.create_key(conn, "partner", ["planning"], label="records test")
    return token


@pytest.fixture(scope="module")
def staff_key(engine: Engine) -> str:
    with engine.begin() as conn:
        _, token = access.create_key(conn, "staff", label="records staff")
    return token


@pytest.fixture(scope="module")
def http(ogc_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=ogc_server, timeout=30) as client:
        yield client


def _ids(page: dict[str, Any]) -> list[str]:
    return [feature["id"] for feature in page["features"]]


def _everything(http: httpx.Client, **headers: str) -> list[str]:
    response = http.get(f"/collections/{CATALOG}/items", params={"limit": "1000"},
                        headers=headers)
    assert response.status_code == 200, response.text
    return _ids(response.json())


def test_owslib_lists_the_record_collection(ogc_server: str, ogc_layers: OgcLayers,
                                            ponds: str) -> None:
    service = Records(ogc_server)
    assert service.records() == [CATALOG]
    conformance = service.conformance()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/core" in conformance
    for name in ("records-api", "record-core", "record-collection", "filtering", "sorting",
                 "record-core-query-parameters"):
        assert f"http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/{name}" in conformance
    collection = service.collection(CATALOG)
    assert collection["itemType"] == "record"
    rels = {link["rel"] for link in collection["links"]}
    assert "http://www.opengis.net/def/rel/ogc/1.0/sortables" in rels
    assert "http://www.opengis.net/def/rel/ogc/1.0/queryables" in rels
    queryables = service.collection_queryables(CATALOG)["properties"]
    assert set(queryables) == {"title", "description", "keywords", "updated", "type",
                               "license"}
    sortables = service._request(path=f"collections/{CATALOG}/sortables")["properties"]
    assert set(sortables) == {"title", "updated"}


def test_owslib_pages_through_every_record(ogc_server: str, ogc_layers: OgcLayers,
                                           ponds: str) -> None:
    service = Records(ogc_server)
    everything = service.collection_items(CATALOG, limit=1000)
    assert everything["numberMatched"] == everything["numberReturned"] >= 2
    expected = _ids(everything)
    assert len(set(expected)) == len(expected)
    seen: list[str] = []
    offset = 0
    while True:
        page = service.collection_items(CATALOG, limit=1, offset=offset)
        assert page["numberMatched"] == len(expected)
        seen += _ids(page)
        rels = {link["rel"] for link in page["links"]}
        assert ("prev" in rels) == (offset > 0)
        if "next" not in rels:
            break
        offset += 1
    assert seen == expected
    assert {ogc_layers.open, ponds} <= set(seen)
    assert ogc_layers.closed not in seen
    assert ogc_layers.shared not in seen


def test_owslib_q_bbox_datetime_filter_sortby(ogc_server: str, ogc_layers: OgcLayers,
                                              ponds: str) -> None:
    service = Records(ogc_server)
    assert _ids(service.collection_items(CATALOG, q="HEVERLEE")) == [ponds]
    assert _ids(service.collection_items(CATALOG, q="waterpartijen")) == [ponds]
    cadastre = _ids(service.collection_items(CATALOG, q="cadastre", limit=1000))
    assert ogc_layers.open in cadastre  # other tests' layers match too: one page of all
    assert ponds not in cadastre
    leuven = _ids(service.collection_items(CATALOG, bbox=[4.6, 50.8, 4.8, 50.9], limit=1000))
    assert {ogc_layers.open, ponds} <= set(leuven)
    assert _ids(service.collection_items(CATALOG, bbox=[-10, 10, -9, 11])) == []
    today = datetime.now(UTC).date().isoformat()
    recent = _ids(service.collection_items(CATALOG, datetime_=f"{today}/..", limit=1000))
    assert {ogc_layers.open, ponds} <= set(recent)
    assert _ids(service.collection_items(CATALOG, datetime_="2000-01-01/2001-01-01")) == []
    assert _ids(service.collection_items(
        CATALOG, filter="title LIKE 'Vijvers%' AND type = 'dataset'")) == [ponds]
    assert _ids(service.collection_items(CATALOG, filter="keywords = 'vijvers'")) == [ponds]
    assert _ids(service.collection_items(CATALOG, filter="title LIKE 'V_jvers %'")) == [ponds]
    assert _ids(service.collection_items(CATALOG, filter="title LIKE 'V_vers%'")) == []
    assert _ids(service.collection_items(
        CATALOG, filter="ACCENTI(CASEI(title)) LIKE '%heverlee%'")) == [ponds]
    assert _ids(service.collection_items(
        CATALOG, filter="updated < TIMESTAMP('2000-01-01T00:00:00Z')")) == []
    by_json = service.collection_items(CATALOG, cql={
        "op": "=", "args": [{"property": "title"}, "Vijvers van Héverlee"]})
    assert _ids(by_json) == [ponds]
    descending = service.collection_items(CATALOG, sortby=("title", "desc"), limit=1000)
    titles = [f["properties"]["title"] for f in descending["features"]]
    assert titles == sorted(titles, key=str.casefold, reverse=True)
    assert len(titles) >= 2
    assert titles.index("Vijvers van Héverlee") < titles.index("Parcels of Leuven")
    newest = service.collection_items(CATALOG, sortby=("updated", "desc"), limit=1000)
    stamps = [datetime.fromisoformat(f["properties"]["updated"].replace("Z", "+00:00"))
              for f in newest["features"]]
    assert stamps == sorted(stamps, reverse=True)
    assert _ids(newest)[0] == ponds  # loaded last
    # q: comma-separated terms, any may match; a term with spaces is a phrase
    phrase = _ids(service.collection_items(CATALOG, q="parcels of leuven", limit=1000))
    assert ogc_layers.open in phrase
    assert ponds not in phrase
    either = _ids(service.collection_items(CATALOG, q="vijvers,cadastre", limit=1000))
    assert {ogc_layers.open, ponds} <= set(either)
    cc0 = _ids(service.collection_items(CATALOG, license="CC0", limit=1000))
    assert ponds in cc0
    assert ogc_layers.open not in cc0


def test_owslib_reads_one_record_with_its_links(ogc_server: str, ogc_layers: OgcLayers) -> None:
    record = Records(ogc_server).collection_item(CATALOG, ogc_layers.open)
    assert record["id"] == ogc_layers.open
    assert record["type"] == "Feature"
    hrefs = {(link["rel"], link["type"]): link["href"] for link in record["links"]}
    base = ogc_server
    assert hrefs[("alternate", "text/turtle")] == f"{base}/catalog/datasets/{ogc_layers.open}.ttl"
    assert hrefs[("alternate", "application/ld+json")].endswith(f"{ogc_layers.open}.jsonld")
    iso = hrefs[("alternate", "application/xml")]
    assert iso.startswith(f"{base}/csw?service=CSW&version=2.0.2&request=GetRecordById")
    assert f"id={ogc_layers.open}" in iso
    assert "outputSchema=http" in iso
    items = {link["href"] for link in record["links"] if link["rel"] == "item"}
    assert f"{base}/collections/{ogc_layers.open}" in items
    assert f"{base}/collections/{ogc_layers.open}/tilejson.json" in items
    assert not [href for href in items if "3dtiles" in href]  # no tileset built
    enclosures = [link for link in record["links"] if link["rel"] == "enclosure"]
    assert {link["type"] for link in enclosures} == {
        "application/geo+json", "text/csv", "application/geopackage+sqlite3"}
    assert f"{base}/downloads/{ogc_layers.open}.geojson" in {e["href"] for e in enclosures}


def test_record_core_properties(http: httpx.Client, ogc_layers: OgcLayers, ponds: str) -> None:
    response = http.get(f"/collections/{CATALOG}/items/{ponds}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    record = response.json()
    props = record["properties"]
    assert set(CORE_PROPERTIES) <= set(props)
    assert props["type"] == "dataset"
    assert props["title"] == "Vijvers van Héverlee"
    assert props["description"] == "Waterpartijen rond de abdij"
    assert props["keywords"] == ["water", "vijvers"]
    assert props["themes"][0]["scheme"].endswith("data-theme")
    assert props["themes"][0]["concepts"][0]["id"] == "ENVI"
    assert props["language"] == {"code": "nl"}
    assert props["contacts"][0]["emails"] == [{"value": "t@example.org"}]
    assert "pointOfContact" in props["contacts"][0]["roles"]
    assert props["license"] == "CC0"
    updated = datetime.fromisoformat(props["updated"].replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - updated).total_seconds()) < 3600
    assert props["time"]["interval"][0] is not None
    assert {f["mediaType"] for f in props["formats"]} >= {"application/geo+json"}
    geometry = record["geometry"]
    assert geometry["type"] == "Polygon"
    xs = [point[0] for point in geometry["coordinates"][0]]
    assert 4.6 < min(xs) < max(xs) < 4.8  # WGS 84 longitudes of Leuven
    # the DCAT form a record points to is really served
    dcat = next(link["href"] for link in record["links"] if link["type"] == "text/turtle")
    assert http.get(dcat.removeprefix(str(http.base_url).rstrip("/"))).status_code == 200


def _audited(engine: Engine, layer_id: str, since: datetime) -> list[str]:
    """The audit operations on a layer since ``since`` (written just after the answer)."""
    deadline = time.monotonic() + 5
    while True:
        with engine.connect() as conn:
            found = [entry.operation for entry in access.read_audit(conn, layer_id=layer_id,
                                                                    since=since)]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_access_closed_never_shared_only_with_a_key(
        http: httpx.Client, engine: Engine, ogc_layers: OgcLayers, planning_key: str,
        staff_key: str) -> None:
    public = _everything(http)
    partner = _everything(http, **{"X-API-Key": planning_key})
    staff = _everything(http, **{"X-API-Key": staff_key})
    assert ogc_layers.closed not in public + partner + staff
    assert ogc_layers.shared not in public
    assert ogc_layers.shared in partner
    assert ogc_layers.open in public
    assert ogc_layers.open in partner
    for layer_id in (ogc_layers.closed, ogc_layers.shared):
        for suffix in ("", "?f=html"):
            assert http.get(f"/collections/{CATALOG}/items/{layer_id}{suffix}").status_code \
                == 404
    assert http.get(f"/collections/{CATALOG}/items/{ogc_layers.closed}",
                    headers={"X-API-Key": staff_key}).status_code == 404
    before = datetime.now(UTC)
    shared = http.get(f"/collections/{CATALOG}/items/{ogc_layers.shared}",
                      headers={"X-API-Key": planning_key})
    assert shared.status_code == 200
    assert "catalog" in _audited(engine, ogc_layers.shared, before)  # as its DCAT page
    html = http.get(f"/collections/{CATALOG}/items", params={"f": "html", "limit": "1000"})
    assert html.status_code == 200
    assert ogc_layers.open in html.text
    assert ogc_layers.shared not in html.text
    assert ogc_layers.closed not in html.text
    keyed_html = http.get(f"/collections/{CATALOG}/items", params={"f": "html", "limit": "1000"},
                          headers={"X-API-Key": planning_key})
    assert ogc_layers.shared in keyed_html.text


def test_html_pages_share_the_site_layout(http: httpx.Client, ogc_layers: OgcLayers) -> None:
    listing = http.get("/collections", params={"f": "html"})
    assert listing.status_code == 200
    assert f'collections/{CATALOG}' in listing.text
    for path in (f"/collections/{CATALOG}", f"/collections/{CATALOG}/items",
                 f"/collections/{CATALOG}/items/{ogc_layers.open}"):
        page = http.get(path, params={"f": "html"})
        assert page.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html")
        assert "/static/css" in page.text  # pygeoapi's base template
    item = http.get(f"/collections/{CATALOG}/items/{ogc_layers.open}", params={"f": "html"})
    assert "Parcels of Leuven" in item.text


def test_collections_document_and_errors(http: httpx.Client) -> None:
    collections = http.get("/collections").json()["collections"]
    record = next(c for c in collections if c["id"] == CATALOG)
    assert record["itemType"] == "record"
    assert not any("tiles" in link["href"] for link in record["links"])
    for params in ({"sortby": "description"}, {"filter": "nope = 1"},
                   {"filter": "title = 'none' AND nope = 1"}, {"filter": "title = 1"},
                   {"filter": "updated = 'yesterday'"}, {"updated": "[invalid-value]"},
                   {"filter": "S_INTERSECTS(geometry, POINT(4.7 50.9))"},
                   {"filter": "title ="}, {"bbox": "1,2,3"}, {"datetime": "yesterday"},
                   {"limit": "0"}, {"unknown": "1"}):
        response = http.get(f"/collections/{CATALOG}/items", params=params)
        assert response.status_code == 400, params
    cql_json = http.get(f"/collections/{CATALOG}/items", params={
        "filter-lang": "cql2-json",
        "filter": '{"op": "=", "args": [{"property": "type"}, "dataset"]}'})
    assert cql_json.status_code == 200
    assert cql_json.json()["numberMatched"] >= 2


def test_html_items_keep_the_filter_in_paging_links(http: httpx.Client,
                                                    ogc_layers: OgcLayers) -> None:
    cql = '{"op": "=", "args": [{"property": "type"}, "dataset"]}'
    first = http.get(f"/collections/{CATALOG}/items", params={
        "f": "html", "limit": "1", "filter-lang": "cql2-json", "filter": cql})
    assert first.status_code == 200
    assert "filter-lang=cql2-json" in first.text
    assert "offset=1" in first.text
    sorted_page = http.get(f"/collections/{CATALOG}/items",
                           params={"f": "html", "sortby": "-updated"})
    assert sorted_page.status_code == 200
    linked = http.get(f"/collections/{CATALOG}/items", params={"f": "jsonld", "limit": "1000"})
    assert linked.status_code == 200
    assert ogc_layers.open in linked.text
    assert ogc_layers.shared not in linked.text
    assert ogc_layers.closed not in linked.text
    assert http.get(f"/collections/{CATALOG}/schema").status_code == 200


def test_a_built_tileset_is_linked() -> None:
    """A layer with a 3D Tiles build links its tileset (from the catalogue's distributions)."""
    layer = Layer(spec=open_spec("rec_buildings", title={"en": "Buildings"}), storage_srid=31370,
                  current_version=1, extent_4326=(4.6, 50.8, 4.8, 50.9))
    when = datetime(2024, 5, 1, tzinfo=UTC)
    built = record_feature(DatasetRecord(layer, when, when, when, {},
                                         Products(tileset_bytes=4096)), "https://twin.example")
    tiles = [link for link in built["links"] if "3dtiles" in link["href"]]
    assert [link["href"] for link in tiles] == [
        "https://twin.example/3dtiles/rec_buildings/tileset.json"]
    assert tiles[0]["rel"] == "item"
    bare = record_feature(DatasetRecord(layer, when, when, when, {}), "https://twin.example")
    assert not [link for link in bare["links"] if "3dtiles" in link["href"]]
    assert built["properties"]["time"] == {"interval": ["2024-05-01T00:00:00Z",
                                                        "2024-05-01T00:00:00Z"]}


def test_openapi_documents_the_record_paths(http: httpx.Client, ogc_layers: OgcLayers) -> None:
    document = http.get("/openapi").json()
    assert validate_openapi_document(document)  # the official OAS 3.0 JSON Schema
    schemathesis.openapi.from_dict(document).validate()
    documented = sorted(path for path in document["paths"]
                        if path.startswith(f"/collections/{CATALOG}"))
    assert documented == [f"/collections/{CATALOG}", f"/collections/{CATALOG}/items",
                          f"/collections/{CATALOG}/items/{{recordId}}",
                          f"/collections/{CATALOG}/queryables",
                          f"/collections/{CATALOG}/sortables"]
    items = document["paths"][f"/collections/{CATALOG}/items"]["get"]["parameters"]
    names = {p.get("name") or p["$ref"].rsplit("/", 1)[-1] for p in items}
    assert {"q", "bbox", "datetime", "filter", "filter-lang", "sortby", "limit", "offset",
            "license"} <= names
    for path in documented:  # each answers as documented
        url = path.replace("{recordId}", ogc_layers.open)
        response = http.get(url)
        assert response.status_code == 200, url
        assert "json" in response.headers["content-type"], url
