"""Point-cloud 3D Tiles: our build vs ``py3dtiles convert --jobs 2``, side by side, one run.

Inputs: the real Delft AHN3 files, plus generated 1M and 10M point LAZ files (terrain, houses,
trees; 16-bit RGB; RD New + NAP) written to benchmarks/out/. Each tool runs as a subprocess;
peak memory is the largest sum over its process tree (PSS, so pages shared by forked workers
count once), sampled every 50 ms. Run by hand, never as a timed test:

    /work/venv/bin/python benchmarks/pointcloud.py [--sizes 1000000,10000000] [--repeat 1]
                                                   [--skip-py3dtiles] [--rebuild-grid N]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import laspy
import numpy as np
import psutil
import pyproj

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "benchmarks" / "out"
VENV_BIN = Path(sys.executable).parent
DELFT = sorted((REPO / "data" / "delft").glob("ahn3_cropped_*.laz"))
CRS = "EPSG:28992+5709"


def generate(path: Path, points: int, seed: int = 1, place: tuple[int, int] = (0, 0),
             cached: bool = True) -> Path:
    """A synthetic but LiDAR-like tile: 20 points/m2 over a square around Delft; ``place``
    is its (column, row) in a grid of such tiles."""
    if cached and path.is_file() and laspy.open(path).header.point_count == points:
        return path
    rng = np.random.default_rng(seed)
    side = float(np.sqrt(points / 20.0))
    offset = (place[0] * side, place[1] * side)
    header = laspy.LasHeader(point_format=7, version="1.4")
    header.scales = np.array([0.001, 0.001, 0.001])
    header.offsets = np.array([84000.0, 446000.0, 0.0])
    header.add_crs(pyproj.CRS.from_user_input("EPSG:7415"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with laspy.open(path, mode="w", header=header) as writer:
        for start in range(0, points, 2_000_000):
            count = min(2_000_000, points - start)
            writer.write_points(_chunk(header, rng, count, side, offset))
    return path


def _chunk(header: laspy.LasHeader, rng: np.random.Generator, count: int, side: float,
           offset: tuple[float, float]) -> laspy.ScaleAwarePointRecord:
    record = laspy.ScaleAwarePointRecord.zeros(count, header=header)
    x = offset[0] + rng.uniform(0, side, count)
    y = offset[1] + rng.uniform(0, side, count)
    terrain = 0.5 * np.sin(x / 40.0) + 0.3 * np.cos(y / 25.0)
    house = ((x % 30) < 12) & ((y % 30) < 10)
    tree = ~house & (rng.random(count) < 0.15)
    z = terrain + np.where(house, 9.0 + (x % 30) * 0.2, 0.0) + np.where(
        tree, rng.uniform(1, 12, count), 0.0)
    record.x, record.y, record.z = 84000.0 + x, 446000.0 + y, z
    record.classification = np.where(house, 6, np.where(tree, 5, 2)).astype(np.uint8)
    record.intensity = rng.integers(0, 4000, count).astype(np.uint16)
    record.return_number = np.ones(count, dtype=np.uint8)
    record.number_of_returns = np.ones(count, dtype=np.uint8)
    grey = rng.integers(0, 65535, count).astype(np.uint16)
    record.red, record.green, record.blue = grey, (grey * 0.9).astype(np.uint16), grey // 2
    return record


def measure(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak PSS (MB) and standard output of a command's whole process tree."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = psutil.Popen(command, stdout=output, stderr=subprocess.PIPE)
        peak = 0
        while process.poll() is None:
            total = 0
            try:
                for proc in [process, *process.children(recursive=True)]:
                    with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                        total += proc.memory_full_info().pss
            except psutil.NoSuchProcess:
                pass
            peak = max(peak, total)
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        if process.returncode != 0:
            raise RuntimeError(
                f"{command[:3]} failed: {process.stderr.read().decode()[-2000:]}")
        output.seek(0)
        return elapsed, peak / 2**20, output.read().decode(errors="replace")


def ours(files: list[Path], out: Path, colour: bool) -> list[str]:
    divisor = "256" if colour else "None"
    code = (
        "import sys; from pathlib import Path;"
        "from tiles.pointcloud.build import build_pointcloud, sources_from_headers;"
        f"s = sources_from_headers([Path(p) for p in sys.argv[1:]], {CRS!r}, {divisor});"
        f"build_pointcloud(s, Path({str(out)!r}), workers=2)"
    )
    return [sys.executable, "-c", code, *map(str, files)]


def ours_incremental(files: list[Path], out: Path) -> list[str]:
    """Our build with the files' checksums (as the LiDAR index gives them): a rebuild then
    rebuilds only what changed."""
    code = (
        "import sys, hashlib; from pathlib import Path;"
        "from tiles.pointcloud.build import build_pointcloud, sources_from_headers;"
        "from tiles.pointcloud.partition import PointSource;"
        f"s = sources_from_headers([Path(p) for p in sys.argv[1:]], {CRS!r}, 256);"
        "s = [PointSource(x.path, x.crs, x.point_count, x.bounds, x.rgb_divisor,"
        " hashlib.sha256(Path(x.path).read_bytes()).hexdigest()) for x in s];"
        f"r = build_pointcloud(s, Path({str(out)!r}), workers=2);"
        "print(r.partial, r.files_read, r.tasks_built, r.tasks_kept)"
    )
    return [sys.executable, "-c", code, *map(str, files)]


def rebuild_scenario(grid: int, points: int) -> None:
    """A layer of ``grid`` x ``grid`` tiles: a full build, then the build after the centre
    tile was resurveyed (regenerated with other points), which rebuilds only its part."""
    files = [generate(OUT / "grid" / f"tile_{c}_{r}.laz", points, seed=c * grid + r + 10,
                      place=(c, r)) for c in range(grid) for r in range(grid)]
    target = OUT / "tiles_ours_grid"
    shutil.rmtree(target, ignore_errors=True)
    full, _, _ = measure(ours_incremental(files, target))
    centre = files[(grid // 2) * grid + grid // 2]
    generate(centre, points, seed=int(time.time()), place=(grid // 2, grid // 2), cached=False)
    rebuilt, _, report = measure(ours_incremental(files, target))
    partial, files_read, built, kept = report.split()
    if partial != "True":
        raise SystemExit(f"the rebuild after one tile changed was not partial: {report}")
    total = grid * grid * points
    print(f"\nrebuild: {grid}x{grid} tiles of {points:,} points ({total:,}): full build "
          f"{full:.1f} s, after the centre tile changed {rebuilt:.1f} s "
          f"({full / rebuilt:.1f}x faster: {files_read} of {grid * grid} files read, {built} "
          f"subtrees rebuilt, {kept} kept)", flush=True)


def py3dtiles(files: list[Path], out: Path, colour: bool) -> list[str]:
    command = [str(VENV_BIN / "py3dtiles"), "convert", *map(str, files), "--out", str(out),
               "--overwrite", "--jobs", "2", "--srs_in", "7415", "--srs_out", "4978"]
    if colour:
        command += ["--color_scale", str(1 / 256)]
    return command


@dataclass
class ToolRun:
    seconds: float
    points_per_s: int
    peak_mb: int


@dataclass
class Pair:
    """One run of each tool on one input."""

    input: str
    points: int
    ours: ToolRun
    py3dtiles: ToolRun | None = None

    @property
    def speed_ratio(self) -> float | None:
        return self.py3dtiles.seconds / self.ours.seconds if self.py3dtiles else None

    @property
    def memory_ratio(self) -> float | None:
        return self.ours.peak_mb / self.py3dtiles.peak_mb if self.py3dtiles else None


def run_tool(tool: str, files: list[Path], colour: bool, points: int, name: str) -> ToolRun:
    target = OUT / f"tiles_{tool}_{points}"
    shutil.rmtree(target, ignore_errors=True)
    seconds, peak, _ = measure((ours if tool == "ours" else py3dtiles)(files, target, colour))
    print(f"{name:22} {tool:10} {points:>11,} pts {seconds:7.1f} s "
          f"{points / seconds:>11,.0f} pts/s {peak:7.0f} MB", flush=True)
    return ToolRun(round(seconds, 2), round(points / seconds), round(peak))


def run_pair(name: str, files: list[Path], colour: bool, points: int,
             skip_py3dtiles: bool) -> Pair:
    pair = Pair(name, points, run_tool("ours", files, colour, points, name))
    if not skip_py3dtiles:
        pair.py3dtiles = run_tool("py3dtiles", files, colour, points, name)
        print(f"{'':22} ratio: {pair.speed_ratio:.2f}x points/s, "
              f"{pair.memory_ratio:.2f}x peak memory", flush=True)
    return pair


def summary(pairs: list[Pair]) -> None:
    """Per input over the repeats: the median and range of the ratios, and the ratio of the
    median times (a single run of either tool swings by 10-15% on small inputs)."""
    print()
    for name in dict.fromkeys(p.input for p in pairs):
        runs = [p for p in pairs if p.input == name and p.py3dtiles is not None]
        if not runs:
            continue
        speed = [p.speed_ratio or 0.0 for p in runs]
        memory = [p.memory_ratio or 0.0 for p in runs]
        ours_s = statistics.median(p.ours.seconds for p in runs)
        theirs_s = statistics.median(p.py3dtiles.seconds for p in runs if p.py3dtiles)
        print(f"{name:22} {len(runs)} run(s): speed ratio median {statistics.median(speed):.2f}"
              f" (range {min(speed):.2f}-{max(speed):.2f}), median times {ours_s:.2f} s vs "
              f"{theirs_s:.2f} s = {theirs_s / ours_s:.2f}x; memory ratio "
              f"{min(memory):.2f}-{max(memory):.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each tool per input (alternating), summarised by medians")
    parser.add_argument("--skip-py3dtiles", action="store_true")
    parser.add_argument("--rebuild-grid", type=int, default=0, metavar="N",
                        help="also time a partial rebuild of N x N tiles of 1M points")
    args = parser.parse_args()
    inputs: list[tuple[str, list[Path], bool]] = [("delft (real AHN3)", DELFT, False)]
    for size in (int(s) for s in args.sizes.split(",") if s):
        inputs.append((f"generated {size / 1e6:g}M", [generate(OUT / f"gen_{size}.laz", size)],
                       True))
    pairs = []
    for name, files, colour in inputs:
        points = sum(laspy.open(f).header.point_count for f in files)
        for _ in range(args.repeat):
            pairs.append(run_pair(name, files, colour, points, args.skip_py3dtiles))
    summary(pairs)
    if args.rebuild_grid:
        rebuild_scenario(args.rebuild_grid, 1_000_000)
    (OUT / "pointcloud.json").write_text(json.dumps(
        [{**asdict(p), "speed_ratio": p.speed_ratio, "memory_ratio": p.memory_ratio}
         for p in pairs], indent=2))


if __name__ == "__main__":
    main()
