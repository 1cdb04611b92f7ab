"""The vectorised geometry steps of the ingest (no database)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
import shapely

from gis.ingest import geometry as geo

BOWTIE = shapely.from_wkt("POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))")


def arr(*items: object) -> geo.Geometries:
    return np.array(items, dtype=object)


@pytest.mark.parametrize(("declared", "expected"), [
    ("Polygon", geo.TargetType("Polygon", False)),
    ("MultiPolygon", geo.TargetType("Polygon", True)),
    ("3D Multi Line String", None),
    ("LineString Z", geo.TargetType("LineString", False)),
    ("Point", geo.TargetType("Point", False)),
    ("Unknown", None),
    (None, None),
])
def test_declared_types(declared: str | None, expected: geo.TargetType | None) -> None:
    assert geo.TargetType.from_declared(declared) == expected


def test_infer_target_takes_the_majority_family_and_multi() -> None:
    square = shapely.box(0, 0, 1, 1)
    multi = shapely.MultiPolygon([square])
    assert geo.infer_target(arr(square, multi, shapely.Point(0, 0))) == geo.TargetType(
        "Polygon", True)
    assert geo.infer_target(arr(None, shapely.Point(0, 0))) == geo.TargetType("Point", False)
    assert geo.infer_target(arr(None)) is None


def test_repair_keeps_the_polygon_family() -> None:
    line = shapely.LineString([(0, 0), (1, 1)])
    collapsed = shapely.from_wkt("POLYGON ((0 0, 1 1, 0 0))")
    out, repaired = geo.repair(arr(BOWTIE, shapely.box(0, 0, 1, 1), line, collapsed, None),
                               "Polygon")
    assert repaired.tolist() == [True, False, False, True, False]
    assert out[0].geom_type == "MultiPolygon"
    assert out[0].area == pytest.approx(50)
    assert out[1].equals(shapely.box(0, 0, 1, 1))
    assert out[3] is None  # nothing polygonal left


def test_promote_to_multi_wraps_only_singles() -> None:
    square = shapely.box(0, 0, 1, 1)
    multi = shapely.MultiPolygon([shapely.box(2, 2, 3, 3), shapely.box(4, 4, 5, 5)])
    out = geo.promote_to_multi(arr(square, multi, None), "Polygon")
    assert [g.geom_type if g is not None else None for g in out] == [
        "MultiPolygon", "MultiPolygon", None]
    assert out[1] is multi


def test_outside_the_area_of_use() -> None:
    belgium = (2.5, 49.5, 6.4, 51.51)
    bounds = shapely.bounds(arr(shapely.Point(4.7, 50.88), shapely.Point(2.31, 49.29),
                                shapely.Point(float("inf"), 50), shapely.Point(6.43, 51.0)))
    assert geo.outside(bounds, belgium).tolist() == [False, True, True, False]
    assert geo.outside(bounds, None).tolist() == [False, False, True, False]


def test_outside_an_area_across_the_antimeridian() -> None:
    fiji = (176.0, -20.0, -178.0, -12.0)
    bounds = shapely.bounds(arr(shapely.Point(178, -17), shapely.Point(-179, -17),
                                shapely.Point(0, -17)))
    assert geo.outside(bounds, fiji).tolist() == [False, False, True]


def test_families_and_ewkb() -> None:
    kinds = geo.families(arr(shapely.Point(0, 0), shapely.MultiLineString([[(0, 0), (1, 1)]]),
                             shapely.box(0, 0, 1, 1), None))
    assert kinds.tolist() == ["Point", "LineString", "Polygon", ""]


def test_web_mercator_is_what_proj_computes() -> None:
    from gis.geodesy import transformer

    lon = np.array([-179.9, -73.98, 0.0, 4.7, 15.6, 179.9])
    lat = np.array([-85.0, 40.75, 0.0, 50.88, 48.41, 85.0])
    ours = geo.web_mercator_xy(np.column_stack([lon, lat]))
    x, y = transformer("EPSG:4326", "EPSG:3857").transform(lon, lat)
    np.testing.assert_allclose(ours, np.column_stack([x, y]), rtol=0, atol=1e-6)


def test_wkb_template_patching_matches_geos() -> None:
    """Every geometry type, holes and multi-parts: patched WKB == the WKB GEOS writes."""
    from gis.ingest import wkb

    geoms = arr(
        shapely.Point(1, 2),
        shapely.LineString([(0, 0), (1, 1), (2, 0)]),
        shapely.box(0, 0, 10, 10).difference(shapely.box(2, 2, 4, 4)),
        shapely.MultiPoint([(0, 0), (5, 5)]),
        shapely.MultiLineString([[(0, 0), (1, 1)], [(2, 2), (3, 3), (4, 5)]]),
        shapely.MultiPolygon([shapely.box(0, 0, 1, 1),
                              shapely.box(5, 5, 9, 9).difference(shapely.box(6, 6, 7, 7))]),
    )
    encoded = wkb.encode(geoms)
    assert wkb.plain_wkb(encoded)
    base = wkb.template(encoded)
    xy = shapely.get_coordinates(geoms)
    assert np.array_equal(wkb.coordinates(base), xy)
    moved = xy * 2.5 + np.array([1000.0, -7.25])
    patched = wkb.with_coordinates(base, moved).to_pylist()
    expected = shapely.transform(geoms, lambda c: c * 2.5 + [1000.0, -7.25])
    assert patched == list(shapely.to_wkb(expected, byte_order=1))
    # the template itself is untouched by patching
    assert wkb.with_coordinates(base, xy).to_pylist() == base.wkb.to_pylist()
    # a slice of an Arrow array (offsets not from 0) is a template too
    first, last = np.cumsum(shapely.get_num_coordinates(geoms))[[1, 4]]
    sliced = wkb.template(encoded.slice(2, 3))
    assert wkb.with_coordinates(sliced, moved[first:last]).to_pylist() == patched[2:5]


def test_only_little_endian_2d_wkb_is_plain() -> None:
    """Source WKB serves as a template only in the form `template` walks."""
    from gis.ingest import wkb

    square = shapely.box(0, 0, 1, 1)
    assert wkb.plain_wkb(pa.array([shapely.to_wkb(square, byte_order=1)]))
    assert not wkb.plain_wkb(pa.array([shapely.to_wkb(square, byte_order=0)]))
    assert not wkb.plain_wkb(pa.array([shapely.to_wkb(shapely.Point(1, 2, 3))]))
    assert not wkb.plain_wkb(pa.array([shapely.to_wkb(square), None], pa.binary()))
    assert not wkb.plain_wkb(pa.array([b"\x01\x03"]))


def test_bounds_from_coordinates() -> None:
    xy = np.array([[0, 0], [2, 1], [5, 5], [np.inf, 1], [3, 3]], dtype=float)
    bounds = geo.bounds_of(xy, np.array([2, 2, 1]))
    assert bounds[0].tolist() == [0, 0, 2, 1]
    assert np.isnan(bounds[1]).all()
    assert bounds[2].tolist() == [3, 3, 3, 3]
