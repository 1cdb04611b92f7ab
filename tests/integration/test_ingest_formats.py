"""Every input format on the real sample data, loaded into a real PostGIS (data contract)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_support import DATA, count, load, rows, spec
from sqlalchemy import Engine

from gis import registry


def _columns(engine: Engine, layer_id: str) -> dict[str, str]:
    found = rows(engine, "SELECT column_name, udt_name FROM information_schema.columns "
                 "WHERE table_schema = 'data' AND table_name = :t", t=layer_id)
    return {name: kind for name, kind in found}


def _geometry_columns(engine: Engine, layer_id: str) -> dict[str, tuple[str, int]]:
    found = rows(engine, "SELECT f_geometry_column, type, srid FROM geometry_columns "
                 "WHERE f_table_schema = 'data' AND f_table_name = :t", t=layer_id)
    return {name: (kind, srid) for name, kind, srid in found}


def test_delft_bgt_sqlite_in_rd_new(engine: Engine, layer_id: str) -> None:
    result = load(engine, spec(layer_id, storage_crs="EPSG:28992"),
                  DATA / "delft/bgt/bgt_pand.sqlite")
    assert result.feature_count == 160
    assert count(engine, layer_id) == 160
    assert _geometry_columns(engine, layer_id) == {
        "geom": ("MULTIPOLYGON", 28992), "geom_4326": ("MULTIPOLYGON", 4326),
        "geom_3857": ("MULTIPOLYGON", 3857)}
    indexes = {r[0] for r in rows(engine, "SELECT indexdef FROM pg_indexes WHERE "
                                  "schemaname = 'data' AND tablename = :t", t=layer_id)}
    assert sum("USING gist" in d for d in indexes) == 3
    assert any("(fid)" in d and "UNIQUE" in d for d in indexes)
    # the derived columns are the same place: Delft, within a few millimetres
    gap = rows(engine, f'SELECT max(ST_Distance(ST_Transform(geom_4326, 28992), geom)) '  # noqa: S608
               f'FROM data."{layer_id}"')[0][0]
    assert gap < 0.01


def test_leuven_geojson_with_id_field(engine: Engine, layer_id: str) -> None:
    result = load(engine, spec(layer_id, id_field="OIDN"),
                  DATA / "leuven_be/leuven_grb_adp_parcels_321.geojson")
    assert result.feature_count == 321
    assert result.quality.rejected == 0
    columns = _columns(engine, layer_id)
    assert {"fid", "OIDN", "CAPAKEY", "geom", "geom_4326", "geom_3857"} <= columns.keys()
    with engine.connect() as conn:
        layer = registry.get_layer(conn, layer_id)
    assert layer.current_version == 1
    assert layer.feature_count == 321
    assert layer.extent is not None
    assert layer.extent_4326 is not None
    west, south, east, north = layer.extent_4326
    assert 4.6 < west < east < 4.8
    assert 50.8 < south < north < 50.95


def test_leuven_fps_finance_gml_in_lambert_2008(engine: Engine, layer_id: str) -> None:
    """The federal WFS answer is EPSG:3812; stored in Lambert 72 through the BD72 grid."""
    result = load(engine, spec(layer_id, storage_crs="EPSG:31370"),
                  DATA / "leuven_be/leuven_fpsfinance_cadastral_parcel_13.gml")
    assert result.feature_count == 13
    assert result.storage_srid == 31370
    capakeys = rows(engine, f'SELECT "CaPaKey" FROM data."{layer_id}"')  # noqa: S608
    assert all(len(key) > 10 for (key,) in capakeys)
    west, south, east, north = rows(
        engine, f'SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM '  # noqa: S608
        f'(SELECT ST_Extent(geom) AS e FROM data."{layer_id}") x')[0]
    # Heverlee (Leuven) in Lambert 72 (in Lambert 2008 it is some 500 km away)
    assert 172700 < west < east < 173000
    assert 171300 < south < north < 171700


def test_epinay_geojson_stored_in_lambert_93(engine: Engine, layer_id: str) -> None:
    result = load(engine, spec(layer_id, storage_crs="EPSG:2154"),
                  DATA / "epinay_fr/epinay-sur-orge_cadastre-91216-parcelles.json")
    assert result.feature_count == 4241
    assert result.storage_srid == 2154
    assert _geometry_columns(engine, layer_id)["geom"] == ("POLYGON", 2154)
    x, y = rows(engine, f'SELECT ST_X(ST_Centroid(ST_Collect(geom))), '  # noqa: S608
                f'ST_Y(ST_Centroid(ST_Collect(geom))) FROM data."{layer_id}"')[0]
    assert 648000 < x < 652000
    assert 6839000 < y < 6844000


def test_krems_osm_roads(engine: Engine, layer_id: str) -> None:
    result = load(engine, spec(layer_id, osm_mapping="roads", storage_crs="EPSG:32633"),
                  DATA / "krems_at/krems_at.osm.gz")
    assert result.feature_count == 836
    assert result.geometry_type == "LineString"
    columns = _columns(engine, layer_id)
    assert {"osm_id", "name", "highway", "ref", "oneway", "maxspeed", "surface",
            "lanes"} <= columns.keys()
    kinds = dict(rows(engine, f'SELECT highway, count(*) FROM data."{layer_id}" '  # noqa: S608
                      'GROUP BY highway'))
    assert kinds["residential"] > 50
    assert rows(engine, f'SELECT count(*) FROM data."{layer_id}" '  # noqa: S608
                "WHERE osm_id NOT LIKE 'way/%'")[0][0] == 0


def test_krems_osm_facilities(engine: Engine, layer_id: str) -> None:
    result = load(engine, spec(layer_id, osm_mapping="facilities", storage_crs="EPSG:32633"),
                  DATA / "krems_at/krems_at.osm.gz")
    assert result.geometry_type == "Point"
    found = dict(rows(engine, f'SELECT category, count(*) FROM data."{layer_id}" '  # noqa: S608
                      "GROUP BY category"))
    assert found["school"] == 9
    assert found["townhall"] == 1
    assert found["swimming_pool"] == 2
    assert found["sports_centre"] == 9
    assert found["hospital"] == 2
    assert "pitch" not in found
    assert "parking" not in found
    inside = rows(engine, f'SELECT bool_and(ST_X(geom_4326) BETWEEN 15.59 AND 15.68 AND '  # noqa: S608
                  f'ST_Y(geom_4326) BETWEEN 48.38 AND 48.42) FROM data."{layer_id}"')[0][0]
    assert inside
    ids = [r[0] for r in rows(engine, f'SELECT osm_id FROM data."{layer_id}"')]  # noqa: S608
    assert len(set(ids)) == len(ids)
    assert {i.split("/")[0] for i in ids} >= {"node", "way"}


def test_tenerife_inspire_gml(engine: Engine, layer_id: str) -> None:
    result = load(engine, spec(layer_id, storage_crs="EPSG:32628"),
                  DATA / "tenerife_es/zoning.gml")
    assert result.feature_count == 241
    assert result.storage_srid == 32628
    assert result.geometry_type == "MultiPolygon"
    # eight real self-intersecting zonings, repaired and named
    assert result.quality.counts.get("invalid_geometry") == result.quality.repaired > 0
    assert all(i.feature and i.feature.startswith("feature #") for i in result.quality.issues)
    assert rows(engine, f'SELECT bool_and(ST_IsValid(geom)) FROM data."{layer_id}"')[0][0]  # noqa: S608
    columns = _columns(engine, layer_id)
    assert {"gml_id", "localId", "beginLifespanVersion"} <= columns.keys()


def test_tenerife_inspire_addresses_choose_the_spatial_layer(engine: Engine, layer_id: str) -> None:
    result = load(engine, spec(layer_id, storage_crs="EPSG:32628"),
                  DATA / "tenerife_es/address.gml")
    assert result.feature_count == 14
    assert result.geometry_type == "Point"


def test_tenerife_geopackage(engine: Engine, layer_id: str) -> None:
    result = load(engine, spec(layer_id, storage_crs="EPSG:32628"),
                  DATA / "tenerife_es/parcel.gpkg")
    # the file's gpkg_ogr_contents says 264; the table holds 186 parcels, read once each
    assert result.feature_count == 186
    assert result.quality.features_read == 186


def test_tenerife_geopackage_real_duplicate_ids(engine: Engine, layer_id: str) -> None:
    result = load(engine, spec(layer_id, storage_crs="EPSG:32628"),
                  DATA / "tenerife_es/cons.gpkg")
    assert result.quality.features_read == 722
    assert result.quality.counts["duplicate_id"] == 316
    assert result.feature_count == 406


def test_csv_with_coordinate_columns(engine: Engine, layer_id: str, tmp_path: Path) -> None:
    source = tmp_path / "points.csv"
    source.write_text("id,name,x,y,height\n1,town hall,173500.5,174200.25,12.5\n"
                      "2,library,173600,174300,8\n3,,173700,174400,\n", encoding="utf-8")
    result = load(engine, spec(layer_id), source, source_crs="EPSG:31370")
    assert result.feature_count == 3
    assert result.geometry_type == "Point"
    columns = _columns(engine, layer_id)
    assert columns["height"] == "float8"
    assert "x" not in columns
    got = rows(engine, f'SELECT id, name, ST_X(geom), ST_Y(geom) FROM data."{layer_id}" '  # noqa: S608
               "ORDER BY fid")
    assert got[0] == (1, "town hall", 173500.5, 174200.25)
    assert got[2][1] is None


def test_csv_with_wkt(engine: Engine, layer_id: str, tmp_path: Path) -> None:
    source = tmp_path / "zones.csv"
    source.write_text(
        'code,WKT\nA,"POLYGON ((650000 670000,650100 670000,650100 670100,650000 670000))"\n'
        'B,"MULTIPOLYGON (((650200 670000,650300 670000,650300 670100,650200 670000)))"\n',
        encoding="utf-8")
    result = load(engine, spec(layer_id), source, source_crs="EPSG:3812")
    assert result.feature_count == 2
    assert result.geometry_type == "MultiPolygon"
    assert result.storage_srid == 31370


def test_shapefile(engine: Engine, layer_id: str, tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import MultiPolygon, box

    frame = gpd.GeoDataFrame(
        {"code": ["a", "b", "c"]},
        geometry=[box(173000, 174000, 173010, 174010),
                  MultiPolygon([box(173020, 174000, 173030, 174010),
                                box(173040, 174000, 173050, 174010)]),
                  box(173060, 174000, 173070, 174010)],
        crs="EPSG:31370")
    frame.to_file(tmp_path / "parcels.shp")
    result = load(engine, spec(layer_id), tmp_path / "parcels.shp")
    # Shapefiles declare Polygon and hold multi-parts: the layer is promoted to Multi
    assert result.geometry_type == "MultiPolygon"
    assert result.feature_count == 3
    assert _geometry_columns(engine, layer_id)["geom"] == ("MULTIPOLYGON", 31370)


@pytest.mark.parametrize("mapping", ["roads", "facilities"])
def test_osm_needs_mapping_and_mapping_needs_osm(engine: Engine, layer_id: str,
                                                 mapping: str) -> None:
    from gis.errors import IngestError

    with pytest.raises(IngestError, match="osm_mapping"):
        load(engine, spec(layer_id, storage_crs="EPSG:32633"), DATA / "krems_at/krems_at.osm.gz")
    with pytest.raises(IngestError, match=r"needs an \.osm"):
        load(engine, spec(layer_id, osm_mapping=mapping),
             DATA / "leuven_be/leuven_grb_adp_capakey_408.geojson")


def test_attribute_types_round_trip(engine: Engine, layer_id: str, tmp_path: Path) -> None:
    """Binary COPY of every type GDAL hands over: values read back equal, nulls stay null."""
    from datetime import UTC, date, datetime

    from ingest_support import feature, geojson, square

    source = geojson(tmp_path / "types.geojson", [
        feature(square(173000, 174000), n=1, big=2**40, x=1.5, ok=True, name="één",
                day="2024-05-01", at="2024-05-01T12:30:00Z", tags=["a", "b"], blank=""),
        feature(square(173020, 174000), n=None, big=None, x=None, ok=None, name=None,
                day=None, at=None, tags=None, blank=None),
    ], crs="urn:ogc:def:crs:EPSG::31370")
    load(engine, spec(layer_id), source)
    columns = _columns(engine, layer_id)
    assert columns["n"] == "int4"
    assert columns["big"] == "int8"
    assert columns["x"] == "float8"
    assert columns["ok"] == "bool"
    assert columns["day"] == "date"
    assert columns["at"] == "timestamptz"
    got = rows(engine, f'SELECT n, big, x, ok, name, day, at, tags, blank FROM '  # noqa: S608
               f'data."{layer_id}" ORDER BY fid')
    first = tuple(got[0])
    assert first[:6] == (1, 2**40, 1.5, True, "één", date(2024, 5, 1))
    assert first[6] == datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    assert first[7] in (["a", "b"], '["a","b"]', '[ "a", "b" ]')
    assert first[8] == ""
    assert tuple(got[1]) == (None,) * 9
