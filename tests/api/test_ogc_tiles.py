"""Vector tiles: decoded with mapbox-vector-tile and checked against the layer in PostGIS."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import mapbox_vector_tile
import pytest
from fastapi.testclient import TestClient
from ogc_support import OgcLayers, app_settings, ingest, layer_sql
from pygeoapi.plugin import load_plugin
from shapely.geometry import shape
from sqlalchemy import Engine

from gis.access import create_key
from twin.access import ANONYMOUS
from twin.app import create_app

pytestmark = pytest.mark.api

MVT = "application/vnd.mapbox-vector-tile"


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


@pytest.fixture(scope="module")
def centre(ogc_layers: OgcLayers, engine: Engine) -> tuple[float, float]:
    with engine.connect() as conn:
        lon, lat = conn.execute(layer_sql(
            "SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(geom_4326) c FROM {table} "
            "WHERE fid = 20) s", ogc_layers.open)).one()
    return float(lon), float(lat)


def _fids(engine: Engine, layer: str, z: int, x: int, y: int, predicate: str) -> set[int]:
    with engine.connect() as conn:
        condition = predicate.replace("{}", "ST_TileEnvelope(:z, :x, :y)")
        rows = conn.execute(layer_sql("SELECT fid FROM {table} WHERE {where}", layer, condition),
                            {"z": z, "x": x, "y": y})
        return {row[0] for row in rows}


@pytest.mark.parametrize("z", [14, 15, 16])
def test_tile_holds_the_features_of_the_layer(ogc_client: TestClient, ogc_layers: OgcLayers,
                                              engine: Engine, centre: tuple[float, float],
                                              z: int) -> None:
    x, y = _tile_of(*centre, z)
    response = ogc_client.get(f"/collections/{ogc_layers.open}/tiles/WebMercatorQuad/{z}/{y}/{x}")
    assert response.status_code == 200
    assert response.headers["content-type"] == MVT
    decoded = mapbox_vector_tile.decode(response.content)
    layer = decoded[ogc_layers.open]
    assert layer["extent"] == 4096
    fids = {f["id"] for f in layer["features"]}
    intersecting = _fids(engine, ogc_layers.open, z, x, y, "ST_Intersects(geom_3857, {})")
    overlapping = _fids(engine, ogc_layers.open, z, x, y, "geom_3857 && {}")
    assert 20 in fids
    assert intersecting <= fids <= overlapping
    feature = next(f for f in layer["features"] if f["id"] == 20)
    with engine.connect() as conn:
        capakey, uidn = conn.execute(layer_sql(
            'SELECT "CAPAKEY", "UIDN" FROM {table} WHERE fid = 20', ogc_layers.open)).one()
    assert feature["properties"]["CAPAKEY"] == capakey
    assert feature["properties"]["UIDN"] == uidn
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_tiles_revalidate_with_etag(ogc_client: TestClient, ogc_layers: OgcLayers,
                                    centre: tuple[float, float]) -> None:
    x, y = _tile_of(*centre, 15)
    url = f"/collections/{ogc_layers.open}/tiles/WebMercatorQuad/15/{y}/{x}"
    first = ogc_client.get(url)
    assert first.headers["cache-control"].startswith("public, max-age=")
    etag = first.headers["etag"]
    again = ogc_client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    other = ogc_client.get(url.replace(f"/{x}", f"/{x + 1}"), headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_keyed_callers_tiles_stay_out_of_shared_caches(
    engine: Engine, ogc_client: TestClient, ogc_layers: OgcLayers, centre: tuple[float, float]
) -> None:
    """Staff read the raw table at the same URL as everyone else: their tile is private."""
    with engine.begin() as conn:
        _, token = create_key(conn, "staff", label="tile cache test")
    x, y = _tile_of(*centre, 15)
    url = f"/collections/{ogc_layers.open}/tiles/WebMercatorQuad/15/{y}/{x}"
    staff = ogc_client.get(url, headers={"X-API-Key": token})
    assert staff.status_code == 200
    assert staff.headers["cache-control"].startswith("private, max-age=")
    assert "x-api-key" in staff.headers["vary"].lower()
    assert ogc_client.get(url).headers["cache-control"].startswith("public, max-age=")


def test_empty_and_out_of_range_tiles(ogc_client: TestClient, ogc_layers: OgcLayers) -> None:
    base = f"/collections/{ogc_layers.open}/tiles/WebMercatorQuad"
    empty = ogc_client.get(f"{base}/10/0/0")
    assert empty.status_code == 200
    assert mapbox_vector_tile.decode(empty.content) == {}
    for z, y, x in ((3, 8, 0), (3, 0, 8), (23, 0, 0), (-1, 0, 0)):
        assert ogc_client.get(f"{base}/{z}/{y}/{x}").status_code in (404, 400)


def test_low_zoom_tiles_are_capped(database_url: str, ogc_layers: OgcLayers,
                                   centre: tuple[float, float]) -> None:
    settings = app_settings(database_url).model_copy(update={"tile_max_features": 5})
    with TestClient(create_app(settings)) as client:
        x, y = _tile_of(*centre, 12)
        low = mapbox_vector_tile.decode(client.get(
            f"/collections/{ogc_layers.open}/tiles/WebMercatorQuad/12/{y}/{x}").content)
        assert 0 < len(low[ogc_layers.open]["features"]) <= 5
        x, y = _tile_of(*centre, 14)
        detail = mapbox_vector_tile.decode(client.get(
            f"/collections/{ogc_layers.open}/tiles/WebMercatorQuad/14/{y}/{x}").content)
        assert len(detail[ogc_layers.open]["features"]) > 5


def test_tileset_metadata_tilejson_and_style(ogc_client: TestClient, ogc_layers: OgcLayers,
                                             centre: tuple[float, float]) -> None:
    base = f"/collections/{ogc_layers.open}"
    tilesets = ogc_client.get(f"{base}/tiles").json()["tilesets"]
    assert tilesets[0]["tileMatrixSetURI"].endswith("WebMercatorQuad")
    tileset = ogc_client.get(f"{base}/tiles/WebMercatorQuad").json()
    template = next(link["href"] for link in tileset["links"] if link["rel"] == "item")
    assert template.endswith("{tileMatrix}/{tileRow}/{tileCol}")
    tilejson = ogc_client.get(f"{base}/tilejson.json").json()
    assert tilejson["tilejson"] == "3.0.0"
    assert tilejson["vector_layers"][0]["id"] == ogc_layers.open
    assert "CAPAKEY" in tilejson["vector_layers"][0]["fields"]
    x, y = _tile_of(*centre, 15)
    url = tilejson["tiles"][0].format(z=15, x=x, y=y)
    assert mapbox_vector_tile.decode(ogc_client.get(url).content)[ogc_layers.open]["features"]
    style = ogc_client.get(f"{base}/style.json").json()
    assert style["version"] == 8
    assert style["sources"][ogc_layers.open]["tiles"] == tilejson["tiles"]
    assert {layer["type"] for layer in style["layers"]} == {"fill", "line"}
    assert all(layer["source-layer"] == ogc_layers.open for layer in style["layers"])
    links = ogc_client.get(base).json()["links"]
    assert any(link["href"].endswith("/tiles?f=json") for link in links)


def test_pygeoapi_tile_provider_plugin(ogc_client: TestClient, ogc_layers: OgcLayers,
                                       centre: tuple[float, float]) -> None:
    """pygeoapi loads TwinMVTProvider by dotted path: tileset links and pages come from it,
    and its tiles are the fast route's tiles, byte for byte."""
    base = f"/collections/{ogc_layers.open}"
    links = ogc_client.get(base).json()["links"]
    tilesets = [link for link in links
                if link["rel"] == "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"]
    assert {link["type"] for link in tilesets} == {"application/json", "text/html"}
    assert len(tilesets) == 2
    page = ogc_client.get(f"{base}/tiles", params={"f": "html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert ogc_client.get(f"{base}/tiles/WebMercatorQuad", params={"f": "html"}).status_code \
        == 200
    context = ogc_client.app.state.ogc  # type: ignore[attr-defined]
    api = context.core.api_for(context.catalog.visible(ANONYMOUS))
    definition = next(p for p in api.config["resources"][ogc_layers.open]["providers"]
                      if p["type"] == "tile")
    assert definition["name"] == "twin.ogc.mvt_provider.TwinMVTProvider"
    provider = load_plugin("provider", definition)
    x, y = _tile_of(*centre, 15)
    encoded = provider.get_tiles(ogc_layers.open, "WebMercatorQuad", 15, y, x, "mvt")
    served = ogc_client.get(f"{base}/tiles/WebMercatorQuad/15/{y}/{x}").content
    assert encoded == served
    assert mapbox_vector_tile.decode(encoded)[ogc_layers.open]["features"]


@pytest.mark.parametrize("z", [14, 15, 16, 17])
def test_unclipped_features_match_st_asmvtgeom(database_url: str, ogc_client: TestClient,
                                              ogc_layers: OgcLayers,
                                              centre: tuple[float, float], z: int) -> None:
    """Features inside the buffered tile skip Wagyu (tiles.mvt): the same features, attributes
    and shapes as ST_AsMVTGeom gives them, up to its sub-unit repair of snapped vertices."""
    x, y = _tile_of(*centre, z)
    url = f"/collections/{ogc_layers.open}/tiles/WebMercatorQuad/{z}/{y}/{x}"
    settings = app_settings(database_url).model_copy(update={"tile_exact_geometry": True})
    as_encoded = {"y_coord_down": True}  # tile units as written, so ring winding is kept
    with TestClient(create_app(settings)) as exact_client:
        exact = mapbox_vector_tile.decode(exact_client.get(url).content,
                                          default_options=as_encoded)[ogc_layers.open]
    fast = mapbox_vector_tile.decode(ogc_client.get(url).content,
                                     default_options=as_encoded)[ogc_layers.open]
    by_id = {f["id"]: f for f in exact["features"]}
    assert {f["id"] for f in fast["features"]} == set(by_id)
    identical = 0
    for feature in fast["features"]:
        reference = by_id[feature["id"]]
        assert feature["properties"] == reference["properties"]
        assert feature["geometry"]["type"] == reference["geometry"]["type"]
        ours, theirs = shape(feature["geometry"]), shape(reference["geometry"])
        identical += ours.equals(theirs)
        assert _windings(ours) == _windings(theirs)  # exterior rings as the MVT spec wants
        # Wagyu removes the odd one-unit spike of a snapped outline; a shifted or mirrored
        # outline would differ by far more than an eighth of its length
        assert ours.symmetric_difference(theirs).area <= theirs.length / 8
    assert identical >= 0.75 * len(fast["features"])  # the rest differ by such a spike


def _windings(geometry: Any) -> list[bool]:
    parts = getattr(geometry, "geoms", [geometry])
    return [part.exterior.is_ccw for part in parts]


def _dumbbells(path: Path) -> Path:
    """Two 20 m squares joined by a 5 cm wide corridor, eight times at shifted offsets: on
    the tile grid (0.3 m at z15) the corridor's edges snap together, a ring touching itself."""
    features = []
    for k in range(8):
        x0, y0, w = 173_000.0 + 60 * k, 174_000.0 + 0.037 * k, 0.05
        ring = [(0, 0), (20, 0), (20, 10), (26, 10), (26, 0), (46, 0), (46, 20), (26, 20),
                (26, 10 + w), (20, 10 + w), (20, 20), (0, 20), (0, 0)]
        features.append({"type": "Feature", "properties": {"k": k}, "geometry": {
            "type": "Polygon", "coordinates": [[[x0 + x, y0 + y] for x, y in ring]]}})
    path.write_text(json.dumps({
        "type": "FeatureCollection", "features": features,
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31370"}}}))
    return path


@pytest.mark.parametrize("z", [15, 16])
def test_tiles_hold_only_valid_polygons(engine: Engine, ogc_client: TestClient,
                                        tmp_path: Path, z: int) -> None:
    """A snapped outline that crosses itself goes through ST_AsMVTGeom's repair: the MVT
    spec wants valid polygons, and the unclipped path alone would break that here."""
    layer_id = f"dumbbells_{z}_{abs(hash(str(tmp_path))) % 10**6}"
    ingest(engine, layer_id, _dumbbells(tmp_path / "dumbbells.geojson"))
    extent = json.loads(ogc_client.get(f"/collections/{layer_id}?f=json").text)["extent"]
    west, south, east, north = extent["spatial"]["bbox"][0]
    x, y = _tile_of((west + east) / 2, (south + north) / 2, z)
    response = ogc_client.get(f"/collections/{layer_id}/tiles/WebMercatorQuad/{z}/{y}/{x}")
    assert response.status_code == 200
    layer = mapbox_vector_tile.decode(response.content,
                                      default_options={"y_coord_down": True})[layer_id]
    assert layer["features"]
    for feature in layer["features"]:
        assert shape(feature["geometry"]).is_valid, feature["properties"]
