"""BIM benchmark: IFC ingest (PostGIS, one row per element) + 3D Tiles, against a baseline.

Two models, each through both pipelines in the same run, every run in its own child
process (so each peak memory, ``ru_maxrss``, is its own):

* the Duplex (``data/ifc``, 236 elements, 27k triangles), placed on a parcel of the
  commune (``--origin``/``--crs``: its own vertical datum has no shipped geoid);
* a generated IFC4 model of ``--walls`` walls (`gis.bim.synthetic`: one wall type mapped by
  every wall, as authoring tools write repeated types), 12 triangles each.

``ours``: `gis.bim.store.ingest_ifc` (parse, attributes, multi-core geometry iterator,
footprints, COPY, swap, version, change set) then `tiles.bim.build.build_bim_tileset`
(iterator again, geoid, glb per tile with EXT_mesh_features/EXT_structural_metadata).
``baseline``: IfcOpenShell's geometry iterator in one process and one thread, every shape
a trimesh mesh, one GLB written by trimesh (no database, no metadata, no georeferencing).

Usage::

    python benchmarks/bim.py [--database-url URL] [--walls 5000,20000,40000] [--threads N]

The database defaults to TWIN_DATABASE_URL (or the private cluster of ``twin db up``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DUPLEX = REPO / "data" / "ifc" / "duplex_a_ifc2x3_epset_georef.ifc"
PLACEMENT = ("152000,170000,30", "EPSG:31370+5710", 20.0)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_ours(model: Path, work: Path, url: str, threads: int) -> dict[str, Any]:
    from gis.bim.georef import user_placement
    from gis.bim.store import ingest_ifc
    from gis.db import make_engine
    from gis.model import LayerSpec
    from tiles.bim.build import build_layer_bim

    imported = peak_mb()
    linking = _time_city_links()
    placement = user_placement(*PLACEMENT)
    layer_id = f"bench_bim_{os.getpid()}"
    spec = LayerSpec.model_validate({
        "id": layer_id, "kind": "bim", "title": {"en": "BIM benchmark"}, "producer": "bench",
        "contact_point": {"name": "bench", "email": "bench@example.org"},
        "licence": "CC_BY_4_0", "update_frequency": "IRREG", "access_level": "closed"})
    engine = make_engine(url)
    started = time.perf_counter()
    loaded = ingest_ifc(engine, spec, model, models_dir=work / "models", placement=placement,
                        threads=threads)
    ingested = time.perf_counter()
    tiles = build_layer_bim(engine, layer_id, work / "tiles", threads=threads)
    done = time.perf_counter()
    engine.dispose()
    return {"elements": loaded.elements, "triangles": tiles.triangles, "tiles": tiles.tiles,
            "ingest_s": ingested - started, "tiles_s": done - ingested,
            "seconds": done - started, "peak_mb": peak_mb(), "imported_mb": imported,
            "links_s": sum(linking)}


def _time_city_links() -> list[float]:
    """The seconds `ingest_ifc` spends linking the model to the city's buildings (a step of
    its own, `gis.bim.buildings`), so that the report can show it apart."""
    import gis.bim.store as store

    spent: list[float] = []
    names = vars(store)
    if "link_buildings" not in names:
        return spent
    link = names["link_buildings"]

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return link(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    names["link_buildings"] = timed  # timing only
    return spent


def run_baseline(model: Path, work: Path) -> dict[str, Any]:
    import ifcopenshell
    import ifcopenshell.geom
    import numpy as np
    import trimesh

    imported = peak_mb()
    started = time.perf_counter()
    parsed: Any = ifcopenshell.open(str(model))
    geom: Any = ifcopenshell.geom
    settings = geom.settings()
    settings.set("use-world-coords", True)
    iterator = geom.iterator(settings, parsed, 1)
    scene = trimesh.Scene()
    elements = triangles = 0
    if iterator.initialize():
        while True:
            shape = iterator.get()
            vertices = np.asarray(shape.geometry.verts, dtype=np.float64).reshape(-1, 3)
            faces = np.asarray(shape.geometry.faces, dtype=np.int64).reshape(-1, 3)
            if len(faces):
                scene.add_geometry(trimesh.Trimesh(vertices, faces, process=False),
                                   node_name=str(shape.guid))
                elements += 1
                triangles += len(faces)
            if not iterator.next():
                break
    data: bytes = scene.export(file_type="glb")  # type: ignore[no-untyped-call]
    (work / "baseline.glb").write_bytes(data)
    return {"elements": elements, "triangles": triangles,
            "seconds": time.perf_counter() - started, "peak_mb": peak_mb(),
            "imported_mb": imported}


def child(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="bim-bench-"))
    model = Path(args.model)
    result = (run_ours(model, work, args.database_url, args.threads) if args.pipeline == "ours"
              else run_baseline(model, work))
    print(json.dumps(result))


def measure(pipeline: str, model: Path, url: str, threads: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", pipeline, "--model", str(model),
         "--database-url", url, "--threads", str(threads)],
        capture_output=True, text=True, check=True, cwd=REPO)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(name: str, ours: dict[str, Any], baseline: dict[str, Any]) -> None:
    print(f"\n{name}: {ours['elements']} elements, {ours['triangles']:,} triangles")
    for label, figures in (("ours (ingest + tiles)", ours), ("baseline (iterator -> glb)",
                                                             baseline)):
        seconds = figures["seconds"]
        print(f"  {label:28s} {seconds:8.2f} s  {figures['elements'] / seconds:9.0f} elem/s  "
              f"{figures['triangles'] / seconds:10.0f} tri/s  peak {figures['peak_mb']:5.0f} MB "
              f"(+{figures['peak_mb'] - figures['imported_mb']:4.0f} MB over its imports)")
    print(f"    ours: ingest {ours['ingest_s']:.2f} s (of which linking to the city's "
          f"buildings {ours['links_s']:.2f} s), tiles {ours['tiles_s']:.2f} s "
          f"({ours['tiles']} tiles)")
    print(f"  ratio baseline/ours wall time: {baseline['seconds'] / ours['seconds']:.2f}x "
          "(>1: ours faster)")


def memory_table(rows: list[tuple[int, dict[str, Any], dict[str, Any]]]) -> None:
    """Peak memory per model size: ours should stay (nearly) flat."""
    print("\npeak memory by model size (MB; in brackets: over the process's imports)")
    print(f"  {'walls':>7s}  {'ours':>14s}  {'baseline':>14s}")
    for walls, ours, baseline in rows:
        cells = [f"{f['peak_mb']:5.0f} (+{f['peak_mb'] - f['imported_mb']:4.0f})"
                 for f in (ours, baseline)]
        print(f"  {walls:7d}  {cells[0]:>14s}  {cells[1]:>14s}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--walls", default="20000",
                        help="generated model sizes, comma-separated (e.g. 5000,20000,40000)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--child", choices=["ours", "baseline"], dest="pipeline")
    parser.add_argument("--model")
    args = parser.parse_args()
    if args.pipeline:
        child(args)
        return
    from gis import migrate
    from gis.db import make_engine
    from twin.settings import Settings

    url = args.database_url or Settings().url
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    print(f"threads={args.threads}")
    ours = measure("ours", DUPLEX, url, args.threads)
    report("Duplex", ours, measure("baseline", DUPLEX, url, args.threads))
    rows = []
    for walls in (int(w) for w in str(args.walls).split(",")):
        generated = generate(walls)
        ours = measure("ours", generated, url, args.threads)
        baseline = measure("baseline", generated, url, args.threads)
        report(f"generated ({walls} walls)", ours, baseline)
        rows.append((walls, ours, baseline))
    memory_table(rows)


def generate(walls: int) -> Path:
    from gis.bim.synthetic import write_model

    generated = Path(tempfile.mkdtemp(prefix="bim-model-")) / f"walls_{walls}.ifc"
    started = time.perf_counter()
    write_model(generated, walls=walls, spaces=10)
    print(f"\ngenerated {generated.name} ({generated.stat().st_size / 1e6:.1f} MB) in "
          f"{time.perf_counter() - started:.1f} s")
    return generated


if __name__ == "__main__":
    main()
