"""Plan the Wallonia point-cloud build on N Dask workers from the costs `scale.py` measured.

Not a benchmark: a simulator. It reads benchmarks/out/scale.json (run `scale.py` first) for
the measured core-seconds per point of each stage (`Costs.read`), the work a second worker
adds, the peak memory of a worker and the bytes per point of tiles and build state; it
takes the region and the cluster as assumptions (all options), and prints for each N the
task graph, the expected wall time (the largest of compute, shared storage traffic and
scheduler throughput), memory per worker and the sizes written.

The region is built as square blocks (independent tilesets under one root tileset.json that
names them, all on one cluster): the octree's fine level is capped at 5 (2**15 fine cells,
`tiles.pointcloud.build.MAX_FINE_LEVEL`), so a subtree task holds at least one fine cell,
1/32 of the cube's side; blocks of at most 8 km keep a fine cell under `TASK_POINTS` at
10 pts/m2 (262 m: 0.69 M points), the bound the measured task memory holds for. Today
each block is its own LiDAR layer and `twin build pointcloud` run (all on one cluster); the
root tileset naming the blocks is not generated yet.

    .venv/bin/python benchmarks/scale_plan.py [--area-km2 16900] [--density 8,10]
        [--workers 1,16,64,256] [--block-km 8] [--storage-gb-s 1.0] [--scheduler-ms 1.0]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tiles.pointcloud.build import (  # noqa: E402 (run as a script)
    FINE_CELL_BITS,
    MAX_FINE_LEVEL,
    MIN_PARTITION_JOB_POINTS,
    MIN_TASK_POINTS,
    PARTITION_JOB_POINTS,
    PARTITION_JOBS_PER_WORKER,
    TASK_POINTS,
)
from tiles.pointcloud.cells import RECORD  # noqa: E402

MEASURED = REPO / "benchmarks" / "out" / "scale.json"
DELFT = sorted((REPO / "data" / "delft").glob("ahn3_cropped_*.laz"))
DELFT_POINTS = 640_510 + 208_432
FILE_KM = 1.0  # the region's LiDAR comes as 1 km x 1 km LAZ tiles


@dataclass(frozen=True)
class Costs:
    """Measured: core-seconds per point of each stage, efficiency, memory, bytes."""

    partition: float
    subtrees: float
    upper: float
    coordinator: float
    efficiency: float  # CPU of the 1-worker run / CPU of the 2-worker run
    worker_mb: float
    tile_bytes: float  # per point
    state_bytes: float  # per point
    measured_points: int

    @classmethod
    def read(cls, path: Path) -> Costs:
        """Core-seconds per point from the CPU time of the 1-lane in-process run (other load
        on the machine stretches wall time, not CPU time), split over the stages in the
        proportions of the 1-worker cluster run's stage times; efficiency from the CPU the
        2-worker run spent against the 1-worker run (the work parallelism adds)."""
        runs = json.loads(path.read_text())["runs"]
        local, one, two = runs["inprocess-1"], runs["cluster-1"], runs["cluster-2"]
        points = one["points"]
        core = local["cpu_s"] / points
        ends = {stage: times[1] for stage, times in one["stages"].items()}
        shares = [ends["partition"], ends["subtrees"] - ends["partition"],
                  ends["upper levels"] - ends["subtrees"], one["build_s"] - ends["upper levels"]]
        partition, subtrees, upper, coordinator = (core * share / one["build_s"]
                                                   for share in shares)
        return cls(partition, subtrees, upper, coordinator,
                   min(1.0, one["cpu_s"] / two["cpu_s"]), two["worker_mb"],
                   two["tileset_bytes"] / points, two["state_bytes"] / points, points)


@dataclass(frozen=True)
class Plan:
    workers: int
    tasks: int
    wall_h: float
    compute_h: float
    bound: str
    worker_gb: float


def block_shape(block_km: float, density: float) -> tuple[float, float]:
    """(points per block, points per fine cell) of a square block."""
    side_mm = block_km * 1e6 + 4000  # the planner's 2 m margin each side
    exponent = math.ceil(math.log2(side_mm))
    fine_level = max(0, min(MAX_FINE_LEVEL, exponent - FINE_CELL_BITS))
    fine_m = 2 ** (exponent - fine_level) / 1000
    return block_km**2 * 1e6 * density, fine_m**2 * density


def tasks_per_block(points: float, fine_points: float, workers: int, files: int) -> int:
    """Partition jobs (never across files) + subtree tasks + upper-level nodes of one
    block's build, sized as `tiles.pointcloud.build` sizes them for ``workers``."""
    job = max(MIN_PARTITION_JOB_POINTS,
              min(PARTITION_JOB_POINTS, points / (PARTITION_JOBS_PER_WORKER * workers)))
    task = max(fine_points, max(MIN_TASK_POINTS, min(TASK_POINTS, points / (3 * workers))))
    subtrees = math.ceil(points / task)
    partition = files * math.ceil(points / files / job)
    return partition + subtrees + math.ceil(subtrees / 3)  # 2D data: a quarter per level up


def plan(costs: Costs, points: float, blocks: int, fine_points: float, workers: int,
         options: argparse.Namespace, laz_bytes: float) -> Plan:
    files = max(1, round(options.block_km**2 / FILE_KM**2))
    tasks = blocks * tasks_per_block(points / blocks, fine_points, workers, files)
    core_s = points * (costs.partition + costs.subtrees + costs.upper)
    efficiency = costs.efficiency if workers > 1 else 1.0
    compute = core_s / (workers * efficiency) + points * costs.coordinator / min(workers,
                                                                                   blocks)
    moved = points * (laz_bytes + 2 * RECORD.itemsize + costs.tile_bytes)
    storage = moved / (options.storage_gb_s * 1e9)
    scheduler = tasks * options.scheduler_ms / 1000
    bound = max(("compute", compute), ("shared storage", storage), ("scheduler", scheduler),
                key=lambda item: item[1])
    scale = max(1.0, fine_points / TASK_POINTS)  # a task is at least one fine cell
    return Plan(workers, tasks, bound[1] / 3600, compute / 3600, bound[0],
                costs.worker_mb * scale / 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--area-km2", type=float, default=16_900)
    parser.add_argument("--density", default="8,10", help="points per m2 (a range: a,b)")
    parser.add_argument("--workers", default="1,16,64,256")
    parser.add_argument("--block-km", type=float, default=8.0)
    parser.add_argument("--storage-gb-s", type=float, default=1.0,
                        help="shared filesystem bandwidth (GB/s) all workers share")
    parser.add_argument("--scheduler-ms", type=float, default=1.0,
                        help="Dask scheduler time per task (ms; ~0.2-1 by Dask's own figures)")
    parser.add_argument("--measured", type=Path, default=MEASURED)
    options = parser.parse_args()
    if not options.measured.is_file():
        raise SystemExit(f"{options.measured} missing: run benchmarks/scale.py first")
    costs = Costs.read(options.measured)
    laz_bytes = sum(path.stat().st_size for path in DELFT) / DELFT_POINTS  # real AHN3 LAZ
    print(f"measured on {costs.measured_points:,} points: partition "
          f"{costs.partition * 1e6:.2f}, subtrees {costs.subtrees * 1e6:.2f}, upper levels "
          f"{costs.upper * 1e6:.2f} core-us/point; 2-worker efficiency "
          f"{costs.efficiency:.2f} (CPU); worker peak {costs.worker_mb:.0f} MB; tiles "
          f"{costs.tile_bytes:.1f} B/point, build state {costs.state_bytes:.1f} B/point; "
          f"LAZ {laz_bytes:.1f} B/point (AHN3)")
    blocks = math.ceil(options.area_km2 / options.block_km**2)
    for density in (float(d) for d in options.density.split(",")):
        points = options.area_km2 * 1e6 * density
        _, fine_points = block_shape(options.block_km, density)
        print(f"\nWallonia {options.area_km2:,.0f} km2 at {density:g} pts/m2: {points:.3g} "
              f"points, {blocks} blocks of {options.block_km:g} km, fine cell "
              f"{fine_points / 1e6:.2f} M points; output {points * costs.tile_bytes / 1e12:.2f}"
              f" TB of tiles + {points * costs.state_bytes / 1e12:.2f} TB of build state")
        if fine_points > TASK_POINTS:
            print(f"  warning: fine cells over TASK_POINTS ({TASK_POINTS:,}): smaller blocks")
        print(f"  {'workers':>7} {'tasks':>10} {'wall (h)':>9} {'compute (h)':>12} "
              f"{'bound':>15} {'GB/worker':>10}")
        for workers in (int(w) for w in options.workers.split(",")):
            result = plan(costs, points, blocks, fine_points, workers, options, laz_bytes)
            print(f"  {result.workers:>7} {result.tasks:>10,} {result.wall_h:>9.1f} "
                  f"{result.compute_h:>12.1f} {result.bound:>15} {result.worker_gb:>10.2f}")


if __name__ == "__main__":
    main()
