"""BIM CityJSON export: the building read from the ingest's spilled geometry (ours) against
the previous path, the model triangulated again by IfcOpenShell's iterator (baseline).

The Duplex (``data/ifc``) is copied to a temporary folder and its spill written there as
the ingest writes it (`gis.bim.spill.spill_meshes`), outside both clocks; both sides then
make the same document (`tiles.bim.cityjson.building_document`), placed by the file's own
map conversion. No database: `stored_model` only finds the two paths.

Usage::

    python benchmarks/bim_cityjson.py [--runs 3] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DUPLEX = REPO / "data" / "ifc" / "duplex_a_ifc2x3_epset_georef.ifc"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    from gis.bim.georef import read_placement
    from gis.bim.ifcfile import open_model
    from gis.bim.spill import geometry_folder, spill_meshes
    from gis.bim.store import model_meshes
    from tiles.bim.cityjson import bim_building, building_document

    with tempfile.TemporaryDirectory(prefix="bim-cityjson-bench-") as scratch:
        model = Path(scratch) / DUPLEX.name
        shutil.copyfile(DUPLEX, model)
        placement = read_placement(open_model(model), model.name)
        assert placement is not None, "the Duplex has its map conversion"
        pairs = list(model_meshes(model, args.threads))
        elements = {info.global_id: info for _mesh, info in pairs}
        for _ in spill_meshes((mesh for mesh, _info in pairs), elements,
                              geometry_folder(model)):
            pass

        def baseline() -> int:
            surfaces = ((info.ifc_class, mesh.vertices, mesh.faces)
                        for mesh, info in model_meshes(model, args.threads))
            return len(building_document(surfaces, placement, "duplex", model.name)
                       ["vertices"])

        def ours() -> int:
            return len(bim_building(model, placement, "duplex")["vertices"])

        timings: dict[str, list[float]] = {"baseline": [], "ours": []}
        counts: dict[str, int] = {}
        for _ in range(args.runs):
            for name, run in (("baseline", baseline), ("ours", ours)):
                started = time.perf_counter()
                counts[name] = run()
                timings[name].append(time.perf_counter() - started)
    best = {name: min(values) for name, values in timings.items()}
    for name in ("baseline", "ours"):
        print(f"{name:9s} {best[name]:7.3f} s (best of {args.runs})  "
              f"{counts[name]:,} vertices")
    print(f"ratio baseline/ours: {best['baseline'] / best['ours']:.1f}x")


if __name__ == "__main__":
    main()
