"""`transformer(..., within=box)`: PROJ's best operation used directly, bit for bit what the
full transformer computes for points in its area of use, and the full one elsewhere."""

from __future__ import annotations

import numpy as np
import pytest

from gis.geodesy import _Candidate, _Candidates, bounds_of, lonlat_box, transformer

#: source, target, a point inside the best operation's area (the grids we ship)
CASES = [
    ("EPSG:28992+5709", "EPSG:4978", (85000.0, 446000.0)),  # RDNAPTRANS + NLGEO2018
    ("EPSG:31370", "EPSG:3812", (150000.0, 170000.0)),  # BD72 -> ETRS89 grid
    ("EPSG:31370+5710", "EPSG:4978", (150000.0, 170000.0)),  # hBG18 geoid
    ("EPSG:2154+5720", "EPSG:4978", (650000.0, 6860000.0)),  # RAF20 (standing in for RAF18)
    ("EPSG:4326", "EPSG:2154", (2.35, 48.85)),
    ("EPSG:2154", "EPSG:3857", (650000.0, 6860000.0)),
    ("EPSG:4326", "EPSG:31370", (4.5, 50.8)),  # two equally accurate Helmerts, same area
    ("EPSG:31370", "EPSG:4326", (150000.0, 170000.0)),
]


def _points(centre: tuple[float, float], spread: float) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(3)
    return (centre[0] + rng.uniform(-spread, spread, 2000),
            centre[1] + rng.uniform(-spread, spread, 2000), rng.uniform(-20, 120, 2000))


@pytest.mark.filterwarnings("ignore:Best transformation is not available")
@pytest.mark.parametrize(("source", "target", "centre"), CASES)
def test_the_best_operation_alone_is_bit_identical_inside_its_area(
        source: str, target: str, centre: tuple[float, float]) -> None:
    spread = 0.05 if source == "EPSG:4326" else 5000.0  # degrees or metres
    x, y, z = _points(centre, spread)
    within = bounds_of(x, y)
    direct = transformer(source, target, within)
    full = transformer(source, target)
    assert direct is not full  # the shortcut was taken
    three_d = "+" in source
    ours = direct.transform(x, y, z) if three_d else direct.transform(x, y)
    theirs = full.transform(x, y, z) if three_d else full.transform(x, y)
    for a, b in zip(ours, theirs, strict=True):
        assert np.array_equal(np.asarray(a), np.asarray(b))


def test_a_box_reaching_out_of_the_area_gets_the_full_transformer() -> None:
    # Lambert 72 coordinates from Belgium to well inside France: beyond the grid's area
    full = transformer("EPSG:31370", "EPSG:3812")
    assert transformer("EPSG:31370", "EPSG:3812", (150000.0, -60000.0, 160000.0, 170000.0)) \
        is full
    assert transformer("EPSG:31370", "EPSG:3812", None) is full


def test_non_finite_boxes_are_not_trusted() -> None:
    assert bounds_of(np.array([np.nan, np.inf]), np.array([1.0, 2.0])) is None
    assert lonlat_box("EPSG:31370", (np.nan, 0.0, 1.0, 1.0)) is None
    box = lonlat_box("EPSG:28992+5709", (84000.0, 445000.0, 86000.0, 447000.0))
    assert box is not None
    assert 4.3 < box[0] < box[2] < 4.4
    assert 51.9 < box[1] < box[3] < 52.1


def _candidate(name: str, area: tuple[float, float, float, float] | None, accuracy: float,
               offshore: bool = False) -> _Candidate:
    return _Candidate(name, area, accuracy, offshore)


COUNTRY = (2.0, 49.0, 7.0, 52.0)
REGION = (4.0, 50.0, 5.0, 51.0)
INSIDE_REGION = (4.3, 50.3, 4.4, 50.4)


def test_per_point_rule_prefers_a_more_accurate_regional_operation() -> None:
    # listed first (larger area), the country-wide operation is not what PROJ runs where a
    # more accurate regional grid applies
    ops = _Candidates((_candidate("country", COUNTRY, 1.0), _candidate("grid", REGION, 0.01),
                       _candidate("ballpark", None, -1.0)))
    assert ops.for_box(INSIDE_REGION) == "grid"
    assert ops.for_box((2.5, 49.5, 3.0, 50.0)) == "country"  # the grid's area is elsewhere


def test_boxes_with_different_candidates_per_point_are_left_to_proj() -> None:
    ops = _Candidates((_candidate("country", COUNTRY, 1.0), _candidate("grid", REGION, 0.01)))
    assert ops.for_box((4.5, 50.5, 5.5, 51.5)) is None  # straddles the grid's edge
    assert ops.for_box((6.0, 51.0, 7.5, 51.5)) is None  # leaves the country
    assert ops.for_box(None) is None


def test_unknown_accuracy_first_is_kept_and_subtleties_are_left_to_proj() -> None:
    unknown_first = _Candidates((_candidate("a", COUNTRY, -1.0), _candidate("b", REGION, 0.5)))
    assert unknown_first.for_box(INSIDE_REGION) == "a"  # PROJ only replaces a known accuracy
    offshore = _Candidates((_candidate("a", COUNTRY, 1.0),
                            _candidate("b", REGION, 0.5, offshore=True)))
    assert offshore.for_box(INSIDE_REGION) is None
    tie_same_area = _Candidates((_candidate("a", COUNTRY, 1.0), _candidate("b", COUNTRY, 1.0)))
    assert tie_same_area.for_box(INSIDE_REGION) == "a"
    tie_smaller_area = _Candidates((_candidate("a", COUNTRY, 1.0), _candidate("b", REGION, 1.0)))
    assert tie_smaller_area.for_box(INSIDE_REGION) is None
