"""``crs=`` requests before and after: PostGIS reprojecting (a server with the grids) versus
the service reprojecting (a server without them, `twin.ogc.reproject`), same data, same run.

Two private clusters are started: the usual one (grids in its PROJ folder) and one with only
the system's PROJ data (`gis.cluster.Cluster(grids=False)`), each holding the generated
parcels of benchmarks/ogcapi.py (13-vertex polygons, EPSG:31370). ``twin serve`` runs on
each; requests ask for EPSG:3812 (Belgian Lambert 2008: the BD72 -> ETRS89 grid), in pages
of 10, 100 and 1000 features, single items, and a ``bbox-crs`` page. Prints medians (ms) and
the ratio service / PostGIS (target: at most 1.5). A benchmark, never a test.

    python benchmarks/crs_transforms.py [--features 50000] [--rounds 15]
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
from pathlib import Path

import httpx
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from ogcapi import (  # noqa: E402  (benchmarks/ogcapi.py: the same parcels and server)
    LAYER,
    build_table,
    console,
    free_port,
    median_ms,
    ours,
)

from gis import migrate  # noqa: E402
from gis.cluster import Cluster  # noqa: E402
from gis.db import make_engine  # noqa: E402
from gis.server_transforms import probe_pair  # noqa: E402

EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
DATABASE = "twin_bench_crs"


def cluster_url(root: Path, grids: bool) -> str:
    probe = Cluster(root=root, port=0, grids=grids)
    port = probe.running_port()
    if port is None:
        port = free_port()
    cluster = Cluster(root=root, port=port, grids=grids)
    cluster.up()
    return cluster.create_database(DATABASE)


def queries(base: str) -> dict[str, str]:
    items = f"{base}/collections/{LAYER}/items"
    crs = f"crs={EPSG}3812"
    x, y = 673_000.0, 674_200.0  # Leuven in EPSG:3812, where the parcels are
    return {
        "item": f"{items}/1234?{crs}",
        "page of 10": f"{items}?{crs}&limit=10&offset=500",
        "page of 100": f"{items}?{crs}&limit=100&offset=2000",
        "page of 1000": f"{items}?{crs}&limit=1000&offset=4000",
        "bbox-crs page of 100": (f"{items}?{crs}&limit=100&bbox-crs={EPSG}3812"
                                 f"&bbox={x - 400},{y - 400},{x + 400},{y + 400}"),
        "control: storage CRS, page of 1000": f"{items}?crs={EPSG}31370&limit=1000&offset=4000",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--features", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    urls = {"PostGIS (grids)": cluster_url(REPO / "var" / "bench-postgres", True),
            "service (no grids)": cluster_url(REPO / "var" / "bench-postgres-nogrids", False)}
    for name, url in urls.items():
        engine = make_engine(url)
        migrate.upgrade(engine)
        build_table(engine, args.features)
        probe = probe_pair(engine, 31370, 3812)
        console.print(f"{name}: {probe.describe()}")
        engine.dispose()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, url in urls.items():
            work = Path(tmp) / name.split()[0]
            work.mkdir()
            with ours(url, work) as server, httpx.Client(timeout=300) as client:
                results[name] = {label: median_ms(client, query, args.rounds)
                                 for label, query in queries(server.base).items()}
    table = Table("request (crs=EPSG:3812)", *results, "ratio")
    before, after = (results[n] for n in urls)
    for label in before:
        table.add_row(label, f"{before[label]:.1f} ms", f"{after[label]:.1f} ms",
                      f"{after[label] / before[label]:.2f}")
    console.print(table)


if __name__ == "__main__":
    main()
