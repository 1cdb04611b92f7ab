"""The BIM building's CityJSON is read from the geometry the ingest spilled: IfcOpenShell's
geometry iterator is not run again, and the coordinates are those the iterator gave."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import ifcopenshell.geom
import numpy as np
import pytest
from bim_support import DUPLEX, load_ifc
from sqlalchemy import Engine

from gis.bim.store import model_meshes, stored_model
from tiles.bim.cityjson import SURFACES, bim_building
from tiles.buildings.cityjson import SCALE
from tiles.errors import BuildInputError

LAYER = "bim_cityjson_spill_duplex"


def _iterator_vertices(model: Path, placement: Any) -> tuple[np.ndarray, np.ndarray]:
    """(translate, integer vertices) as the export computed them before the spill: the
    model triangulated by IfcOpenShell's iterator, then placed."""
    placed = [placement.apply(mesh.vertices) for mesh, info in model_meshes(model, 2)
              if info.ifc_class in SURFACES]
    xyz = np.concatenate(placed)
    origin = np.floor(xyz.min(axis=0))
    unique = np.unique(np.round((xyz - origin) / SCALE).astype(np.int64), axis=0)
    return origin, unique


def test_export_reads_the_spill_not_the_iterator(
        engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_ifc(engine, LAYER, DUPLEX, tmp_path)
    stored = stored_model(engine, LAYER)
    origin, expected = _iterator_vertices(stored.model, stored.placement)

    def refused(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the CityJSON export ran IfcOpenShell's geometry iterator")

    monkeypatch.setattr(ifcopenshell.geom, "iterator", refused)
    document = bim_building(stored.model, stored.placement, LAYER)
    assert document["transform"]["translate"] == [float(v) for v in origin]
    assert np.array_equal(np.asarray(document["vertices"]), expected)
    surfaces = document["CityObjects"][LAYER]["geometry"][0]["boundaries"]
    assert len(surfaces) > 1000

    # a model without its spill (an old version) is refused, saying what to run
    bare = tmp_path / "bare" / stored.model.name
    bare.parent.mkdir()
    shutil.copyfile(stored.model, bare)
    with pytest.raises(BuildInputError, match=rf"{LAYER}: .*no spilled geometry.*twin ingest"):
        bim_building(bare, stored.placement, LAYER)
