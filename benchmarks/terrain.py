"""Quantized-mesh terrain: our build vs a straightforward baseline, side by side, one run.

Inputs: the demo DTM (Delft AHN3, 0.5 m, gridded here from ``data/delft`` as ``twin build
dem`` does) and a generated ``--size-km`` square 1 m DTM (hills, dikes, ditches, 3 cm noise;
RD New + NAP) written as a COG to a temporary folder. For each, over the same tiles:

- ours: ``tiles.terrain.build.build_terrain`` (float64 encoder, shared edges, geoid per
  sample, octvertexnormals + metadata, gzip);
- baseline: per tile a rio-tiler ``part`` read (bilinear, reprojected to EPSG:4326), the
  geoid undulation of the tile's centre added, pydelatin at the same error per level, and
  quantized-mesh-encoder 0.5.0's ``encode``, gzip, sequential.

Reported: tiles, seconds, tiles/s (and ours/baseline), vertices per tile, size on disk, and
the median and maximum |Δz| at the finest level (random points in sampled tiles, surface vs
DTM cell + geoid). Run by hand, never as a timed test:

    .venv/bin/python benchmarks/terrain.py [--size-km 10] [--skip-generated] [--sample-tiles 30]
"""

from __future__ import annotations

import argparse
import gzip
import io
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import quantized_mesh_encoder
import rasterio
from pydelatin import Delatin
from rasterio.crs import CRS
from rasterio.transform import from_origin
from rio_tiler.errors import TileOutsideBounds
from rio_tiler.io import Reader

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gis.geodesy import transformer  # noqa: E402
from gis.raster.cog import write_surface  # noqa: E402
from gis.raster.dem import GridSpec, fill_gaps, footprint_mask, grid_points  # noqa: E402
from tiles.terrain.build import DemInput, build_terrain, make_tile, tile_set, tolerance  # noqa: E402
from tiles.terrain.sampling import DemSource  # noqa: E402
from tiles.terrain.scheme import TileId, cells_per_tile, finest_level, tile_bounds  # noqa: E402

CRS_NAP = "EPSG:28992+5709"
DELFT = sorted((REPO / "data" / "delft").glob("ahn3_cropped_*.laz"))
FINEST_ERROR = 0.15


@dataclass
class Run:
    name: str
    tiles: int
    seconds: float
    vertices: list[int]
    bytes_on_disk: int
    errors: list[float]
    finest_vertices: list[int]

    def row(self) -> str:
        return (f"{self.name:<9} {self.tiles:>6} {self.seconds:>8.1f} "
                f"{self.tiles / self.seconds:>8.1f} {statistics.mean(self.vertices):>9,.0f} "
                f"{statistics.mean(self.finest_vertices):>9,.0f} "
                f"{max(self.vertices):>8,} {self.bytes_on_disk / 1e6:>8.2f} "
                f"{np.median(self.errors):>8.3f} {np.percentile(self.errors, 99):>8.2f} "
                f"{np.max(self.errors):>8.2f}")


def demo_dtm(folder: Path) -> Path:
    """The Delft DTM at 0.5 m, gridded and gap-filled as ``twin build dem`` does."""
    import laspy

    bounds = [np.inf, np.inf, -np.inf, -np.inf]
    for path in DELFT:
        header = laspy.open(path).header
        bounds = [min(bounds[0], header.mins[0]), min(bounds[1], header.mins[1]),
                  max(bounds[2], header.maxs[0]), max(bounds[3], header.maxs[1])]
    grid = GridSpec.covering((bounds[0], bounds[1], bounds[2], bounds[3]), 0.5)
    measured, covered = grid_points(DELFT, grid, "dtm")
    surface = fill_gaps(measured, footprint_mask(grid, [], covered))
    path = folder / "delft_dtm.tif"
    write_surface(path, surface.values, grid, CRS.from_epsg(28992).to_wkt())
    return path


def generated_dtm(folder: Path, size_km: float, resolution: float = 1.0) -> Path:
    """A polder-like 1 m DTM around Delft, written block by block, then made a COG."""
    cells = int(size_km * 1000 / resolution)
    west, north = 80_000.0, 450_000.0
    plain = folder / "generated_plain.tif"
    profile = {"driver": "GTiff", "width": cells, "height": cells, "count": 1,
               "dtype": "float32", "crs": CRS.from_epsg(28992), "nodata": -9999.0,
               "transform": from_origin(west, north, resolution, resolution),
               "tiled": True, "blockxsize": 512, "blockysize": 512, "BIGTIFF": "IF_SAFER"}
    rng = np.random.default_rng(7)
    with rasterio.open(plain, "w", **profile) as out:
        for start in range(0, cells, 512):
            rows = min(512, cells - start)
            y = (start + np.arange(rows))[:, None] * resolution
            x = np.arange(cells)[None, :] * resolution
            hills = (3 * np.sin(x / 900) * np.cos(y / 1300) + 1.5 * np.sin((x + y) / 260)
                     + 0.6 * np.cos(x / 75) * np.sin(y / 110))
            dikes = 4 * np.exp(-((((x * 0.8 + y * 0.6) % 1500) - 750) / 6) ** 2)
            ditches = -1.2 * (((x % 120) < 2) | ((y % 240) < 2))
            noise = rng.normal(0, 0.03, (rows, cells))
            values = (hills + dikes + ditches + noise - 1.0).astype(np.float32)
            out.write(values, 1, window=rasterio.windows.Window(0, start, cells, rows))
    path = folder / f"generated_{size_km:g}km.tif"
    rasterio.shutil.copy(plain, path, driver="COG", COMPRESS="DEFLATE", PREDICTOR="FLOATING_POINT",
                         BLOCKSIZE=512, OVERVIEWS="AUTO", OVERVIEW_RESAMPLING="AVERAGE",
                         BIGTIFF="IF_SAFER")
    plain.unlink()
    return path


def surface_heights(lon: np.ndarray, lat: np.ndarray, height: np.ndarray,
                    triangles: np.ndarray, px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """Heights of a triangle mesh at points (barycentric), NaN outside it."""
    a, b, c = (np.stack([lon[triangles[:, k]], lat[triangles[:, k]], height[triangles[:, k]]],
                        axis=1) for k in range(3))
    det = (b[:, 1] - c[:, 1]) * (a[:, 0] - c[:, 0]) + (c[:, 0] - b[:, 0]) * (a[:, 1] - c[:, 1])
    out = np.full(len(px), np.nan)
    keep = det != 0  # the float32 cast can collapse a sliver
    a, b, c, det = a[keep], b[keep], c[keep], det[keep]
    for i, (x, y) in enumerate(zip(px, py, strict=True)):
        w1 = ((b[:, 1] - c[:, 1]) * (x - c[:, 0]) + (c[:, 0] - b[:, 0]) * (y - c[:, 1])) / det
        w2 = ((c[:, 1] - a[:, 1]) * (x - c[:, 0]) + (a[:, 0] - c[:, 0]) * (y - c[:, 1])) / det
        w3 = 1 - w1 - w2
        inside = np.flatnonzero((w1 >= -1e-9) & (w2 >= -1e-9) & (w3 >= -1e-9))
        if len(inside):
            k = inside[0]
            out[i] = w1[k] * a[k, 2] + w2[k] * b[k, 2] + w3[k] * c[k, 2]
    return out


def reference(dtm: Path, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """DTM cell value + geoid undulation at lon/lat points (NaN: no data)."""
    x, y, minus_n = transformer("EPSG:4979", CRS_NAP).transform(lon, lat, np.zeros_like(lon))
    with rasterio.open(dtm) as dataset:
        values = np.array([v[0] for v in dataset.sample(zip(x, y, strict=True))], dtype=float)
        values[values == dataset.nodata] = np.nan
    return values - np.asarray(minus_n)


def measure(dtm: Path, meshes: dict[TileId, tuple[np.ndarray, ...]], seed: int) -> list[float]:
    rng = np.random.default_rng(seed)
    errors: list[float] = []
    for tile, (lon, lat, height, triangles) in meshes.items():
        west, south, east, north = tile_bounds(tile)
        px, py = rng.uniform(west, east, 300), rng.uniform(south, north, 300)
        expected = reference(dtm, px, py)
        got = surface_heights(lon, lat, height, triangles, px, py)
        keep = np.isfinite(expected) & np.isfinite(got)
        errors.extend(np.abs(got[keep] - expected[keep]).tolist())
    return errors


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.terrain"))


def run_ours(dtm: Path, out: Path, sampled: list[TileId]) -> Run:
    start = time.perf_counter()
    built = build_terrain([DemInput("bench", dtm, CRS_NAP)], out, finest_error=FINEST_ERROR)
    seconds = time.perf_counter() - start
    source = DemSource.open(dtm, CRS_NAP)
    meshes = {}
    for tile in sampled:
        mesh = make_tile([source], tile, built.max_zoom, FINEST_ERROR)
        meshes[tile] = (mesh.lon, mesh.lat, mesh.height, mesh.triangles)
    source.close()
    finest = [v for t, v in zip(built.written, built.vertices, strict=True)
              if t.z == built.max_zoom]
    return Run("ours", len(built.written), seconds, built.vertices, folder_bytes(out),
               measure(dtm, meshes, 1), finest)


def run_baseline(dtm: Path, out: Path, tiles: list[TileId], zoom: int,
                 sampled: set[TileId]) -> Run:
    wgs84 = CRS.from_epsg(4326)
    to_nap = transformer("EPSG:4979", CRS_NAP)
    meshes = {}
    vertices = []
    start = time.perf_counter()
    with Reader(str(dtm)) as reader:
        for tile in tiles:
            west, south, east, north = tile_bounds(tile)
            n = cells_per_tile(tile.z) + 1
            try:
                image = reader.part((west, south, east, north), dst_crs=wgs84, bounds_crs=wgs84,
                                    width=n, height=n, resampling_method="bilinear",
                                    reproject_method="bilinear")
                heights = np.ma.filled(image.array[0].astype(np.float64), np.nan)
            except (TileOutsideBounds, ValueError, rasterio.errors.RasterioError):
                heights = np.full((n, n), np.nan)
            _, _, minus_n = to_nap.transform((west + east) / 2, (south + north) / 2, 0.0)
            heights = np.where(np.isfinite(heights), heights - minus_n, 0.0)
            if not np.isfinite(heights).all():
                heights = np.nan_to_num(heights)
            tin = Delatin(heights.astype(np.float32), width=n, height=n,
                          max_error=tolerance(tile.z, zoom, FINEST_ERROR))
            vx, vy, vz = np.asarray(tin.vertices).T
            lon = west + vx / (n - 1) * (east - west)
            lat = south + vy / (n - 1) * (north - south)
            positions = np.stack([lon, lat, vz], axis=1)
            triangles = np.asarray(tin.triangles)
            buffer = io.BytesIO()
            quantized_mesh_encoder.encode(buffer, positions, triangles.ravel(),
                                          bounds=(west, south, east, north))
            path = out / f"{tile.z}" / f"{tile.x}" / f"{tile.y}.terrain"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(gzip.compress(buffer.getvalue(), compresslevel=6))
            vertices.append(len(positions))
            if tile in sampled:  # the encoder casts lon/lat to float32: measure what it wrote
                meshes[tile] = (lon.astype(np.float32).astype(np.float64),
                                lat.astype(np.float32).astype(np.float64), vz, triangles)
    seconds = time.perf_counter() - start
    finest = [v for t, v in zip(tiles, vertices, strict=True) if t.z == zoom]
    return Run("baseline", len(tiles), seconds, vertices, folder_bytes(out),
               measure(dtm, meshes, 1), finest)


def compare(name: str, dtm: Path, work: Path, sample_tiles: int) -> None:
    source = DemSource.open(dtm, CRS_NAP)
    zoom = finest_level(source.resolution)
    tiles = tile_set([source], zoom)
    source.close()
    finest = [t for t in tiles if t.z == zoom]
    pick = np.random.default_rng(3).choice(len(finest), min(sample_tiles, len(finest)),
                                           replace=False)
    sampled = [finest[i] for i in sorted(pick)]
    print(f"\n{name}: {dtm.name}, levels 0-{zoom}, {len(tiles)} tiles "
          f"({len(finest)} at the finest level, {len(sampled)} sampled for errors)")
    ours = run_ours(dtm, work / f"{name}_ours", sampled)
    baseline = run_baseline(dtm, work / f"{name}_baseline", tiles, zoom, set(sampled))
    print(f"{'':<9} {'tiles':>6} {'seconds':>8} {'tiles/s':>8} {'vert/tile':>9} "
          f"{'fine v/t':>9} {'max vert':>8} {'MB':>8} {'med |dz|':>8} {'p99 |dz|':>8} "
          f"{'max |dz|':>8}")
    print(ours.row())
    print(baseline.row())
    print(f"ours / baseline: {ours.tiles / ours.seconds / (baseline.tiles / baseline.seconds):.2f}"
          f"x tiles/s, {ours.bytes_on_disk / baseline.bytes_on_disk:.2f}x bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-km", type=float, default=10.0)
    parser.add_argument("--skip-generated", action="store_true")
    parser.add_argument("--sample-tiles", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="terrain_bench_") as tmp:
        work = Path(tmp)
        compare("demo", demo_dtm(work), work, args.sample_tiles)
        if not args.skip_generated:
            start = time.perf_counter()
            dtm = generated_dtm(work, args.size_km)
            print(f"\ngenerated {args.size_km:g} km x {args.size_km:g} km at 1 m in "
                  f"{time.perf_counter() - start:.0f} s")
            compare("generated", dtm, work, args.sample_tiles)


if __name__ == "__main__":
    main()
