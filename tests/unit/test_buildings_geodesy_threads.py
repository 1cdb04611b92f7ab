"""Regression: the geoid must apply in every thread, whichever thread used PROJ first.

pyproj has one PROJ context per thread; configuring the grid folder only in a worker thread
left the main thread on a Helmert without geoid (NAP 0 at 0 m instead of ~43.5 m in Delft).
Runs in a subprocess so that no earlier test has configured the main thread already.
"""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
from concurrent.futures import ThreadPoolExecutor
from gis.geodesy import transformer
def height():
    return transformer('EPSG:28992+5709', 'EPSG:4979').transform(85000.0, 447500.0, 0.0)[2]
with ThreadPoolExecutor(1) as pool:
    first = pool.submit(height).result()
print(first, height())
"""


def test_geoid_applies_in_the_main_thread_after_a_worker_thread_went_first() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          check=True, timeout=120)
    worker, main = (float(v) for v in done.stdout.split())
    assert 43.0 < worker < 44.0
    assert 43.0 < main < 44.0
