"""City-model benchmark: the LOD1 building tileset and the LiDAR height derivation.

Stages (each in its own child process, so each peak memory is its own):

* ``tiles``: N generated footprints (rectangles, L-shapes, courtyards with a hole; 6-25 m;
  3-30 m high; see `tiles.buildings.synthetic`) -> 3D Tiles 1.1 (glb + metadata), local
  process pool of ``--workers``. Footprint generation is timed apart.
* ``heights``: the real Delft block (160 BGT footprints, 2 AHN3 LAZ files, 850k points)
  copied ``--copies`` x ``--copies`` times side by side (LAZ files rewritten, translated), then
  `gis.city.derive.measure` over all of them: LAZ decoding, point selection, roof percentile,
  ground ring and coverage, file by file.

Peak memory: ``ru_maxrss`` of the stage process, and of its largest worker (workers run at the
same time, so their sum is bounded by workers x that figure).

Usage::

    python benchmarks/buildings.py [--buildings 100000] [--workers 2] [--copies 5]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import shapely

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "benchmarks" / "out"
DELFT = REPO / "data" / "delft"


def _peaks() -> dict[str, float]:
    return {
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def stage_tiles(count: int, workers: int) -> dict[str, Any]:
    from tiles.buildings.build import BuildingSet, build_tileset
    from tiles.buildings.metadata import BUILDING_PROPERTIES
    from tiles.buildings.synthetic import footprints

    started = time.perf_counter()
    geometries, ground, roof = footprints(count, (84900.0, 447500.0))
    n = len(geometries)
    columns = {
        "id": np.array([f"bench/{i}" for i in range(n)], dtype=object),
        "fid": np.arange(n, dtype=np.int64), "height": roof - ground, "ground": ground,
        "roof": roof, "vertical_crs": np.full(n, "EPSG:5709", dtype=object),
        "source": np.full(n, "lidar", dtype=object),
        "method": np.full(n, "lidar:p70-class6/ground-ring-median", dtype=object),
        "quality": np.full(n, "ok", dtype=object),
        "point_count": np.full(n, 100, dtype=np.int32), "coverage": np.ones(n),
    }
    buildings = BuildingSet("EPSG:28992+5709", shapely.to_wkb(geometries), ground, roof,
                            BUILDING_PROPERTIES, columns)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        report = build_tileset(buildings, OUT / "buildings_tileset", executor=pool)
    seconds = time.perf_counter() - started
    return {"stage": "tiles", "buildings": n, "generate_s": round(generated, 2),
            "build_s": round(seconds, 2), "buildings_per_s": round(n / seconds),
            "tiles": report.tiles, "triangles": report.triangles,
            "mbytes": round(report.bytes / 1e6, 1), **_peaks()}


def _scaled_delft(copies: int) -> tuple[list[Path], list[shapely.Geometry]]:
    """Delft's LAZ files and footprints repeated on a ``copies`` x ``copies`` grid."""
    import laspy
    import pyogrio

    folder = OUT / f"delft_x{copies}"
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(DELFT.glob("ahn3_cropped_*.laz"))
    _, table = pyogrio.read_arrow(DELFT / "bgt" / "bgt_pand.sqlite")
    base = shapely.from_wkb(np.asarray(table.column(table.num_columns - 1)))
    step = 400.0
    files, geometries = [], []
    for i in range(copies):
        for j in range(copies):
            dx, dy = i * step, j * step
            geometries += list(shapely.transform(base, lambda xy, dx=dx, dy=dy: xy + [dx, dy]))
            for source in sources:
                target = folder / f"{source.stem}_{i}_{j}.laz"
                if not target.exists():
                    las = laspy.read(source)
                    las.header.offsets = las.header.offsets + [dx, dy, 0]
                    las.x, las.y = np.asarray(las.x) + dx, np.asarray(las.y) + dy
                    las.write(target)
                files.append(target)
    return files, geometries


def stage_heights(copies: int) -> dict[str, Any]:
    from gis.city.derive import LidarSource, measure
    from gis.city.heights import HeightParameters
    from gis.city.points import file_of

    files, geometries = _scaled_delft(copies)
    started = time.perf_counter()
    lidar = LidarSource("bench", 1, 28992, 5709, [file_of(path) for path in files])
    heights = measure(np.asarray(geometries, dtype=object), lidar, HeightParameters())
    seconds = time.perf_counter() - started
    measured = int(np.isfinite(heights.height).sum())
    return {"stage": "heights", "buildings": len(geometries), "measured": measured,
            "laz_files": len(files), "seconds": round(seconds, 2),
            "buildings_per_s": round(len(geometries) / seconds), **_peaks()}


def _child(stage: str, options: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--stage", stage, "--buildings",
               str(options.buildings), "--workers", str(options.workers), "--copies",
               str(options.copies)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buildings", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--stage", choices=["tiles", "heights"])
    options = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if options.stage == "tiles":
        sys.stdout.write(json.dumps(stage_tiles(options.buildings, options.workers)) + "\n")
        return
    if options.stage == "heights":
        sys.stdout.write(json.dumps(stage_heights(options.copies)) + "\n")
        return
    for stage in ("tiles", "heights"):
        sys.stdout.write(json.dumps(_child(stage, options)) + "\n")


if __name__ == "__main__":
    main()
