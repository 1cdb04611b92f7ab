"""Interpolated reprojection: within its tolerance of PROJ everywhere, failures per point."""

from __future__ import annotations

import numpy as np
import pytest

from gis import interpolated_transform as it

RNG_SEED = 7


def uniform(n: int, x: tuple[float, float], y: tuple[float, float]) -> it.XY:
    rng = np.random.default_rng(RNG_SEED)
    return np.column_stack([rng.uniform(*x, n), rng.uniform(*y, n)])


@pytest.fixture
def exact_points(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many points each call of the exact transformation received."""
    calls: list[int] = []
    original = it.exact

    def counted(xy: it.XY, source: str, target: str) -> it.XY:
        calls.append(len(xy))
        return original(xy, source, target)

    monkeypatch.setattr(it, "exact", counted)
    return calls


@pytest.mark.parametrize(("source", "target", "x", "y", "tolerance"), [
    # Leuven-Brussels parcels: Lambert 72 through the BD72 grid
    ("EPSG:31370", "EPSG:4326", (150000, 160000), (160000, 161000), it.TOLERANCE_DEGREES),
    ("EPSG:31370", "EPSG:3812", (150000, 152000), (160000, 162000), it.TOLERANCE_METRES),
    # Delft: RD New through RDNAPTRANS
    ("EPSG:28992", "EPSG:4326", (84000, 86000), (444000, 446000), it.TOLERANCE_DEGREES),
    # a geographic source (cells in degrees): Épinay to Lambert 93, Brussels to Lambert 72
    ("EPSG:4326", "EPSG:2154", (2.33, 2.36), (48.66, 48.68), it.TOLERANCE_METRES),
    ("EPSG:4326", "EPSG:31370", (4.33, 4.36), (50.84, 50.86), it.TOLERANCE_METRES),
])
def test_interpolation_stays_within_tolerance_of_proj(
    source: str, target: str, x: tuple[float, float], y: tuple[float, float],
    tolerance: float, exact_points: list[int],
) -> None:
    xy = uniform(400_000, x, y)
    approximate = it.transform(xy, source, target)
    assert sum(exact_points) < 0.3 * len(xy)  # the lattice, not every point, went to PROJ
    exact = it.exact(xy, source, target)
    assert np.isfinite(exact).all()
    assert np.abs(approximate - exact).max() <= tolerance


def test_points_proj_cannot_transform_fail_one_by_one() -> None:
    """Beyond the pole PROJ cannot project to UTM: those points come out infinite, as PROJ
    makes them, and their neighbours on this side stay within tolerance."""
    xy = uniform(200_000, (4.30, 4.32), (89.995, 90.005))
    approximate = it.transform(xy, "EPSG:4326", "EPSG:32631")
    exact = it.exact(xy, "EPSG:4326", "EPSG:32631")
    failed = ~np.isfinite(exact).all(axis=1)
    assert 0 < failed.sum() < len(xy)
    assert np.array_equal(~np.isfinite(approximate).all(axis=1), failed)
    assert np.abs(approximate[~failed] - exact[~failed]).max() <= it.TOLERANCE_METRES


def test_non_finite_input_stays_non_finite() -> None:
    xy = uniform(50_000, (150000, 160000), (160000, 170000))
    xy[[3, 17]] = [np.nan, np.inf]
    out = it.transform(xy, "EPSG:31370", "EPSG:4326")
    assert not np.isfinite(out[[3, 17]]).any()
    keep = np.ones(len(xy), dtype=bool)
    keep[[3, 17]] = False
    exact = it.exact(xy[keep], "EPSG:31370", "EPSG:4326")
    assert np.abs(out[keep] - exact).max() <= it.TOLERANCE_DEGREES


def test_scattered_and_small_inputs_go_straight_to_proj(exact_points: list[int]) -> None:
    """Points too spread out to share cells (two towns 100 km apart), and small arrays, are
    transformed exactly: the lattice would cost more than it saves."""
    towns = np.concatenate([uniform(5_000, (150000, 151000), (160000, 161000)),
                            uniform(5_000, (250000, 251000), (160000, 161000))])
    assert np.array_equal(it.transform(towns, "EPSG:31370", "EPSG:4326"),
                          it.exact(towns, "EPSG:31370", "EPSG:4326"))
    small = towns[: it.MIN_POINTS - 1]
    assert np.array_equal(it.transform(small, "EPSG:31370", "EPSG:4326"),
                          it.exact(small, "EPSG:31370", "EPSG:4326"))
    assert exact_points[0] == len(towns)
    assert exact_points[2] == len(small)


def test_same_crs_is_the_identity() -> None:
    xy = uniform(10, (0, 1), (0, 1))
    assert it.transform(xy, "EPSG:31370", "EPSG:31370") is xy
