"""Geodesy of the ingest: the shipped BD72 grid is used, and its absence is refused loudly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import shapely

from gis.geodesy import transformer
from gis.ingest.geometry import reproject

EXPECTED = (649999.720, 670000.537)  # EPSG:3812 of (150000, 170000) EPSG:31370, with the grid
FALLBACK = (649999.687, 670000.412)  # the Helmert PROJ uses without it: 13 cm off


def test_lambert72_to_lambert2008_uses_the_grid() -> None:
    x, y = transformer("EPSG:31370", "EPSG:3812").transform(150000, 170000)
    assert abs(x - EXPECTED[0]) < 0.001
    assert abs(y - EXPECTED[1]) < 0.001


def test_vectorised_reprojection_is_as_accurate() -> None:
    points = np.array([shapely.Point(150000, 170000), shapely.Point(150010, 170010), None],
                      dtype=object)
    moved = reproject(points, "EPSG:31370", "EPSG:3812")
    assert moved[2] is None
    assert abs(moved[0].x - EXPECTED[0]) < 0.001
    assert abs(moved[0].y - EXPECTED[1]) < 0.001
    assert abs(moved[1].x - moved[0].x - 10) < 0.01


def test_missing_grid_is_refused_not_silently_degraded(tmp_path: Path) -> None:
    empty = tmp_path / "no-grids"
    empty.mkdir()
    probe = (
        "import json\n"
        "from gis.geodesy import transformer\n"
        "from gis.errors import GeodesyError\n"
        "import sys\n"
        "within = json.loads(sys.argv[1])\n"
        "try:\n"
        "    xy = transformer('EPSG:31370', 'EPSG:3812', within).transform(150000, 170000)\n"
        "    print(json.dumps({'xy': list(xy)}))\n"
        "except GeodesyError as exc:\n"
        "    print(json.dumps({'error': str(exc)}))\n"
    )
    env = {**os.environ, "TWIN_PROJ_GRID_DIR": str(empty), "PYTHONWARNINGS": "ignore"}
    # with and without the box that lets `transformer` skip PROJ's operation search
    for within in (None, [149000, 169000, 151000, 171000]):
        done = subprocess.run([sys.executable, "-c", probe, json.dumps(within)], env=env,
                              capture_output=True, text=True, timeout=120, check=True)
        answer = json.loads(done.stdout.strip().splitlines()[-1])
        assert "xy" not in answer, f"fell back to {answer['xy']} (13 cm off is {FALLBACK})"
        assert "refusing the less accurate fallback" in answer["error"]
        assert str(empty) in answer["error"]
