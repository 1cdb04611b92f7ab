"""LiDAR ingest on a real PostGIS with the real Delft, Montpellier and lidarprod files."""

from __future__ import annotations

from pathlib import Path

import laspy
import pytest
from lidar_support import (
    DELFT,
    LIDARPROD,
    MONTPELLIER,
    copy_with_crs,
    corrupt_copy,
    lidar_spec,
    truncated_copy,
)
from sqlalchemy import Engine, text

from gis import registry
from gis.errors import IngestError, LayerNotFound
from gis.lidar import sql
from gis.lidar.crs import parse_given_crs
from gis.lidar.index import IndexedFile, indexed_files
from gis.lidar.ingest import ingest_lidar

NAP = parse_given_crs("EPSG:28992+5709")


def _assert_not_registered(engine: Engine, layer_id: str) -> None:
    with engine.connect() as conn:
        with pytest.raises(LayerNotFound):
            registry.get_layer(conn, layer_id)
        assert sql.files_of(conn, layer_id) == []


def test_delft_files_are_indexed_with_statistics(engine: Engine, layer_id: str) -> None:
    result = ingest_lidar(engine, lidar_spec(layer_id), DELFT, crs=NAP)
    assert result.version == 1
    assert result.point_count == 640510 + 208432
    with engine.connect() as conn:
        layer = registry.get_layer(conn, layer_id)
        rows = sql.files_of(conn, layer_id)
        srids = conn.execute(text(
            "SELECT ST_SRID(footprint), ST_SRID(footprint_4326), ST_Area(footprint),"
            " ST_X(ST_Centroid(footprint_4326)), ST_Y(ST_Centroid(footprint_4326))"
            " FROM twin.lidar_file WHERE layer_id = :l ORDER BY path"), {"l": layer_id}).all()
    with engine.connect() as conn:
        indexed = indexed_files(conn, layer_id)
    assert set(indexed[0]) == set(IndexedFile.__annotations__)  # the typed record is whole
    assert layer.spec.kind == "lidar"
    assert layer.storage_srid == 28992
    assert layer.feature_count == 848942
    first = rows[0]
    assert first["point_count"] == 640510
    assert first["crs"] == "EPSG:28992+5709"
    assert first["classification"] == {"1": 196137, "2": 195988, "6": 246753, "9": 267,
                                       "26": 1365}
    assert sum(first["returns"].values()) == 640510
    assert first["min_z"] == pytest.approx(-0.568)
    assert first["max_z"] == pytest.approx(19.398)
    assert 10 < first["density"] < 25
    assert len(first["checksum"]) == 64
    assert srids[0][0] == 28992
    assert srids[0][1] == 4326
    assert 35000 < srids[0][2] < 43700  # footprint excludes empty cells, inside the bbox
    assert 4.35 < srids[0][3] < 4.37
    assert 52.0 < srids[0][4] < 52.02


def test_reingesting_the_same_files_changes_nothing(engine: Engine, layer_id: str) -> None:
    ingest_lidar(engine, lidar_spec(layer_id), DELFT, crs=NAP)
    again = ingest_lidar(engine, lidar_spec(layer_id), DELFT, crs=NAP)
    assert again.version == 1
    assert not again.changed
    assert len(again.unchanged) == 2
    with engine.connect() as conn:
        assert len(registry.history(conn, layer_id)) == 1
        assert len(sql.files_of(conn, layer_id)) == 2


def test_an_updated_file_replaces_its_row_and_publishes_a_version(
    engine: Engine, layer_id: str, tmp_path: Path
) -> None:
    target = tmp_path / "tile.laz"
    target.write_bytes(DELFT[1].read_bytes())
    ingest_lidar(engine, lidar_spec(layer_id), [target], crs=NAP)
    las = laspy.read(DELFT[1])
    las.points = las.points[:1000]
    las.write(target)
    result = ingest_lidar(engine, lidar_spec(layer_id), [target], crs=NAP)
    assert result.replaced == [str(target.resolve())]
    assert result.version == 2
    with engine.connect() as conn:
        rows = sql.files_of(conn, layer_id)
    assert [r["point_count"] for r in rows] == [1000]


def test_french_files_take_the_wkt_and_the_given_vertical_datum(
    engine: Engine, layer_id: str
) -> None:
    result = ingest_lidar(engine, lidar_spec(layer_id), MONTPELLIER,
                          crs=parse_given_crs("EPSG:2154+5720"))
    assert result.crs.text == "EPSG:2154+5720"
    with engine.connect() as conn:
        rows = sql.files_of(conn, layer_id)
    assert len(rows) == 6
    assert {r["point_format"] for r in rows} == {8}
    assert all(r["has_rgb"] and r["las_version"] == "1.4" for r in rows)


def test_lidarprod_file_declares_lambert93_itself(engine: Engine, layer_id: str) -> None:
    result = ingest_lidar(engine, lidar_spec(layer_id), LIDARPROD)
    assert result.crs.text == "EPSG:2154"
    with engine.connect() as conn:
        row = sql.files_of(conn, layer_id)[0]
    assert row["point_count"] == 70840
    assert "PredictedClassification" in row["extra"]["extra_dimensions"]


def test_a_contradicting_crs_is_refused(engine: Engine, layer_id: str) -> None:
    with pytest.raises(IngestError, match="declares EPSG:2154 but --crs says EPSG:28992"):
        ingest_lidar(engine, lidar_spec(layer_id), LIDARPROD, crs=NAP)
    _assert_not_registered(engine, layer_id)


def test_a_file_without_crs_is_refused(engine: Engine, layer_id: str) -> None:
    with pytest.raises(IngestError, match=r"ahn3_cropped_1\.laz: the file declares no CRS"):
        ingest_lidar(engine, lidar_spec(layer_id), DELFT)
    _assert_not_registered(engine, layer_id)


def test_mixed_crss_are_refused(engine: Engine, layer_id: str, tmp_path: Path) -> None:
    dutch = copy_with_crs(DELFT[1], tmp_path / "dutch.laz", "EPSG:28992")
    with pytest.raises(IngestError, match=r"LA93_IGN69\.laz: CRS EPSG:2154 differs from "
                       "EPSG:28992 of the layer's other files; one layer holds one CRS"):
        ingest_lidar(engine, lidar_spec(layer_id), [dutch, MONTPELLIER[0]])
    _assert_not_registered(engine, layer_id)


def test_a_batch_unlike_the_layer_is_refused(engine: Engine, layer_id: str) -> None:
    ingest_lidar(engine, lidar_spec(layer_id), MONTPELLIER[:1],
                 crs=parse_given_crs("EPSG:2154+5720"))
    with pytest.raises(IngestError, match="differs from EPSG:2154\\+5720"):
        ingest_lidar(engine, lidar_spec(layer_id), LIDARPROD)
    with engine.connect() as conn:
        assert len(sql.files_of(conn, layer_id)) == 1


def test_truncated_file_is_refused_and_nothing_registered(
    engine: Engine, layer_id: str, tmp_path: Path
) -> None:
    bad = truncated_copy(copy_with_crs(DELFT[0], tmp_path / "whole.laz", "EPSG:28992"),
                         tmp_path / "truncated.laz")
    with pytest.raises(IngestError, match=r"truncated\.laz: .*(truncated|corrupt)"):
        ingest_lidar(engine, lidar_spec(layer_id), [DELFT[1], bad], crs=NAP)
    _assert_not_registered(engine, layer_id)


def test_corrupt_file_is_refused(engine: Engine, layer_id: str, tmp_path: Path) -> None:
    bad = corrupt_copy(DELFT[1], tmp_path / "corrupt.laz")
    with pytest.raises(IngestError, match=r"corrupt\.laz"):
        ingest_lidar(engine, lidar_spec(layer_id), [bad], crs=NAP)
    _assert_not_registered(engine, layer_id)


def test_unreadable_header_and_missing_file_are_refused(
    engine: Engine, layer_id: str, tmp_path: Path
) -> None:
    bad = tmp_path / "notlas.laz"
    bad.write_bytes(b"this is not a LAS file" * 100)
    with pytest.raises(IngestError, match=r"notlas\.laz: unreadable LAS/LAZ header"):
        ingest_lidar(engine, lidar_spec(layer_id), [bad], crs=NAP)
    with pytest.raises(IngestError, match=r"missing\.laz: file not found"):
        ingest_lidar(engine, lidar_spec(layer_id), [tmp_path / "missing.laz"], crs=NAP)
    _assert_not_registered(engine, layer_id)


def test_coordinates_outside_the_crs_area_are_refused(engine: Engine, layer_id: str) -> None:
    with pytest.raises(IngestError, match=r"cropped_1\.laz: .*outside the area of use of "
                       "EPSG:2154"):
        ingest_lidar(engine, lidar_spec(layer_id), DELFT, crs=parse_given_crs("EPSG:2154+5720"))
    _assert_not_registered(engine, layer_id)
