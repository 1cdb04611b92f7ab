"""Vector ingest benchmark: `twin ingest vector` against `ogr2ogr -f PostgreSQL`, side by side.

Two sources, each loaded by both tools into the same database in one run:

* the 4,241 cadastral parcels of Épinay-sur-Orge (GeoJSON, EPSG:4326 -> stored in EPSG:2154);
* a generated GeoPackage of 1,000,000 parcels (5-20 vertex polygons, EPSG:31370), written
  once into ``benchmarks/out/`` and reused;
* its first 200,000 parcels as GeoJSON (183 MB; ``--geojson-features``), the format GDAL
  parses whole on open.

`twin ingest` runs with every check on (validity, types, ids, CRS area, text) and writes the
storage geometry plus the derived EPSG:4326 and EPSG:3857 columns, three GIST indexes and a
primary key, atomically. ogr2ogr (``PG_USE_COPY=YES``) writes one geometry column with one
GIST index and checks nothing. Each load runs as a child process; its peak memory is that
child's maximum resident set size, as GNU time reports it. ``twin`` is the one of a user's
install, without the test tools (see ``benchmarks/installed.py``).

The small datasets are also loaded by ``floor_load.py``, the bare minimum a Python loader on
our libraries does (read, reproject, COPY one indexed geometry column; no checks). Its whole
command is the floor of any Python ``twin ingest``: on a file of a few thousand features it is
interpreter and imports, and the report sets it beside both tools.

Usage::

    python benchmarks/ingest.py [--database-url URL] [--features 1000000] [--repeat 1]
                                [--geojson-features 200000] [--current-venv]

The database defaults to TWIN_DATABASE_URL (or the private cluster of ``twin db up``); it is
migrated first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyogrio
import shapely
from installed import installed_bin  # benchmarks/installed.py (this folder is on sys.path)
from sqlalchemy import text
from sqlalchemy.engine import make_url

from gis import migrate
from gis.db import make_engine
from gis.errors import LayerNotFound
from gis.ingest.prune import prune_history
from twin.settings import Settings

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
EPINAY = REPO / "data" / "epinay_fr" / "epinay-sur-orge_cadastre-91216-parcelles.json"
CHUNK = 100_000
GNU_TIME = "/usr/bin/time"
FLOOR = "python floor"
#: Datasets up to this size are also loaded by ``floor_load.py`` (it holds the file in memory).
FLOOR_MAX_FEATURES = 100_000


@dataclass(frozen=True)
class Run:
    tool: str
    dataset: str
    features: int
    seconds: float
    max_rss_mb: float
    load_seconds: float  # without interpreter start-up (twin's own timing); = seconds for ogr2ogr

    @property
    def rate(self) -> float:
        return self.features / self.seconds

    @property
    def load_rate(self) -> float:
        return self.features / self.load_seconds


def parcels(n: int, seed: int, offset: int) -> pa.Table:
    """``n`` star-shaped (hence valid) parcels of 5-20 vertices around a jittered grid."""
    rng = np.random.default_rng(seed)
    index = np.arange(offset, offset + n)
    cx = 150000 + (index % 2000) * 25.0 + rng.uniform(-3, 3, n)
    cy = 160000 + (index // 2000) * 25.0 + rng.uniform(-3, 3, n)
    vertices = rng.integers(5, 21, n)
    owner = np.repeat(np.arange(n), vertices)
    # one vertex per angular sector around the centre: star-shaped, hence a simple polygon
    starts = np.cumsum(vertices) - vertices
    position = np.arange(vertices.sum()) - starts[owner]
    jitter = rng.uniform(-0.35, 0.35, vertices.sum())
    angles = (position + jitter) * 2 * np.pi / vertices[owner]
    radius = rng.uniform(6, 11, vertices.sum())
    x = cx[owner] + radius * np.cos(angles)
    y = cy[owner] + radius * np.sin(angles)
    rings = shapely.linearrings(np.column_stack([x, y]), indices=owner)
    polygons = shapely.polygons(rings)
    capakey = [f"24{i % 100:02d}{chr(65 + i % 26)}{i:07d}/00A000" for i in index]
    return pa.table({
        "capakey": pa.array(capakey),
        "section": pa.array([chr(65 + i % 8) for i in index]),
        "area": pa.array(shapely.area(polygons)),
        "zone": pa.array((index % 37).astype(np.int32)),
        "surveyed": pa.array(np.datetime64("2020-01-01") + (index % 1500).astype("timedelta64[D]")),
        "geometry": pa.array(shapely.to_wkb(polygons), type=pa.binary()),
    })


def generated_geopackage(features: int) -> Path:
    """The large GeoPackage, generated once (streamed in chunks, appended)."""
    path = OUT / f"parcels_{features}.gpkg"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.gpkg")
    partial.unlink(missing_ok=True)
    for start in range(0, features, CHUNK):
        table = parcels(min(CHUNK, features - start), seed=start, offset=start)
        pyogrio.write_arrow(table, partial, layer="parcels", driver="GPKG",
                            geometry_name="geometry", geometry_type="Polygon",
                            crs="EPSG:31370", append=start > 0)
        print(f"  generated {start + table.num_rows:,} parcels", flush=True)
    partial.rename(path)
    return path


def generated_geojson(geopackage: Path, features: int) -> Path:
    """The first ``features`` parcels of ``geopackage`` as GeoJSON, written once."""
    path = OUT / f"parcels_{features}.geojson"
    if not path.exists():
        partial = path.with_suffix(".partial.geojson")
        partial.unlink(missing_ok=True)
        subprocess.run(["ogr2ogr", "-f", "GeoJSON", str(partial), str(geopackage),
                        "-limit", str(features)], check=True)
        partial.rename(path)
    return path


def timed_child(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall time, peak RSS (MB) and stdout of one child process; fails loudly if it fails.

    The peak is measured by GNU time (Debian package ``time``), whose child it is: a child of
    this process would report at least this process's own peak (Linux keeps the forked
    image's high-water mark across ``exec``), 200 MB of NumPy and Arrow.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as peak:
        started = time.perf_counter()
        process = subprocess.run([GNU_TIME, "-f", "%M", "-o", peak.name, *argv], env=env,
                                 stdout=out, stderr=err, check=False)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        if process.returncode != 0:
            raise SystemExit(f"{argv[0]} failed: {stderr.strip()[-2000:]}")
        kilobytes = int(peak.read().split()[-1])
    return seconds, kilobytes / 1024, stdout


def pg_dsn(url: str) -> str:
    parsed = make_url(url)
    parts = [f"host={parsed.host or '127.0.0.1'}", f"port={parsed.port or 5432}",
             f"dbname={parsed.database}", f"user={parsed.username}"]
    if parsed.password:
        parts.append(f"password={parsed.password}")
    return "PG:" + " ".join(parts)


def run_twin(twin: Path, url: str, layer: str, path: Path, storage_crs: str, features: int,
             dataset: str) -> Run:
    argv = [str(twin), "ingest", "vector", str(path), "--layer", layer, "--json",
            "--storage-crs", storage_crs, "--title", f"Benchmark {dataset}", "--licence", "CC0",
            "--producer", "benchmark", "--contact-name", "bench",
            "--contact-email", "bench@example.org", "--access", "closed"]
    env = {**os.environ, "TWIN_DATABASE_URL": url, "TWIN_CONFIG_DIR": str(OUT / "no-config")}
    seconds, rss, stdout = timed_child(argv, env)
    load_seconds = float(json.loads(stdout)["seconds"])
    return Run("twin ingest", dataset, features, seconds, rss, load_seconds)


def run_ogr2ogr(url: str, table: str, path: Path, target_crs: str | None, features: int,
                dataset: str) -> Run:
    argv = ["ogr2ogr", "-f", "PostgreSQL", pg_dsn(url), str(path), "-nln", f"public.{table}",
            "-overwrite", "-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=GIST",
            "-nlt", "PROMOTE_TO_MULTI", "--config", "PG_USE_COPY", "YES"]
    if target_crs:
        argv += ["-t_srs", target_crs]
    seconds, rss, _stdout = timed_child(argv, dict(os.environ))
    return Run("ogr2ogr", dataset, features, seconds, rss, seconds)


def run_floor(python: Path, url: str, table: str, path: Path, storage_crs: str, features: int,
              dataset: str) -> Run:
    """The bare Python loader of ``floor_load.py``: what any Python command pays at least."""
    argv = [str(python), str(HERE / "floor_load.py"), str(path), storage_crs,
            pg_dsn(url).removeprefix("PG:"), table]
    seconds, rss, _stdout = timed_child(argv, dict(os.environ))
    return Run(FLOOR, dataset, features, seconds, rss, seconds)


def drop_old_versions(url: str, layer: str) -> None:
    """Each run retires the previous load into ``history`` (1M rows, 1.5 GB a time); drop
    those before timing, as ``ogr2ogr -overwrite`` drops its previous table."""
    engine = make_engine(url)
    try:
        prune_history(engine, layer, keep=0)
    except LayerNotFound:
        pass  # the first run
    finally:
        engine.dispose()


def count_rows(url: str, qualified: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(f"SELECT count(*) FROM {qualified}")).scalar_one()  # noqa: S608
    engine.dispose()
    return int(value)


def report(runs: list[Run]) -> None:
    print(f"\n{'dataset':<22}{'tool':<13}{'features':>10}{'command s':>10}{'feat/s':>9}"
          f"{'load s':>8}{'load feat/s':>12}{'peak RSS MB':>12}")
    for run in runs:
        print(f"{run.dataset:<22}{run.tool:<13}{run.features:>10,}{run.seconds:>10.2f}"
              f"{run.rate:>9,.0f}{run.load_seconds:>8.2f}{run.load_rate:>12,.0f}"
              f"{run.max_rss_mb:>12,.0f}")
    for dataset in dict.fromkeys(r.dataset for r in runs):
        ours = [r for r in runs if r.dataset == dataset and r.tool == "twin ingest"]
        theirs = [r for r in runs if r.dataset == dataset and r.tool == "ogr2ogr"]
        floor = [r for r in runs if r.dataset == dataset and r.tool == FLOOR]
        comparisons = [
            ("twin ingest / ogr2ogr, command", theirs, ours, lambda r: r.seconds),
            ("twin ingest / ogr2ogr, load without start-up", theirs, ours,
             lambda r: r.load_seconds),
            ("python floor / ogr2ogr, command", theirs, floor, lambda r: r.seconds),
            ("twin ingest / python floor, command", floor, ours, lambda r: r.seconds),
        ]
        for name, reference, measured, seconds in comparisons:
            if reference and measured:
                ratios = _ratios(reference, measured, seconds)
                print(f"{dataset}: {name}: features/s ratio {ratios}")


def _ratios(reference: list[Run], measured: list[Run], seconds: Callable[[Run], float]) -> str:
    """Best against best, then the median and range of the attempt-by-attempt ratios (the
    tools alternate, so attempt i of each ran under the same load of the machine)."""
    best = min(map(seconds, reference)) / min(map(seconds, measured))
    paired = [seconds(a) / seconds(b) for a, b in zip(reference, measured, strict=False)]
    if len(paired) < 2:
        return f"{best:.2f}"
    return (f"{best:.2f} best/best; per attempt median {statistics.median(paired):.2f}, "
            f"range {min(paired):.2f}-{max(paired):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--features", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--geojson-features", type=int, default=200_000,
                        help="parcels in the GeoJSON dataset (0: leave it out)")
    parser.add_argument("--current-venv", action="store_true",
                        help="time the twin of this venv (test tools included) instead of a "
                             "user's install (benchmarks/installed.py)")
    args = parser.parse_args()
    if not Path(GNU_TIME).is_file():
        raise SystemExit(f"{GNU_TIME} is missing: install GNU time (apt install time)")
    twin = (Path(sys.executable).parent if args.current_venv else installed_bin()) / "twin"
    url = args.database_url or Settings().url
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    big = generated_geopackage(args.features)
    datasets = [
        ("epinay (4,241)", EPINAY, "EPSG:2154", "EPSG:2154", 4241),
        (f"generated ({args.features:,})", big, "EPSG:31370", None, args.features),
    ]
    if args.geojson_features:
        datasets.append((f"GeoJSON ({args.geojson_features:,})",
                         generated_geojson(big, args.geojson_features), "EPSG:31370", None,
                         args.geojson_features))
    runs: list[Run] = []
    for number, (dataset, path, storage, ogr_target, features) in enumerate(datasets):
        for attempt in range(args.repeat):
            layer = f"bench_ingest_{number}"
            drop_old_versions(url, layer)
            print(f"{dataset}: twin ingest (attempt {attempt + 1})", flush=True)
            runs.append(run_twin(twin, url, layer, path, storage, features, dataset))
            assert count_rows(url, f'data."{layer}"') == features
            print(f"{dataset}: ogr2ogr (attempt {attempt + 1})", flush=True)
            runs.append(run_ogr2ogr(url, f"bench_ogr_{number}", path, ogr_target, features,
                                    dataset))
            assert count_rows(url, f"public.bench_ogr_{number}") == features
            if features <= FLOOR_MAX_FEATURES:
                print(f"{dataset}: python floor (attempt {attempt + 1})", flush=True)
                runs.append(run_floor(twin.parent / "python", url, f"bench_floor_{number}", path,
                                      storage, features, dataset))
                assert count_rows(url, f"public.bench_floor_{number}") == features
    report(runs)


if __name__ == "__main__":
    main()
