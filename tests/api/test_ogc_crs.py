"""OGC API Features Part 2: crs, bbox-crs, Content-Crs, storageCrs, against PostGIS truth."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from ogc_support import OgcLayers, layer_sql
from sqlalchemy import Engine

pytestmark = pytest.mark.api

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"


def _first_vertex(geometry: dict) -> list[float]:  # type: ignore[type-arg]
    coordinates = geometry["coordinates"]
    while isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    return coordinates  # type: ignore[no-any-return]


def test_collection_lists_crs_and_storage_crs(ogc_client: TestClient,
                                              ogc_layers: OgcLayers) -> None:
    collection = ogc_client.get(f"/collections/{ogc_layers.open}").json()
    assert collection["storageCrs"] == f"{EPSG}31370"
    assert {CRS84, f"{EPSG}4326", f"{EPSG}3857", f"{EPSG}31370", f"{EPSG}3812"} <= set(
        collection["crs"])


@pytest.mark.parametrize("srid", [31370, 3812, 3857, 4326])
def test_crs_reprojects_like_postgis(ogc_client: TestClient, ogc_layers: OgcLayers,
                                     engine: Engine, srid: int) -> None:
    response = ogc_client.get(f"/collections/{ogc_layers.open}/items/7",
                              params={"crs": f"{EPSG}{srid}"})
    assert response.status_code == 200
    assert response.headers["content-crs"] == f"<{EPSG}{srid}>"
    x, y = _first_vertex(response.json()["geometry"])[:2]
    with engine.connect() as conn:
        ex, ey = conn.execute(layer_sql(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing(ST_GeometryN("
            "ST_Transform(geom, :srid), 1)), 1) p FROM {table} WHERE fid = 7) s",
            ogc_layers.open), {"srid": srid}).one()
    if srid == 4326:  # EPSG:4326 is latitude first
        ex, ey = ey, ex
        assert 50 < x < 51
        assert 4 < y < 5
    tolerance = 1e-6 if srid == 4326 else 1e-3
    assert x == pytest.approx(ex, abs=tolerance)
    assert y == pytest.approx(ey, abs=tolerance)


def test_items_page_in_lambert_72_has_content_crs(ogc_client: TestClient,
                                                  ogc_layers: OgcLayers) -> None:
    response = ogc_client.get(f"/collections/{ogc_layers.open}/items",
                              params={"crs": f"{EPSG}31370", "limit": 5})
    assert response.headers["content-crs"] == f"<{EPSG}31370>"
    for feature in response.json()["features"]:
        x, y = _first_vertex(feature["geometry"])[:2]
        assert 150_000 < x < 200_000
        assert 150_000 < y < 200_000
        assert "crs" not in feature["geometry"]


def test_bbox_in_another_crs_selects_the_same_features(ogc_client: TestClient,
                                                       ogc_layers: OgcLayers,
                                                       engine: Engine) -> None:
    with engine.connect() as conn:
        x1, y1, x2, y2 = conn.execute(layer_sql(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom)"
            " e FROM {table} WHERE fid <= 40) s", ogc_layers.open)).one()
        expected = {row[0] for row in conn.execute(layer_sql(
            "SELECT fid FROM {table} WHERE ST_Intersects(geom, "
            "ST_MakeEnvelope(:x1, :y1, :x2, :y2, 31370))", ogc_layers.open),
            {"x1": x1, "y1": y1, "x2": x2, "y2": y2})}
    url = f"/collections/{ogc_layers.open}/items"
    lambert = ogc_client.get(url, params={"bbox": f"{x1},{y1},{x2},{y2}",
                                          "bbox-crs": f"{EPSG}31370", "limit": 1000}).json()
    assert {f["id"] for f in lambert["features"]} == expected
    assert lambert["numberMatched"] == len(expected)
    assert 40 <= len(expected) < 321


def test_bbox_in_crs84_matches_postgis(ogc_client: TestClient, ogc_layers: OgcLayers,
                                       engine: Engine) -> None:
    box = (4.68, 50.86, 4.70, 50.87)
    with engine.connect() as conn:
        expected = {row[0] for row in conn.execute(layer_sql(
            "SELECT fid FROM {table} WHERE ST_Intersects(geom_4326, "
            "ST_MakeEnvelope(4.68, 50.86, 4.70, 50.87, 4326))", ogc_layers.open))}
    page = ogc_client.get(f"/collections/{ogc_layers.open}/items",
                          params={"bbox": ",".join(map(str, box)), "limit": 1000}).json()
    assert {f["id"] for f in page["features"]} == expected
    flipped = ogc_client.get(f"/collections/{ogc_layers.open}/items", params={
        "bbox": "50.86,4.68,50.87,4.70", "bbox-crs": f"{EPSG}4326", "limit": 1000}).json()
    assert {f["id"] for f in flipped["features"]} == expected


@pytest.mark.parametrize("parameter", ["crs", "bbox-crs"])
@pytest.mark.parametrize("value", ["EPSG:4326", f"{EPSG}2154", "urn:ogc:def:crs:EPSG::31370",
                                   "http://www.opengis.net/def/crs/OGC/1.3/CRS83", ""])
def test_unsupported_crs_is_a_400(ogc_client: TestClient, ogc_layers: OgcLayers,
                                  parameter: str, value: str) -> None:
    params = {parameter: value}
    if parameter == "bbox-crs":
        params["bbox"] = "4.6,50.8,4.8,50.9"
    response = ogc_client.get(f"/collections/{ogc_layers.open}/items", params=params)
    assert response.status_code == 400
    assert response.json()["code"] == "InvalidParameterValue"
