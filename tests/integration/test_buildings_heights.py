"""Building heights from real LiDAR (Delft AHN3, IGN LiDAR HD) and floor counts (Tenerife)."""

from __future__ import annotations

import sys
from pathlib import Path

import laspy
import numpy as np
import pytest
import shapely
from sqlalchemy import Engine
from typer.testing import CliRunner

from gis import registry
from gis.city import sql
from gis.city.derive import heights_from_floors, heights_from_lidar
from gis.errors import HeightsError, InvalidLayerSpec
from twin.cli import build_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from buildings_support import (
    DELFT_LAZ,
    LIDARPROD,
    delft_buildings,
    lidarprod_buildings,
    tenerife_buildings,
)

pytestmark = pytest.mark.integration


def _dsm_reconstruction(footprints: list[shapely.Geometry]) -> np.ndarray:
    """An independent LoD1 height: 0.5 m rasters (max of building points per cell for the
    roof, min of ground points per cell for the terrain), 70th percentile of the roof cells
    inside the footprint minus the median terrain cell of a 2-6 m ring."""
    las = [laspy.read(p) for p in DELFT_LAZ]
    x = np.concatenate([np.asarray(f.x) for f in las])
    y = np.concatenate([np.asarray(f.y) for f in las])
    z = np.concatenate([np.asarray(f.z) for f in las])
    cls = np.concatenate([np.asarray(f.classification) for f in las])
    x0, y0, size = x.min(), y.min(), 0.5
    col, row = ((x - x0) / size).astype(int), ((y - y0) / size).astype(int)
    shape = (row.max() + 1, col.max() + 1)
    dsm, dtm = np.full(shape, -np.inf), np.full(shape, np.inf)
    np.maximum.at(dsm, (row[cls == 6], col[cls == 6]), z[cls == 6])
    np.minimum.at(dtm, (row[cls == 2], col[cls == 2]), z[cls == 2])
    gy, gx = np.mgrid[0 : shape[0], 0 : shape[1]]
    cx, cy = x0 + (gx + 0.5) * size, y0 + (gy + 0.5) * size
    result = []
    for footprint in footprints:
        inside = shapely.contains_xy(footprint, cx, cy) & np.isfinite(dsm)
        ring = shapely.buffer(footprint, 6).difference(shapely.buffer(footprint, 2))
        around = shapely.contains_xy(ring, cx, cy) & np.isfinite(dtm)
        result.append(np.percentile(dsm[inside], 70) - np.median(dtm[around]))
    return np.array(result)


def test_delft_heights_are_plausible_and_match_an_independent_reconstruction(
    engine: Engine, layer_id: str
) -> None:
    run = delft_buildings(engine, layer_id)
    assert run.buildings == 160
    assert run.measured >= 155
    with engine.connect() as conn:
        heights = sql.heights_of(conn, f"{layer_id}_pand")
        stored = sql.run_of(conn, f"{layer_id}_pand")
        footprints = {r.fid: shapely.from_wkb(bytes(r.wkb))
                      for r in sql.footprints(conn, f"{layer_id}_pand")}
    assert stored is not None
    assert stored["vertical_crs"] == "EPSG:5709"
    assert stored["lidar_layer_id"] == f"{layer_id}_ahn3"
    assert stored["lidar_version"] == 1
    assert {f["checksum"] is not None for f in stored["lidar_files"]} == {True}
    measured = [h for h in heights if h["height"] is not None]
    assert all(2.0 < h["height"] < 30.0 for h in measured)
    assert all(-1.5 < h["ground_height"] < 1.5 for h in measured)  # NAP, not ellipsoidal
    assert np.median([h["coverage"] for h in measured]) > 0.9
    assert all(h["point_count"] >= 10 for h in measured)
    reference = _dsm_reconstruction([footprints[h["fid"]] for h in measured])
    ours = np.array([h["height"] for h in measured])
    assert np.median(np.abs(ours - reference)) < 0.5


def test_a_new_run_replaces_the_previous_one(
    engine: Engine, database_url: str, layer_id: str
) -> None:
    first = delft_buildings(engine, layer_id)
    env = {"TWIN_DATABASE_URL": database_url}
    result = CliRunner().invoke(build_app(), ["build", "heights", f"{layer_id}_pand", "--lidar",
                                              f"{layer_id}_ahn3", "--percentile", "90"], env=env)
    assert result.exit_code == 0, result.output
    assert "160/160 buildings with a height" in result.output
    assert "lidar:p90/ground-ring-median" in result.output
    with engine.connect() as conn:
        heights = sql.heights_of(conn, f"{layer_id}_pand")
        run = sql.run_of(conn, f"{layer_id}_pand")
    assert run is not None
    assert len(heights) == 160
    assert {h["run_id"] for h in heights} == {run["run_id"]} != {first.run_id}
    assert run["parameters"]["roof_percentile"] == 90.0
    refused = CliRunner().invoke(build_app(), ["build", "heights", f"{layer_id}_pand"], env=env)
    assert refused.exit_code == 2


def test_lidarprod_candidates_get_heights_or_a_reason(engine: Engine, layer_id: str) -> None:
    run = lidarprod_buildings(engine, layer_id)
    assert run.buildings == 40
    with engine.connect() as conn:
        heights = sql.heights_of(conn, f"{layer_id}_cand")
        stored = sql.run_of(conn, f"{layer_id}_cand")
    assert stored is not None
    assert stored["vertical_crs"] == "EPSG:5720"
    for h in heights:
        if h["height"] is None:
            assert h["flag"] in ("few_points", "no_ground", "no_lidar")
            assert h["flag"] != "no_lidar" or h["point_count"] == 0
        else:
            assert 1.0 < h["height"] < 40.0, h
            assert h["flag"] in ("ok", "low_coverage")
    # the LAZ subset covers 100 x 62 m: only the candidates centred on it can be measured
    with laspy.open(next(LIDARPROD.glob("*.laz"))) as reader:
        mins, maxs = reader.header.mins, reader.header.maxs
    with engine.connect() as conn:
        centres = [shapely.from_wkb(bytes(r.wkb)).envelope.centroid
                   for r in sql.footprints(conn, f"{layer_id}_cand")]
    covered = sum(mins[0] <= c.x <= maxs[0] and mins[1] <= c.y <= maxs[1] for c in centres)
    assert run.flags.get("no_lidar", 0) == 40 - covered
    assert run.measured >= covered - 1
    assert covered >= 5


def test_tenerife_floors_give_heights_marked_as_estimates(engine: Engine, layer_id: str) -> None:
    run = tenerife_buildings(engine, layer_id)
    with engine.connect() as conn:
        heights = sql.heights_of(conn, f"{layer_id}_cons")
        loaded = registry.get_layer(conn, f"{layer_id}_cons").feature_count
    assert run.buildings == loaded
    assert run.method == "floors:numberOfFloorsAboveGroundx3m"
    estimates = [h for h in heights if h["flag"] == "floors_estimate"]
    assert len(estimates) == run.measured > 0.6 * run.buildings
    assert all(h["source"] == "floors" and h["point_count"] is None for h in heights)
    assert {round(h["height"] / 3.0, 6) % 1 for h in estimates} == {0.0}
    assert all(h["height"] is None for h in heights if h["flag"] == "no_floors")


def test_wrong_inputs_are_refused_with_clear_messages(engine: Engine, layer_id: str) -> None:
    tenerife_buildings(engine, layer_id)
    with pytest.raises(HeightsError, match="not LiDAR"):
        heights_from_lidar(engine, f"{layer_id}_cons", f"{layer_id}_cons")
    with pytest.raises(InvalidLayerSpec, match="no attribute 'storeys'"):
        heights_from_floors(engine, f"{layer_id}_cons", "storeys")
