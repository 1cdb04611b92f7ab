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
    from tiles.buildings.build import build_tileset

    started = time.perf_counter()
    buildings = _synthetic_set(count)
    n = len(buildings)
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
            shift = np.array([dx, dy])
            geometries += list(shapely.transform(base, lambda xy, shift=shift: xy + shift))
            for source in sources:
                target = folder / f"{source.stem}_{i}_{j}.laz"
                if not target.exists():
                    las = laspy.read(source)
                    las.header.offsets = las.header.offsets + np.array([dx, dy, 0.0])
                    las.x, las.y = np.asarray(las.x) + dx, np.asarray(las.y) + dy
                    las.write(target)
                files.append(target)
    return files, geometries


def stage_heights(copies: int, workers: int) -> dict[str, Any]:
    from gis.city.derive import LidarSource, measure
    from gis.city.heights import HeightParameters
    from gis.city.points import file_of

    files, geometries = _scaled_delft(copies)
    started = time.perf_counter()
    lidar = LidarSource("bench", 1, 28992, 5709, [file_of(path) for path in files])
    with ProcessPoolExecutor(workers) as pool:  # fork: this process holds no threads yet
        heights = measure(np.asarray(geometries, dtype=object), lidar, HeightParameters(),
                          executor=pool)
    seconds = time.perf_counter() - started
    measured = int(np.isfinite(heights.height).sum())
    return {"stage": "heights", "buildings": len(geometries), "measured": measured,
            "laz_files": len(files), "seconds": round(seconds, 2),
            "buildings_per_s": round(len(geometries) / seconds), **_peaks()}


def _synthetic_set(count: int) -> Any:
    from tiles.buildings.build import BuildingSet
    from tiles.buildings.metadata import BUILDING_PROPERTIES
    from tiles.buildings.synthetic import footprints

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
    return BuildingSet("EPSG:28992+5709", shapely.to_wkb(geometries), ground, roof,
                       BUILDING_PROPERTIES, columns)


def _load_extrusions(url: str, buildings: Any) -> None:
    """The same buildings as PostGIS PolyhedralSurfaces (SFCGAL ST_Extrude), for py3dtiles."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis_sfcgal CASCADE")
        conn.execute("DROP TABLE IF EXISTS bench_buildings")
        conn.execute("CREATE TABLE bench_buildings (id bigint PRIMARY KEY, "
                     "geom geometry(PolyhedralSurfaceZ, 28992))")
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO bench_buildings VALUES (%s, ST_Translate(ST_Extrude(ST_Force3D("
                "ST_GeomFromWKB(%s, 28992)), 0, 0, %s), 0, 0, %s))",
                [(i, bytes(w), float(r - g), float(g)) for i, (w, g, r) in
                 enumerate(zip(buildings.wkb, buildings.ground, buildings.roof, strict=True))])


def stage_py3dtiles(count: int, workers: int) -> dict[str, Any]:
    """py3dtiles export (PostGIS -> b3dm) and our build on the same ``count`` buildings."""
    import os

    from gis.cluster import Cluster
    from tiles.buildings.build import build_tileset

    buildings = _synthetic_set(count)
    cluster = Cluster(root=OUT / "postgres", port=54391)
    cluster.up()
    try:
        cluster.drop_database("bench_buildings")
        url = cluster.create_database("bench_buildings")
        _load_extrusions(url, buildings)
        target = OUT / "py3dtiles_buildings"
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("py3dtiles")), "export", "-D", dsn, "-t",
             "bench_buildings", "-c", "geom", "-i", "id", "-s", str(target)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        theirs = time.perf_counter() - started
    finally:
        cluster.drop_database("bench_buildings")
        cluster.down()
    started = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        build_tileset(buildings, OUT / "ours_same_buildings", executor=pool)
    ours = time.perf_counter() - started
    return {"stage": "py3dtiles", "buildings": count, "py3dtiles_exit": status >> 8,
            "py3dtiles_s": round(theirs, 2), "py3dtiles_per_s": round(count / theirs),
            "py3dtiles_peak_mb": usage.ru_maxrss / 1024, "ours_s": round(ours, 2),
            "ours_per_s": round(count / ours), "speedup": round(theirs / ours, 1)}


def _child(stage: str, options: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--stage", stage, "--buildings",
               str(options.buildings), "--workers", str(options.workers), "--copies",
               str(options.copies), "--py3dtiles", str(options.py3dtiles)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buildings", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--stage", choices=["tiles", "heights", "py3dtiles"])
    parser.add_argument("--py3dtiles", type=int, default=0,
                        help="also run py3dtiles export on this many buildings (0: skip)")
    options = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if options.stage == "tiles":
        sys.stdout.write(json.dumps(stage_tiles(options.buildings, options.workers)) + "\n")
        return
    if options.stage == "heights":
        sys.stdout.write(json.dumps(stage_heights(options.copies, options.workers)) + "\n")
        return
    if options.stage == "py3dtiles":
        sys.stdout.write(json.dumps(stage_py3dtiles(options.py3dtiles, options.workers)) + "\n")
        return
    for stage in ("tiles", "heights") + (("py3dtiles",) if options.py3dtiles else ()):
        sys.stdout.write(json.dumps(_child(stage, options)) + "\n")


if __name__ == "__main__":
    main()
