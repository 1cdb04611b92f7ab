"""Measured scaling of the point-cloud build: in-process vs a Dask LocalCluster of 1 and of 2
workers (spawned processes, 1 thread each), on a generated cloud, one run each.

The cloud (``--points``, default 100 M) is a grid of LAZ tiles of ``--tile-points`` each,
written 2 M points at a time (`pointcloud.generate`): never whole in memory. Each engine runs
in its own subprocess; peak memory is sampled every 50 ms per process of its tree (PSS), so
the coordinator and each worker are told apart. Prints points/s, peak memory per worker, the
2-vs-1-worker speed-up and the cluster's overhead against in-process at the same cores, and
writes the per-task costs `scale_plan.py` plans from to benchmarks/out/scale.json.

A shared or virtual machine drifts by ±10 % between two equal builds, as much as the overhead
being measured, so ``--repeat N`` runs the four engines N times *interleaved* (one round of
each engine, then the next round: slow periods hit every engine alike) and compares the
median builds; the spread (lowest-highest) of each engine is printed beside it. Run by hand,
never as a timed test:

    .venv/bin/python benchmarks/scale.py [--points 100000000] [--tile-points 5000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import laspy
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pointcloud import CRS, OUT, generate

MODES = ("inprocess-1", "cluster-1", "inprocess-2", "cluster-2")


def cloud(points: int, tile_points: int) -> list[Path]:
    """The generated cloud: ``points`` in tiles of ``tile_points`` on a square grid."""
    count = math.ceil(points / tile_points)
    columns = math.ceil(math.sqrt(count))
    files = []
    for index in range(count):
        size = min(tile_points, points - index * tile_points)
        files.append(generate(OUT / "scale" / f"tile_{index:03d}_{size}.laz", size,
                              seed=100 + index, place=(index % columns, index // columns)))
    return files


def child(mode: str, out: Path, files: list[Path]) -> None:
    """One build (in the measured subprocess); prints its timings as JSON."""
    from tiles.engine.cluster import build_engine
    from tiles.pointcloud.build import TASK_MODULES, build_pointcloud, sources_from_headers

    engine_kind, lanes = mode.split("-")
    sources = sources_from_headers(files, CRS, 256)
    stages: dict[str, list[float]] = {}
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter() - build_started
        first = stages.setdefault(stage, [now, now, 0.0])
        first[1], first[2] = now, float(total)

    workers = int(lanes) if engine_kind == "cluster" else None
    with build_engine(workers=workers, warm_up=TASK_MODULES) as engine:
        pids = ([] if engine.executor is None
                else list(engine.executor.client.run(os.getpid).values()))  # type: ignore[attr-defined]
        startup = time.perf_counter() - started
        build_started = time.perf_counter()
        result = build_pointcloud(sources, out, executor=engine.executor,
                                  workers=engine.lanes or int(lanes), progress=progress,
                                  incremental=False)
        seconds = time.perf_counter() - build_started
    tileset = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    state = sum(p.stat().st_size for p in out.parent.glob(f".{out.name}.state/**/*")
                if p.is_file())
    print(json.dumps({"mode": mode, "points": result.points, "tiles": result.tiles,
                      "startup_s": startup, "build_s": seconds, "stages": stages,
                      "worker_pids": pids, "tileset_bytes": tileset, "state_bytes": state}))


def sample(command: list[str]) -> tuple[float, dict[int, float], dict[int, float], str]:
    """Wall seconds, peak PSS (MB) and CPU seconds (user + system) of each process of the
    tree -- CPU is robust to other load on the machine, unlike wall time --, standard
    output."""
    peaks: dict[int, float] = {}
    cpu: dict[int, float] = {}
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = psutil.Popen(command, stdout=output, stderr=subprocess.PIPE)
        while process.poll() is None:
            with contextlib.suppress(psutil.NoSuchProcess):
                for proc in [process, *process.children(recursive=True)]:
                    with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                        mb = proc.memory_full_info().pss / 2**20
                        peaks[proc.pid] = max(peaks.get(proc.pid, 0.0), mb)
                        times = proc.cpu_times()
                        cpu[proc.pid] = times.user + times.system
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        if process.returncode != 0:
            raise RuntimeError(f"{command[3]} failed: {process.stderr.read().decode()[-3000:]}")
        output.seek(0)
        return elapsed, peaks, cpu, output.read().decode()


@dataclass
class Run:
    mode: str
    points: int
    build_s: float
    wall_s: float
    startup_s: float
    cpu_s: float  # user + system of every process, start-up included
    worker_cpu_s: float  # user + system of the build's lanes: the cluster's workers, or the
    # in-process coordinator (lane 0) and its spawned lanes -- the rest is the engine's
    points_per_s: float
    coordinator_mb: float
    worker_mb: float  # the largest peak of one worker process (0: none apart)
    stages: dict[str, list[float]]
    tileset_bytes: int
    state_bytes: int


def run(mode: str, files: list[Path]) -> Run:
    out = OUT / "scale_tiles" / mode
    shutil.rmtree(out.parent, ignore_errors=True)
    out.parent.mkdir(parents=True)
    wall, peaks, cpus, text = sample([sys.executable, __file__, "--child", mode, "--out", str(out),
                                *map(str, files)])
    report = json.loads(text.strip().splitlines()[-1])
    cpu = sum(cpus.values())
    workers = report["worker_pids"]
    if workers:
        worker_mb = max(peaks.get(pid, 0.0) for pid in workers)
        coordinator = max(mb for pid, mb in peaks.items() if pid not in workers)
        lanes_cpu = sum(cpus.get(pid, 0.0) for pid in workers)
    else:  # in-process: the spawned lanes are the children other than the first
        children = sorted(peaks.items())
        coordinator = children[0][1]
        worker_mb = max((mb for _, mb in children[1:]), default=0.0)
        lanes_cpu = cpu
    shutil.rmtree(out.parent, ignore_errors=True)
    result = Run(mode, report["points"], report["build_s"], wall, report["startup_s"], cpu,
                 lanes_cpu,
                 report["points"] / report["build_s"], coordinator, worker_mb,
                 report["stages"], report["tileset_bytes"], report["state_bytes"])
    print(f"{mode:12} {result.points:>12,} pts  build {result.build_s:7.1f} s "
          f"({result.points_per_s:>11,.0f} pts/s)  start {result.startup_s:4.1f} s  "
          f"CPU {cpu:6.1f} s (lanes {lanes_cpu:6.1f} s)  "
          f"coordinator {coordinator:6.0f} MB  worker peak {worker_mb:6.0f} MB", flush=True)
    return result


def median_run(runs: list[Run]) -> Run:
    """The run of median build time (the lower middle one of an even count): a real run,
    so its memory, CPU and stages belong together."""
    middle = statistics.median_low([r.build_s for r in runs])
    return next(r for r in runs if r.build_s == middle)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=100_000_000)
    parser.add_argument("--tile-points", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=1,
                        help="interleaved rounds of the four engines; medians compared")
    parser.add_argument("--child", choices=MODES)
    parser.add_argument("--out", type=Path)
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.out, args.files)
        return
    started = time.perf_counter()
    files = cloud(args.points, args.tile_points)
    points = sum(laspy.open(f).header.point_count for f in files)
    print(f"cloud: {points:,} points in {len(files)} LAZ files "
          f"({sum(f.stat().st_size for f in files) / 2**20:,.0f} MB), ready in "
          f"{time.perf_counter() - started:.0f} s; {os.cpu_count()} cores", flush=True)
    rounds = [{mode: run(mode, files) for mode in MODES} for _ in range(args.repeat)]
    runs = {mode: median_run([r[mode] for r in rounds]) for mode in MODES}
    if args.repeat > 1:
        print(f"\nmedians of {args.repeat} interleaved rounds (lowest-highest):")
        for mode in MODES:
            builds = [r[mode].build_s for r in rounds]
            print(f"{mode:12} build {runs[mode].build_s:7.1f} s "
                  f"({min(builds):.1f}-{max(builds):.1f})  CPU {runs[mode].cpu_s:6.1f} s")
    one, two = runs["cluster-1"], runs["cluster-2"]
    print(f"\n2 vs 1 worker: {one.build_s / two.build_s:.2f}x the points/s "
          f"(in-process 2 vs 1 lane: "
          f"{runs['inprocess-1'].build_s / runs['inprocess-2'].build_s:.2f}x)")
    for lanes in ("1", "2"):
        local, cluster = runs[f"inprocess-{lanes}"], runs[f"cluster-{lanes}"]
        print(f"cluster overhead at {lanes} core(s): build "
              f"{100 * (cluster.build_s / local.build_s - 1):+.1f} % vs in-process, "
              f"{100 * ((cluster.build_s + cluster.startup_s) / local.build_s - 1):+.1f} % with "
              f"the cluster's start-up ({cluster.startup_s:.1f} s); CPU "
              f"{100 * (cluster.cpu_s / local.cpu_s - 1):+.1f} % ({cluster.cpu_s:.1f} s vs "
              f"{local.cpu_s:.1f} s, start-up included)")
    (OUT / "scale.json").write_text(json.dumps(
        {"points": points, "files": len(files), "cores": os.cpu_count(),
         "runs": {mode: asdict(r) for mode, r in runs.items()},
         "rounds": [{mode: asdict(r) for mode, r in each.items()} for each in rounds]},
        indent=2))
    print(f"per-task costs written to {OUT / 'scale.json'} (benchmarks/scale_plan.py)")


if __name__ == "__main__":
    main()
