"""Source detection, layer choice, columns and the COPY serialisation (no database)."""

from __future__ import annotations

import json
import warnings
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyogrio
import pytest

from gis.errors import IngestError
from gis.ingest import osm, pgbinary
from gis.ingest.columns import Column, check_text, find_id_column, plan_columns, sql_type
from gis.ingest.sources import (
    BATCH_BYTES,
    MIN_BATCH,
    batches,
    choose_layer,
    gdal_path,
    geojson_batch,
    open_source,
    source_kind,
)
from gis.model import LayerSpec
from gis.schema import object_name

DATA = Path(__file__).resolve().parents[2] / "data"
EPINAY = DATA / "epinay_fr" / "epinay-sur-orge_cadastre-91216-parcelles.json"


def _spec(**extra: object) -> LayerSpec:
    return LayerSpec.model_validate({
        "id": "t", "title": {"en": "t"}, "producer": "p", "licence": "CC0",
        "contact_point": {"name": "n", "email": "n@example.org"}, "update_frequency": "ANNUAL",
        **extra})


@pytest.mark.parametrize(("name", "kind", "gdal"), [
    ("krems.osm.gz", "osm", "/vsigzip/"), ("x.osm.pbf", "osm", ""), ("a.csv", "csv", ""),
    ("a.gpkg", "ogr", ""), ("zoning.gml", "ogr", ""), ("a.geojson.gz", "ogr", "/vsigzip/"),
    ("shapes.zip", "ogr", "/vsizip/"),
])
def test_kind_and_gdal_path(name: str, kind: str, gdal: str) -> None:
    path = Path("/data") / name
    assert source_kind(path) == kind
    assert gdal_path(path) == f"{gdal}{path}"


def test_choose_layer() -> None:
    layers = [("Address", "Point"), ("ThoroughfareName", None), ("AdminUnitName", None)]
    assert choose_layer("f.gml", layers, None) == "Address"
    assert choose_layer("f.gml", layers, "ThoroughfareName") == "ThoroughfareName"
    with pytest.raises(IngestError, match="no layer 'nope'; layers: Address"):
        choose_layer("f.gml", layers, "nope")
    with pytest.raises(IngestError, match=r"2 layers .*set source_layer"):
        choose_layer("f.gpkg", [("a", "Point"), ("b", "Polygon")], None)


def test_open_source_reads_metadata_only() -> None:
    source = open_source(DATA / "leuven_be/leuven_fpsfinance_cadastral_parcel_13.gml", _spec())
    assert source.crs == "EPSG:3812"
    assert source.parts[0].layer == "Cadastral_parcel"
    assert source.open_options == {"WRITE_GFS": "NO"}


def test_a_geojson_file_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """GDAL parses a GeoJSON file whole on every open: the metadata comes from the stream
    that then reads the features, not from a separate ``read_info``."""
    def second_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the GeoJSON file was opened twice")

    monkeypatch.setattr(pyogrio, "read_info", second_open)
    monkeypatch.setattr(pyogrio, "list_layers", second_open)
    source = open_source(EPINAY, _spec())
    assert (source.crs, source.declared_type, source.feature_estimate) == (
        "EPSG:4326", "Polygon", None)
    assert source.parts[0].layer is None
    assert sum(batch.num_rows for batch in batches(source)) == 4241
    with pytest.raises(RuntimeError, match="read or closed already"):
        list(batches(source))
    source.close()  # idempotent once read


def test_geojson_batches_follow_the_size_of_the_features(tmp_path: Path) -> None:
    """Its count unknown before reading, a GeoJSON file's batches are sized from its first
    features: large polygons make small batches (memory stays bounded), small ones big."""
    assert geojson_batch(EPINAY) == pytest.approx(BATCH_BYTES / 535, rel=0.05)
    ring = [[4.7 + 0.0001 * (i % 90), 50.88 + 0.0001 * (i // 90)] for i in range(180)]
    ring.append(ring[0])
    detailed = tmp_path / "detailed.geojson"
    detailed.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"n": n},
         "geometry": {"type": "Polygon", "coordinates": [ring]}} for n in range(6000)]}),
        encoding="utf-8")
    assert geojson_batch(detailed) == MIN_BATCH
    first = next(batches(open_source(detailed, _spec())))
    assert first.num_rows == MIN_BATCH


def test_an_unread_geojson_source_closes() -> None:
    source = open_source(EPINAY, _spec())
    source.close()
    source.close()
    with pytest.raises(RuntimeError, match="read or closed already"):
        list(batches(source))


def test_an_unreadable_geojson_file_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "parcels.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(IngestError, match=r"parcels\.geojson: not a readable vector file"):
        open_source(broken, _spec())


def test_osm_facilities_stream_points_with_unique_ids() -> None:
    source = open_source(DATA / "krems_at/krems_at.osm.gz", _spec(osm_mapping="facilities"))
    assert [p.layer for p in source.parts] == ["points", "multipolygons"]
    rows = [row for batch in batches(source) for row in batch.to_pylist()]
    assert {r["osm_id"].split("/")[0] for r in rows} == {"node", "way", "relation"}
    assert all(r["category"] in osm.AMENITIES + osm.LEISURES for r in rows)
    assert all(r["wkb_geometry"][1] == 1 for r in rows)  # WKB type 1: Point


def test_a_json_file_with_several_layers_asks_which(tmp_path: Path) -> None:
    """A .json file is not always one GeoJSON layer: a TopoJSON holds several objects, and
    loading the first one silently would lose the others."""
    topology = tmp_path / "quarters.json"
    topology.write_text(json.dumps({"type": "Topology", "arcs": [], "objects": {
        name: {"type": "GeometryCollection",
               "geometries": [{"type": "Point", "coordinates": [4.7, 50.88]}]}
        for name in ("north", "south")}}), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pyogrio: "more than one layer found"
        with pytest.raises(IngestError, match=r"2 layers \(north, south\): set source_layer"):
            open_source(topology, _spec())
        assert open_source(topology, _spec(source_layer="south")).parts[0].layer == "south"


def test_open_source_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"missing\.gpkg: file not found"):
        open_source(tmp_path / "missing.gpkg", _spec())
    garbage = tmp_path / "garbage.shp"
    garbage.write_bytes(b"\x00" * 50)
    with pytest.raises(IngestError, match=r"garbage\.shp: not a readable vector file"):
        open_source(garbage, _spec())
    table = tmp_path / "table.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(IngestError, match="has no geometry: expected X/Y columns"):
        open_source(table, _spec())


def test_columns_keep_source_names_and_rename_reserved_ones() -> None:
    schema = pa.schema([
        pa.field("fid", pa.int64()), pa.field("CaPaKey", pa.string()),
        pa.field("geom", pa.string()), pa.field("x" * 80, pa.float64()),
        pa.field("x" * 70, pa.int32()), pa.field("when", pa.timestamp("ms", tz="UTC")),
        pa.field("tags", pa.list_(pa.string())),
        pa.field("wkb_geometry", pa.binary(),
                 metadata={b"ARROW:extension:name": b"geoarrow.wkb"}),
    ])
    columns = plan_columns(schema)
    assert [c.name for c in columns] == [
        "src_fid", "CaPaKey", "src_geom", "x" * 63, "x" * 61 + "_2", "when", "tags"]
    assert [c.sql_type for c in columns] == [
        "bigint", "text", "text", "double precision", "integer", "timestamptz", "jsonb"]
    assert find_id_column(columns, None) is None
    assert find_id_column(columns, "CaPaKey") == columns[1]
    assert sql_type(pa.bool_()) == "boolean"
    assert sql_type(pa.binary()) == "bytea"
    assert sql_type(pa.decimal128(20, 2)) == "text"


def test_check_text_reports_and_repairs() -> None:
    raw = pa.array([b"ok", b"caf\xe9", None, b"a\x00b"], type=pa.binary()).cast(
        pa.string(), safe=False)
    column = Column("name", "name", "text")
    fixed, issues = check_text(raw, column, lambda row: f"feature #{row + 1}")
    assert fixed.to_pylist() == ["ok", "caf\ufffd", None, "ab"]
    assert [(i.feature, i.action) for i in issues] == [
        ("feature #2", "repaired"), ("feature #4", "repaired")]
    clean = pa.array(["a", None])
    assert check_text(clean, column, str) == (clean, [])


def test_binary_copy_fields() -> None:
    assert pgbinary.payload(pa.array([1, None, -2], type=pa.int64()), "integer").to_pylist() \
        == [b"\x00\x00\x00\x01", None, b"\xff\xff\xff\xfe"]
    with_null = pgbinary.rows([pgbinary.field(pa.array([b"ab", None, b""]))]).to_pybytes()
    assert with_null == (b"\x00\x01\x00\x00\x00\x02ab" + b"\x00\x01\xff\xff\xff\xff"
                         + b"\x00\x01\x00\x00\x00\x00")
    dates = pa.array([date(2000, 1, 2), None])
    assert pgbinary.payload(dates, "date").to_pylist() == [b"\x00\x00\x00\x01", None]
    stamps = pa.array([datetime(2000, 1, 1, 0, 0, 1, tzinfo=UTC)], pa.timestamp("ms", "UTC"))
    assert pgbinary.payload(stamps, "timestamptz").to_pylist() == [
        (1_000_000).to_bytes(8, "big")]
    assert pgbinary.payload(pa.array([{"a": 1}], pa.struct([("a", pa.int64())])),
                            "jsonb").to_pylist() == [b'\x01{"a": 1}']
    rows = pgbinary.rows([pgbinary.field(pa.array([b"x", b"yz"]))]).to_pybytes()
    assert rows == b"\x00\x01\x00\x00\x00\x01x" + b"\x00\x01\x00\x00\x00\x02yz"


def test_object_names_fit_postgresql() -> None:
    long_table = "a" * 48 + "__v123456"
    name = object_name(long_table, "geom_4326_idx")
    assert len(name) <= 63
    assert name.endswith("_geom_4326_idx")
    assert object_name(long_table, "pkey") != object_name("a" * 48 + "__v123457", "pkey")
