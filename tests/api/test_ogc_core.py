"""OGC API Features Part 1 as the official suite (ets-ogcapi-features10) checks it, plus the
app factory's own contracts (health, readiness, registry refresh, access seam)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ogc_support import OgcLayers, ingest, layer_sql, resolve_ref, spec
from sqlalchemy import Engine, text

from gis import edit, registry

pytestmark = pytest.mark.api

GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def _links(document: dict[str, Any], rel: str) -> list[dict[str, Any]]:
    return [link for link in document["links"] if link["rel"] == rel]


def test_landing_page_links_what_qgis_needs(ogc_client: TestClient) -> None:
    response = ogc_client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    page = response.json()
    (desc,) = _links(page, "service-desc")
    assert desc["type"] == OPENAPI
    assert _links(page, "data")[0]["href"].endswith("/collections")
    assert _links(page, "conformance")[0]["href"].endswith("/conformance")
    assert not [link for link in page["links"] if "processes" in link["rel"]]
    assert ogc_client.get(desc["href"]).headers["content-type"] == OPENAPI


def test_conformance_declares_exactly_the_implemented_classes(ogc_client: TestClient) -> None:
    response = ogc_client.get("/conformance")
    assert response.headers["content-type"] == "application/json"
    classes = set(response.json()["conformsTo"])
    qgis_filter_set = {
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    }
    assert qgis_filter_set <= classes
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30" in classes
    assert not [c for c in classes if "features-5" in c]
    # OGC API Records is implemented by the ``catalog`` collection (twin.ogc.records)
    assert "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/core" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete" in classes


def _external_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k == "$ref" and not str(v).startswith("#/")]
        return found + [r for v in node.values() for r in _external_refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _external_refs(v)]
    return []


def test_openapi_is_self_contained_with_the_parameters_the_suite_checks(
    ogc_client: TestClient, ogc_layers: OgcLayers,
) -> None:
    document = ogc_client.get("/openapi").json()
    assert document["openapi"].startswith("3.0")
    assert _external_refs(document) == []
    items = document["paths"][f"/collections/{ogc_layers.open}/items"]["get"]
    params = {p["name"]: p for p in (resolve_ref(document, p) for p in items["parameters"])}
    limit = params["limit"]
    assert (limit["in"], limit["required"], limit["style"], limit["explode"]) == (
        "query", False, "form", False)
    assert limit["schema"]["type"] == "integer"
    assert {"minimum", "maximum", "default"} <= set(limit["schema"])
    bbox = params["bbox"]["schema"]
    assert (bbox["type"], bbox["minItems"], bbox["maxItems"]) == ("array", 4, 6)
    assert bbox["items"]["type"] == "number"
    paths = json.dumps(sorted(document["paths"]))
    assert ogc_layers.open in paths
    assert ogc_layers.closed not in paths
    assert ogc_layers.shared not in paths


def test_collections_list_only_what_an_anonymous_caller_may_see(
    ogc_client: TestClient, ogc_layers: OgcLayers,
) -> None:
    collections = ogc_client.get("/collections").json()["collections"]
    ids = {c["id"] for c in collections}
    assert ogc_layers.open in ids
    assert ogc_layers.closed not in ids
    assert ogc_layers.shared not in ids
    mine = next(c for c in collections if c["id"] == ogc_layers.open)
    assert mine["title"] == "Parcels of Leuven"
    assert mine["storageCrs"] == "http://www.opengis.net/def/crs/EPSG/0/31370"
    assert [link for link in mine["links"]
            if link["rel"] == "items" and link["type"] == GEOJSON]
    lon_min, lat_min, lon_max, lat_max = mine["extent"]["spatial"]["bbox"][0]
    assert 4.6 < lon_min < lon_max < 4.8
    assert 50.8 < lat_min < lat_max < 50.95


def test_titles_follow_the_requested_language(ogc_client: TestClient,
                                              ogc_layers: OgcLayers) -> None:
    dutch = ogc_client.get(f"/collections/{ogc_layers.open}", params={"lang": "nl"}).json()
    assert dutch["title"] == "Percelen van Leuven"


@pytest.mark.parametrize("suffix", [
    "", "/items", "/items/1", "/queryables", "/schema", "/tiles", "/tiles/WebMercatorQuad",
    "/tiles/WebMercatorQuad/14/5468/8412", "/tilejson.json", "/style.json", "/items?f=html",
])
def test_closed_and_shared_layers_do_not_exist_for_anonymous_callers(
    ogc_client: TestClient, ogc_layers: OgcLayers, suffix: str,
) -> None:
    unknown = ogc_client.get(f"/collections/no_such_layer{suffix}")
    assert unknown.status_code == 404
    for hidden in (ogc_layers.closed, ogc_layers.shared):
        response = ogc_client.get(f"/collections/{hidden}{suffix}")
        assert response.status_code == 404, response.text
        assert response.json()["code"] == unknown.json()["code"]
        body = json.loads(response.text.replace(hidden, "X"))
        unknown_body = json.loads(unknown.text.replace("no_such_layer", "X"))
        assert body.pop("requestId") != unknown_body.pop("requestId")  # each request its own
        assert body == unknown_body


def _pages(client: TestClient, url: str) -> list[dict[str, Any]]:
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["content-type"] == GEOJSON
        assert response.headers["content-crs"] == f"<{CRS84}>"
        page = response.json()
        pages.append(page)
        following = _links(page, "next")
        assert all(link["type"] == GEOJSON for link in following)
        url = following[0]["href"] if following else ""
    return pages


def test_paging_returns_every_feature_once_and_counts_match(
    ogc_client: TestClient, ogc_layers: OgcLayers, engine: Engine,
) -> None:
    pages = _pages(ogc_client, f"/collections/{ogc_layers.open}/items?limit=100")
    ids = [f["id"] for page in pages for f in page["features"]]
    with engine.connect() as conn:
        expected = conn.execute(layer_sql("SELECT fid FROM {table} ORDER BY fid",
                                          ogc_layers.open))
        assert ids == [row[0] for row in expected]
    for page in pages:
        assert page["numberReturned"] == len(page["features"])
        assert page["numberMatched"] == len(ids)
    assert len(pages) == 4
    prev = _links(pages[1], "prev")[0]
    assert prev["type"] == GEOJSON
    assert ogc_client.get(prev["href"]).json()["features"] == pages[0]["features"]


def test_limit_above_the_maximum_is_clamped(ogc_client: TestClient,
                                            ogc_layers: OgcLayers) -> None:
    response = ogc_client.get(f"/collections/{ogc_layers.open}/items",
                              params={"limit": 10_000_000})
    assert response.status_code == 200
    assert response.json()["numberReturned"] == 321


def test_default_page_and_properties_and_sortby(ogc_client: TestClient,
                                                ogc_layers: OgcLayers) -> None:
    url = f"/collections/{ogc_layers.open}/items"
    assert ogc_client.get(url).json()["numberReturned"] == 10
    page = ogc_client.get(url, params={"properties": "CAPAKEY,UIDN", "sortby": "-UIDN",
                                       "limit": 50}).json()
    uidns = [f["properties"]["UIDN"] for f in page["features"]]
    assert uidns == sorted(uidns, reverse=True)
    assert all(set(f["properties"]) == {"CAPAKEY", "UIDN"} for f in page["features"])
    ascending = ogc_client.get(url, params={"sortby": "+CAPAKEY", "limit": 400}).json()
    keys = [f["properties"]["CAPAKEY"] for f in ascending["features"]]
    assert keys == sorted(keys)
    bare = ogc_client.get(url, params={"skipGeometry": "true", "limit": 1}).json()
    assert bare["features"][0]["geometry"] is None


def test_single_item_matches_its_page_entry(ogc_client: TestClient,
                                            ogc_layers: OgcLayers) -> None:
    first = ogc_client.get(f"/collections/{ogc_layers.open}/items?limit=1").json()["features"][0]
    response = ogc_client.get(f"/collections/{ogc_layers.open}/items/{first['id']}")
    assert response.status_code == 200
    assert response.headers["content-crs"] == f"<{CRS84}>"
    item = response.json()
    assert item["geometry"] == first["geometry"]
    assert item["properties"] == first["properties"]
    assert {"self", "collection"} <= {link["rel"] for link in item["links"]}
    for missing in ("999999", "abc", "1;DROP TABLE x", "99999999999999999999999"):
        assert ogc_client.get(f"/collections/{ogc_layers.open}/items/{missing}").status_code \
            == 404


def test_html_pages_render_through_pygeoapi(ogc_client: TestClient,
                                            ogc_layers: OgcLayers) -> None:
    for path in ("/", "/collections", f"/collections/{ogc_layers.open}",
                 f"/collections/{ogc_layers.open}/items", f"/collections/{ogc_layers.open}/items/1",
                 f"/collections/{ogc_layers.open}/queryables", "/conformance"):
        response = ogc_client.get(path, params={"f": "html"})
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
    assert ogc_client.get("/static/css/default.css").status_code == 200
    items = ogc_client.get(f"/collections/{ogc_layers.open}/items?f=html&limit=5").text
    assert "24432H0037/00M016" in items or "CAPAKEY" in items


def test_a_new_layer_appears_without_restart(ogc_client: TestClient, engine: Engine,
                                             layer_id: str) -> None:
    assert ogc_client.get(f"/collections/{layer_id}").status_code == 404
    ingest(engine, layer_id)
    assert ogc_client.get(f"/collections/{layer_id}").status_code == 200
    assert ogc_client.get(f"/collections/{layer_id}/items").json()["numberMatched"] == 321
    assert f"/collections/{layer_id}/items" in ogc_client.get("/openapi").json()["paths"]


def test_health_and_readiness(ogc_client: TestClient) -> None:
    assert ogc_client.get("/healthz").json() == {"status": "ok"}
    ready = ogc_client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ok"


def test_number_matched_follows_edits(ogc_client: TestClient, engine: Engine,
                                      layer_id: str) -> None:
    """After Part 4 edits (through gis.edit, as the API makes them), numberMatched is the
    table's count again, not the load's."""
    ingest(engine, layer_id)
    url = f"/collections/{layer_id}/items"
    assert ogc_client.get(url, params={"limit": 5}).json()["numberMatched"] == 321
    for fid in (1, 2):
        with engine.begin() as conn:
            edit.delete_feature(conn, registry.get_layer(conn, layer_id), fid, None, None)
    page = ogc_client.get(url, params={"limit": 5}).json()
    assert page["numberMatched"] == 319
    assert ogc_client.get(url, params={"limit": 500}).json()["numberReturned"] == 319


def test_a_registry_change_committed_late_is_still_noticed(
    ogc_client: TestClient, engine: Engine, layer_id: str,
) -> None:
    """Closing a layer in a transaction that began before another registry change was seen
    (so its updated_at is older than the newest one) must still hide it at once: a stamp made
    of max(updated_at) kept serving it as open."""
    other = f"{layer_id}_other"
    ingest(engine, layer_id)
    ingest(engine, other)
    assert ogc_client.get(f"/collections/{layer_id}").status_code == 200
    with engine.connect() as early:
        early.execute(text("SELECT now()"))  # the transaction's now() is fixed from here
        with engine.begin() as later:
            registry.register(later, spec(other), "EPSG:31370")
        assert ogc_client.get(f"/collections/{other}").status_code == 200  # seen
        registry.register(early, spec(layer_id, access="closed"), "EPSG:31370")
        early.commit()
    assert ogc_client.get(f"/collections/{layer_id}").status_code == 404
    assert layer_id not in {c["id"] for c in ogc_client.get("/collections").json()[
        "collections"]}
