"""The probe's arithmetic and the service-side reprojection of served features (no DB)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from gis.geodesy import transformer
from gis.server_transforms import (
    PairProbe,
    deviation_metres,
    reference_points,
    store_pairs,
)
from twin.ogc import reproject
from twin.ogc.crs import OutputCrs
from twin.ogc.sql import GEOMETRY_SLOT, FeatureShape


def test_deviation_is_ground_metres_in_projected_and_geographic_targets() -> None:
    expected = np.array([[650000.0, 670000.0]])
    shifted = expected + np.array([[0.03, 0.04]])
    assert deviation_metres(expected, shifted, 3812)[0] == pytest.approx(0.05)
    lonlat = np.array([[4.0, 60.0]])  # at 60 degrees north a degree of longitude halves
    east = deviation_metres(lonlat, lonlat + np.array([[1e-6, 0.0]]), 4326)[0]
    north = deviation_metres(lonlat, lonlat + np.array([[0.0, 1e-6]]), 4326)[0]
    assert north == pytest.approx(0.1112, abs=1e-4)
    assert east == pytest.approx(north / 2, rel=1e-3)


def test_store_pairs_are_both_directions_without_identities() -> None:
    pairs = store_pairs([31370], [4326, 31370, 3812])
    assert pairs == {(31370, 4326), (4326, 31370), (31370, 3812), (3812, 31370)}


def test_reference_points_lie_where_both_crs_are_used() -> None:
    points = reference_points(31370, 3812)
    assert len(points) == 25
    lon, lat = transformer(31370, 4326).transform(points[:, 0], points[:, 1])
    assert np.all((lon > 2.5) & (lon < 6.5))
    assert np.all((lat > 49.4) & (lat < 51.6))
    assert len(reference_points(31370, 32633)) == 0  # Belgium and UTM zone 33N do not meet


@pytest.mark.parametrize(("worst", "exact"), [(0.0, True), (0.0009, True), (0.0011, False),
                                              (0.129, False), (None, False)])
def test_a_pair_is_exact_within_a_millimetre(worst: float | None, exact: bool) -> None:
    probe = PairProbe(31370, 3812, 25 if worst is not None else 0, worst)
    assert probe.exact is exact
    assert ("in PostGIS" in probe.describe()) is exact
    assert probe.wrong is (worst is not None and not exact)  # no common area: not a warning


def test_a_refusing_server_is_wrong() -> None:
    assert PairProbe(31370, 3812, 0, None, failure="no such transformation").wrong


def test_served_geometries_are_reprojected_rounded_and_axis_ordered() -> None:
    polygon = shapely.Polygon([(150000, 170000), (150010, 170000), (150010, 170010)])
    point_z = shapely.Point(150000, 170000, 42.5)
    texts = reproject.geojson_geometries(
        [shapely.to_wkb(polygon), shapely.to_wkb(point_z), None], 31370, 3812, False, 3)
    first = json.loads(texts[0])
    assert first["type"] == "Polygon"
    assert first["coordinates"][0][0] == [649999.72, 670000.537]
    assert json.loads(texts[1])["coordinates"] == [649999.72, 670000.537, 42.5]
    assert texts[2] == "null"
    lat_first = reproject.geojson_geometries([shapely.to_wkb(point_z)], 31370, 4258, True, 7)
    lat, lon = json.loads(lat_first[0])["coordinates"][:2]
    assert 50 < lat < 51
    assert 4 < lon < 5


def test_slots_are_filled_in_order_and_escaped_text_is_left_alone() -> None:
    shape = FeatureShape(("name",), OutputCrs("x", 3812, lat_lon=False), 31370,
                         by_service=True)
    names = ["a \\u0001 b", "c"]  # a control character in a value is escaped JSON text
    text = ",".join(f'{{"id":{i},"geometry":{GEOMETRY_SLOT},"properties":{{"name":"{n}"}}}}'
                    for i, n in enumerate(names))
    wkbs = [shapely.to_wkb(shapely.Point(150000 + 100 * i, 170000)) for i in range(2)]
    features = json.loads(f"[{shape.fill(text, wkbs)}]")
    assert [f["properties"]["name"] for f in features] == ["a \u0001 b", "c"]
    xs = [f["geometry"]["coordinates"][0] for f in features]
    assert xs[0] == pytest.approx(649999.72)
    assert xs[1] - xs[0] == pytest.approx(100, abs=0.01)
    unslotted = FeatureShape(("name",), OutputCrs("x", 31370, lat_lon=False), 31370)
    assert unslotted.fill("as is", None) == "as is"
