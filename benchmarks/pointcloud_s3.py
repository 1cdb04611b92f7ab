"""Point-cloud build from object storage vs the same build from local files, one run.

The Delft AHN3 files are uploaded to a local S3-compatible server (moto's server mode, in this
process: never a real cloud), and the tileset is built twice with the same lanes: from the
files on disk and from their ``s3://`` URLs (partition jobs read the objects through fsspec's
read-ahead buffer). Prints each wall time, the ratio S3 / local and whether the tiles are the
same bytes. Run by hand, never as a timed test:

    .venv/bin/python benchmarks/pointcloud_s3.py [--workers 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import socket
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import s3fs
from moto.server import ThreadedMotoServer

from tiles.pointcloud.build import build_pointcloud, sources_from_headers
from tiles.pointcloud.partition import PointSource

REPO = Path(__file__).resolve().parent.parent
DELFT = sorted((REPO / "data" / "delft").glob("ahn3_cropped_*.laz"))
CRS = "EPSG:28992+5709"
BUCKET = "bench-pointcloud"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.glb"))}


def _timed(sources: list[PointSource], out: Path, workers: int,
           options: dict[str, Any] | None) -> float:
    start = time.perf_counter()
    build_pointcloud(sources, out, workers=workers, incremental=False,
                     storage_options=options)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        options = {"endpoint_url": f"http://127.0.0.1:{port}", "key": "bench",
                   "secret": "bench", "client_kwargs": {"region_name": "eu-west-1"}}
        fs = s3fs.S3FileSystem(**options)
        fs.mkdir(BUCKET)
        for path in DELFT:
            fs.put_file(str(path), f"{BUCKET}/{path.name}")
        local = sources_from_headers(DELFT, CRS)
        remote = [replace(s, path=f"s3://{BUCKET}/{Path(s.path).name}") for s in local]
        points = sum(s.point_count for s in local)
        times: dict[str, list[float]] = {"local": [], "s3": []}
        with tempfile.TemporaryDirectory(prefix="bench-pc-s3-") as scratch:
            root = Path(scratch)
            for _ in range(args.repeat):
                times["local"].append(_timed(local, root / "local", args.workers, None))
                times["s3"].append(_timed(remote, root / "s3", args.workers, options))
            same = _digests(root / "local") == _digests(root / "s3")
    finally:
        server.stop()
    best = {name: min(values) for name, values in times.items()}
    print(f"Delft AHN3, {len(DELFT)} files, {points:,} points, {args.workers} lanes, "
          f"best of {args.repeat}")
    for name, values in times.items():
        print(f"  {name:5s} {best[name]:6.2f} s (median {statistics.median(values):.2f} s)")
    print(f"  ratio s3/local {best['s3'] / best['local']:.2f}; tiles identical: {same}")


if __name__ == "__main__":
    main()
