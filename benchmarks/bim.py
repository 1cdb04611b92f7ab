"""BIM benchmark: IFC ingest (PostGIS, one row per element) + 3D Tiles, against a baseline.

Two models, each through both pipelines in the same run, every run in its own child
process (so each peak memory, the kernel's ``VmHWM`` of its address space, is its own):

* the Duplex (``data/ifc``, 236 elements, 27k triangles), placed on a parcel of the
  commune (``--origin``/``--crs``: its own vertical datum has no shipped geoid);
* a generated IFC4 model of ``--walls`` walls (`gis.bim.synthetic`: one wall type mapped by
  every wall, as authoring tools write repeated types), 12 triangles each.

``ours``: `gis.bim.store.ingest_ifc` (parse -- a model of more than 10,000 elements cut
into parts parsed in child processes, `gis.bim.parts` --, attributes, multi-core geometry
iterator, spill, footprints, COPY, swap, version, change set, the model's footprint, city
links)
then `tiles.bim.build.build_layer_bim` (the ingest's spilled geometry, geoid, glb per tile
with EXT_mesh_features/EXT_structural_metadata, instancing). Its steps are timed apart
(`STAGES`) and printed under its line. Both import IfcOpenShell before their clock starts.
``baseline``: IfcOpenShell's geometry iterator in one process and one thread, every shape
a trimesh mesh, one GLB written by trimesh (no database, no metadata, no georeferencing),
with the iterator's default geometry library (OpenCASCADE). ``baseline, hybrid``: the same
with the hybrid CGAL/OpenCASCADE library ours uses first (`gis.bim.meshes.KERNELS`), so the
ratio to it is what ours does beyond the choice of kernel.

Usage::

    python benchmarks/bim.py [--database-url URL] [--walls 5000,20000,40000,80000] [--threads N]

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
    """This process's peak resident memory since it started (``VmHWM``). Not ``ru_maxrss``:
    Linux keeps that across ``execve``, so a child would report the benchmark's own peak
    at the moment it was spawned (after generating a 40,000-wall model: 284 MB), whatever
    it used itself."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def workers_peak_mb() -> float:
    """The largest peak of the process's ended children (ours: the geometry workers,
    `gis.bim.workers`; they share the parsed model with it copy-on-write)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run_ours(model: Path, work: Path, url: str, threads: int) -> dict[str, Any]:
    import ifcopenshell  # imported before the clock starts, as the baseline does
    import ifcopenshell.geom

    from gis.bim.georef import user_placement
    from gis.bim.store import ingest_ifc
    from gis.db import make_engine
    from gis.model import LayerSpec
    from tiles.bim.build import build_layer_bim

    assert ifcopenshell.geom is not None
    imported = peak_mb()
    stages = _time_stages()
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
            "workers_peak_mb": workers_peak_mb(), "stages": stages}


#: the steps of ours timed apart: (label, module, attribute), wrapped in the child only
STAGES = (
    ("open", "gis.bim.parts", "PartedModel._open"),
    ("start", "gis.bim.parts", "PartedModel.start"),
    ("load", "gis.bim.store", "_load"),
    ("footprint", "gis.bim.footprint", "FootprintUnion.result"),
    ("footprint", "gis.bim.store", "keep_footprint"),
    ("change", "gis.bim.store", "store_change_set"),
    ("change", "gis.bim.store", "_change_set"),
    ("links", "gis.bim.store", "link_buildings"),
    ("tile_plan", "tiles.bim.build", "ModelIndex.of"),
    ("tile_write", "tiles.bim.build", "_run"),
)


def _time_stages() -> dict[str, float]:
    """Seconds per step of ours (`STAGES`), summed by label; a step the code no longer
    has is left out."""
    import importlib

    spent: dict[str, float] = {}
    for label, module_name, attribute in STAGES:
        owner: Any = importlib.import_module(module_name)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        if owner is not None and hasattr(owner, name):
            _wrap(owner, name, label, spent)
    return spent


def _wrap(owner: Any, name: str, label: str, spent: dict[str, float]) -> None:
    original = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - started

    if isinstance(owner, type) and isinstance(vars(owner).get(name), classmethod):
        setattr(owner, name, classmethod(lambda cls, *a, **k: timed(*a, **k)))
    else:
        setattr(owner, name, timed)  # timing only, in the benchmark's child process


#: the baselines: child name -> IfcOpenShell geometry library (None: the iterator's default)
BASELINES = {"baseline": None, "baseline-hybrid": "hybrid-cgal-simple-opencascade"}


def run_baseline(model: Path, work: Path, kernel: str | None) -> dict[str, Any]:
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
    iterator = geom.iterator(settings, parsed, 1, **(
        {"geometry_library": kernel} if kernel else {}))
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
              else run_baseline(model, work, BASELINES[args.pipeline]))
    print(json.dumps(result))


def measure(pipeline: str, model: Path, url: str, threads: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", pipeline, "--model", str(model),
         "--database-url", url, "--threads", str(threads)],
        capture_output=True, text=True, check=True, cwd=REPO)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(name: str, ours: dict[str, Any], baselines: dict[str, dict[str, Any]]) -> None:
    print(f"\n{name}: {ours['elements']} elements, {ours['triangles']:,} triangles")
    labels = {"baseline": "baseline (iterator -> glb)", "baseline-hybrid": "baseline, hybrid"}
    for label, figures in (("ours (ingest + tiles)", ours), *(
            (labels[key], value) for key, value in baselines.items())):
        seconds = figures["seconds"]
        workers = figures.get("workers_peak_mb", 0.0)
        print(f"  {label:28s} {seconds:8.2f} s  {figures['elements'] / seconds:9.0f} elem/s  "
              f"{figures['triangles'] / seconds:10.0f} tri/s  peak {figures['peak_mb']:5.0f} MB "
              f"(+{figures['peak_mb'] - figures['imported_mb']:4.0f} MB over its imports)"
              + (f", geometry workers' peak {workers:5.0f} MB each at most" if workers else ""))
    stages = ours.get("stages", {})
    ingest_parts = ("open", "start", "load", "footprint", "change", "links")
    other = ours["ingest_s"] - sum(stages.get(k, 0.0) for k in ingest_parts)
    print(f"    ours: ingest {ours['ingest_s']:.2f} s = "
          + ", ".join(f"{k} {stages.get(k, 0.0):.2f}" for k in ingest_parts)
          + f", other {other:.2f} (open: parse, or cut and read the parts; start: "
          "attributes; load: iterator, rows, COPY, indexes, swap); "
          f"tiles {ours['tiles_s']:.2f} s = plan {stages.get('tile_plan', 0.0):.2f}, write "
          f"{stages.get('tile_write', 0.0):.2f} ({ours['tiles']} tiles)")
    for key, figures in baselines.items():
        print(f"  ratio {key}/ours wall time: {figures['seconds'] / ours['seconds']:.2f}x "
              "(>1: ours faster)")


def memory_table(rows: list[tuple[int, dict[str, Any], dict[str, Any]]]) -> None:
    """Peak memory per model size: ours should stay (nearly) flat."""
    print("\npeak memory by model size (MB; in brackets: over the process's imports)")
    print(f"  {'walls':>7s}  {'ours':>14s}  {'ours workers':>12s}  {'baseline':>14s}")
    for walls, ours, baseline in rows:
        cells = [f"{f['peak_mb']:5.0f} (+{f['peak_mb'] - f['imported_mb']:4.0f})"
                 for f in (ours, baseline)]
        workers = f"{ours.get('workers_peak_mb', 0.0):5.0f}"
        print(f"  {walls:7d}  {cells[0]:>14s}  {workers:>12s}  {cells[1]:>14s}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--walls", default="20000",
                        help="generated model sizes, comma-separated (e.g. 5000,20000,40000)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--child", choices=["ours", *BASELINES], dest="pipeline")
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
    report("Duplex", ours, {key: measure(key, DUPLEX, url, args.threads) for key in BASELINES})
    rows = []
    for walls in (int(w) for w in str(args.walls).split(",")):
        generated = generate(walls)
        ours = measure("ours", generated, url, args.threads)
        baselines = {key: measure(key, generated, url, args.threads) for key in BASELINES}
        report(f"generated ({walls} walls)", ours, baselines)
        rows.append((walls, ours, baselines["baseline"]))
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
