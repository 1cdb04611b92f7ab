"""Every bad-input case: reported with file, feature and reason; the previous version intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_support import (
    count,
    feature,
    geojson,
    leuven_squares,
    load,
    rows,
    spec,
    square,
    versions,
)
from sqlalchemy import Engine

from gis import registry
from gis.errors import IngestError, QualityRejected

BOWTIE = {"type": "Polygon", "coordinates": [[[173000, 174000], [173010, 174010],
                                              [173010, 174000], [173000, 174010],
                                              [173000, 174000]]]}
LEUVEN = "urn:ogc:def:crs:EPSG::31370"


@pytest.fixture
def loaded(engine: Engine, layer_id: str, tmp_path: Path) -> str:
    """A layer at version 1 with 5 features, which every failure below must leave alone."""
    load(engine, spec(layer_id), leuven_squares(tmp_path / "good.geojson"))
    return layer_id


def assert_intact(engine: Engine, layer_id: str, error_part: str) -> None:
    assert count(engine, layer_id) == 5
    history = versions(engine, layer_id)
    assert history[0][:2] == (1, "current")
    assert history[-1][1] == "failed"
    assert error_part in (history[-1][2] or "")
    assert rows(engine, "SELECT count(*) FROM pg_tables WHERE schemaname = 'staging' "
                "AND tablename LIKE :p", p=f"{layer_id}%")[0][0] == 0


def test_invalid_geometry_is_repaired_and_counted(engine: Engine, loaded: str,
                                                  tmp_path: Path) -> None:
    source = geojson(tmp_path / "bowtie.geojson", [
        feature(square(173000, 174100), id=1), feature(BOWTIE, id=2)], crs=LEUVEN)
    result = load(engine, spec(loaded), source)
    assert result.version == 2
    assert result.quality.repaired == 1
    issue = result.quality.issues[0]
    assert (issue.code, issue.action) == ("invalid_geometry", "repaired")
    assert issue.feature == "feature #2 (id=2)"
    assert "Self-intersection" in issue.message
    assert result.geometry_type == "MultiPolygon"  # a repaired bowtie is two triangles
    assert rows(engine, f'SELECT bool_and(ST_IsValid(geom)) FROM data."{loaded}"')[0][0]  # noqa: S608
    # the report is stored with the version, issues and all
    with engine.connect() as conn:
        stored = registry.get_layer(conn, loaded).quality
    assert stored is not None
    assert stored["repaired"] == 1
    assert stored["source"] == str(source.resolve())
    assert stored["issues"][0]["feature"] == "feature #2 (id=2)"


def test_invalid_geometry_is_fatal_under_strict(engine: Engine, loaded: str,
                                                tmp_path: Path) -> None:
    source = geojson(tmp_path / "bowtie.geojson", [feature(BOWTIE, id=7)], crs=LEUVEN)
    with pytest.raises(QualityRejected) as caught:
        load(engine, spec(loaded), source, strict=True)
    message = str(caught.value)
    assert str(source) in message
    assert "feature #1 (id=7)" in message
    assert "--strict" in message
    assert_intact(engine, loaded, "invalid geometry")


def test_null_and_empty_geometries_are_rejected(engine: Engine, loaded: str,
                                                tmp_path: Path) -> None:
    source = geojson(tmp_path / "holes.geojson", [
        feature(square(173000, 174100), id=1), feature(None, id=2),
        feature({"type": "Polygon", "coordinates": []}, id=3)], crs=LEUVEN)
    result = load(engine, spec(loaded), source)
    assert result.feature_count == 1
    assert result.quality.rejected == 2
    assert {(i.code, i.feature) for i in result.quality.issues} == {
        ("null_geometry", "feature #2 (id=2)"), ("empty_geometry", "feature #3 (id=3)")}
    with pytest.raises(QualityRejected, match="no geometry"):
        load(engine, spec(loaded), source, strict=True)


def test_duplicate_ids_keep_the_first(engine: Engine, loaded: str, tmp_path: Path) -> None:
    source = geojson(tmp_path / "dups.geojson", [
        feature(square(173000, 174100), ref="A", name="first"),
        feature(square(173020, 174100), ref="B", name="other"),
        feature(square(173040, 174100), ref="A", name="second")], crs=LEUVEN)
    result = load(engine, spec(loaded, id_field="ref"), source)
    assert result.feature_count == 2
    assert result.quality.counts == {"duplicate_id": 1}
    assert result.quality.issues[0].feature == "feature #3 (id=A)"
    names = {r[0] for r in rows(engine, f'SELECT name FROM data."{loaded}"')}  # noqa: S608
    assert names == {"first", "other"}
    with pytest.raises(QualityRejected, match="already used"):
        load(engine, spec(loaded, id_field="ref"), source, strict=True)
    assert count(engine, loaded) == 2


def test_unknown_id_field_is_fatal(engine: Engine, loaded: str, tmp_path: Path) -> None:
    source = leuven_squares(tmp_path / "again.geojson")
    with pytest.raises(IngestError, match="id_field 'nope' is not a field"):
        load(engine, spec(loaded, id_field="nope"), source)
    assert_intact(engine, loaded, "id_field")


def test_mislabelled_crs_is_fatal(engine: Engine, loaded: str, tmp_path: Path) -> None:
    """Longitudes/latitudes declared as Lambert 72: every point lands far from Belgium."""
    source = tmp_path / "lonlat.csv"
    source.write_text("id,x,y\n1,4.70,50.88\n2,4.71,50.87\n3,4.72,50.86\n", encoding="utf-8")
    with pytest.raises(QualityRejected) as caught:
        load(engine, spec(loaded), source, source_crs="EPSG:31370")
    message = str(caught.value)
    assert "3 of 3 features lie outside the area of use" in message
    assert "probably wrong" in message
    assert str(source) in message
    assert_intact(engine, loaded, "outside the area of use")


def test_storage_crs_that_does_not_cover_the_data_is_fatal(engine: Engine, layer_id: str,
                                                           tmp_path: Path) -> None:
    source = tmp_path / "paris.csv"
    source.write_text("id,lon,lat\n1,2.35,48.85\n", encoding="utf-8")
    with pytest.raises(QualityRejected, match="storage CRS does not cover"):
        load(engine, spec(layer_id, storage_crs="EPSG:31370"), source, source_crs="EPSG:4326")


def test_a_few_features_outside_the_area_are_rejected(engine: Engine, loaded: str,
                                                      tmp_path: Path) -> None:
    features = [feature(square(173000 + 20 * i, 174100), id=i + 1) for i in range(5)]
    features.append(feature(square(9_000_000, 9_000_000), id=99))
    result = load(engine, spec(loaded), geojson(tmp_path / "one_far.geojson", features,
                                                 crs=LEUVEN))
    assert result.feature_count == 5
    assert [(i.code, i.feature) for i in result.quality.issues] == [
        ("outside_crs_area", "feature #6 (id=99)")]


def test_missing_crs_is_fatal_and_names_the_file(engine: Engine, loaded: str,
                                                 tmp_path: Path) -> None:
    source = tmp_path / "nocrs.csv"
    source.write_text("id,x,y\n1,173000,174000\n", encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        load(engine, spec(loaded), source)
    assert str(caught.value).startswith(f"{source}: the file has no CRS")
    assert "--crs" in str(caught.value)
    assert_intact(engine, loaded, "no CRS")


def test_shapefile_without_prj_is_fatal(engine: Engine, loaded: str, tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import box

    gpd.GeoDataFrame({"a": [1]}, geometry=[box(173000, 174000, 173010, 174010)],
                     crs="EPSG:31370").to_file(tmp_path / "noprj.shp")
    (tmp_path / "noprj.prj").unlink()
    with pytest.raises(IngestError, match=r"noprj\.shp: the file has no CRS"):
        load(engine, spec(loaded), tmp_path / "noprj.shp")
    result = load(engine, spec(loaded), tmp_path / "noprj.shp", source_crs="EPSG:31370")
    assert result.feature_count == 1


def test_mixed_geometry_types(engine: Engine, loaded: str, tmp_path: Path) -> None:
    multi = {"type": "MultiPolygon", "coordinates": [square(173100, 174100)["coordinates"]]}
    source = geojson(tmp_path / "mixed.geojson", [
        feature(square(173000, 174100), id=1), feature(multi, id=2),
        feature({"type": "Point", "coordinates": [173050, 174050]}, id=3),
        feature(square(173200, 174100), id=4)], crs=LEUVEN)
    result = load(engine, spec(loaded), source)
    assert result.geometry_type == "MultiPolygon"  # Polygon + MultiPolygon -> Multi
    assert result.feature_count == 3
    assert [(i.code, i.feature) for i in result.quality.issues] == [
        ("mixed_geometry_type", "feature #3 (id=3)")]
    assert "a Point in a MultiPolygon layer" in result.quality.issues[0].message
    with pytest.raises(QualityRejected, match="a Point in a MultiPolygon layer"):
        load(engine, spec(loaded), source, strict=True)


def test_undecodable_text_is_reported_per_feature(engine: Engine, loaded: str,
                                                  tmp_path: Path) -> None:
    source = tmp_path / "latin1.csv"
    source.write_bytes(b"id,name,x,y\n1,caf\xe9,173000,174000\n2,ok,173010,174000\n")
    result = load(engine, spec(loaded), source, source_crs="EPSG:31370")
    assert result.feature_count == 2
    issue = result.quality.issues[0]
    assert (issue.code, issue.feature, issue.action) == ("bad_text", "feature #1", "repaired")
    assert "field 'name'" in issue.message
    names = [r[0] for r in rows(engine, f'SELECT name FROM data."{loaded}" ORDER BY fid')]  # noqa: S608
    assert names == ["caf\ufffd", "ok"]
    with pytest.raises(QualityRejected, match="not UTF-8"):
        load(engine, spec(loaded), source, source_crs="EPSG:31370", strict=True)


def test_geojson_that_is_not_utf8_is_reported(engine: Engine, loaded: str,
                                              tmp_path: Path) -> None:
    source = tmp_path / "latin1.geojson"
    source.write_bytes(b'{"type":"FeatureCollection","features":[{"type":"Feature",'
                       b'"properties":{"name":"Leuven"},"geometry":{"type":"Point",'
                       b'"coordinates":[4.7,50.88]}},{"type":"Feature",'
                       b'"properties":{"name":"caf\xe9"},"geometry":{"type":"Point",'
                       b'"coordinates":[4.7,50.8]}}]}')
    result = load(engine, spec(loaded), source)
    assert [(i.code, i.feature) for i in result.quality.issues] == [("bad_text", "feature #2")]
    with pytest.raises(QualityRejected, match="feature #2: field 'name': bytes that are not"):
        load(engine, spec(loaded), source, strict=True)


@pytest.mark.parametrize("content", [b"\x00\x01garbage" * 100, b"", b"SQLite format 3\x00junk"],
                         ids=["binary", "empty", "sqlite-header"])
def test_garbage_file(engine: Engine, loaded: str, tmp_path: Path, content: bytes) -> None:
    source = tmp_path / "broken.gpkg"
    source.write_bytes(content)
    with pytest.raises(IngestError, match=r"broken\.gpkg: not a readable vector file"):
        load(engine, spec(loaded), source)
    assert_intact(engine, loaded, "not a readable vector file")


def test_truncated_file(engine: Engine, loaded: str, tmp_path: Path, data_dir: Path) -> None:
    text = (data_dir / "leuven_be/leuven_grb_adp_parcels_321.geojson").read_bytes()
    source = tmp_path / "cut.geojson"
    source.write_bytes(text[: len(text) // 2])
    with pytest.raises(IngestError, match=r"cut\.geojson"):
        load(engine, spec(loaded), source)
    assert_intact(engine, loaded, "cut.geojson")


def test_missing_file(engine: Engine, loaded: str, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"nowhere\.gpkg: file not found"):
        load(engine, spec(loaded), tmp_path / "nowhere.gpkg")
    assert_intact(engine, loaded, "file not found")


def test_nothing_to_load_is_fatal(engine: Engine, loaded: str, tmp_path: Path) -> None:
    source = geojson(tmp_path / "empty.geojson", [feature(None, id=1)], crs=LEUVEN)
    with pytest.raises(QualityRejected, match="no feature left to load"):
        load(engine, spec(loaded), source)
    assert_intact(engine, loaded, "no feature left")


def test_reserved_and_z_columns(engine: Engine, layer_id: str, tmp_path: Path) -> None:
    source = geojson(tmp_path / "z.geojson", [
        feature({"type": "Point", "coordinates": [173000, 174000, 31.5]}, fid="x", geom="y")],
        crs=LEUVEN)
    result = load(engine, spec(layer_id), source)
    assert result.quality.counts == {"z_dropped": 1}
    got = rows(engine, f'SELECT fid, src_fid, src_geom, ST_NDims(geom) FROM data."{layer_id}"')  # noqa: S608
    assert got == [(1, "x", "y", 2)]
