"""Build bookkeeping on a real DTM: unchanged inputs keep every tile, fewer levels remove the
finer tiles, ``force`` remakes all, and the folder holds what the service reads."""

from __future__ import annotations

import json
from pathlib import Path

from tiles.terrain.build import DemInput, build_terrain

DTM = Path(__file__).resolve().parents[2] / "data" / "montpellier_fr" / "DTM_77055_627760_50CM.tif"
SOURCE = [DemInput("mtp_dtm", DTM, "EPSG:2154+5720")]


def test_rebuilds_keep_remove_and_force(tmp_path: Path) -> None:
    out = tmp_path / "mtp"
    first = build_terrain(SOURCE, out, max_zoom=17)
    assert {t.z for t in first.written} == set(range(18))
    assert json.loads((out / "source.json").read_text()) == {"layers": ["mtp_dtm"]}
    layer = json.loads((out / "layer.json").read_text())
    assert len(layer["available"]) == 18
    assert layer["maxzoom"] == 17
    assert not list(out.rglob(".*.partial"))
    same = build_terrain(SOURCE, out, max_zoom=17)
    assert same.written == []
    assert len(same.kept) == len(first.written)
    coarser = build_terrain(SOURCE, out, max_zoom=15)
    assert {t.z for t in coarser.removed} == {16, 17}
    assert not any((out / f"{t.key}.terrain").exists() for t in coarser.removed)
    # another finest level changes every tile's metadata and level 15's error: all remade
    assert coarser.kept == []
    assert {t.z for t in coarser.written} == set(range(16))
    forced = build_terrain(SOURCE, out, max_zoom=15, force=True)
    assert forced.kept == []
    assert len(forced.written) == len(coarser.written)
