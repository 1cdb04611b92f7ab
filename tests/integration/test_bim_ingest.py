"""``ingest_ifc`` on the session's PostGIS: one row per element, placed where the file
says, versions with change sets by GlobalId, failed elements listed, the user's placement."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import ifcopenshell
import pytest
from bim_support import DUPLEX, DUPLEX_AXIS, DUPLEX_EASTINGS, DUPLEX_NORTHINGS, OPENHOUSE, load_ifc
from ingest_support import rows
from sqlalchemy import Engine

import gis.bim.parts
from gis import registry
from gis.bim.georef import user_placement
from gis.bim.ifcfile import open_model
from gis.bim.synthetic import write_model
from gis.errors import IngestError


def _products_with_geometry(path: Path) -> int:
    """IfcOpenShell's own count: products with a representation, openings aside."""
    model: Any = ifcopenshell.open(str(path))
    return len([p for p in model.by_type("IfcProduct")
                if p.Representation is not None and not p.is_a("IfcOpeningElement")])


def test_duplex_elements_are_rows_placed_by_the_map_conversion(
        engine: Engine, layer_id: str, tmp_path: Path) -> None:
    result = load_ifc(engine, layer_id, DUPLEX, tmp_path)
    assert result.elements == _products_with_geometry(DUPLEX) == 236
    assert result.failed == []
    assert result.load.storage_srid == 2169
    # the model's origin lies where the map conversion puts it: a door's footprint centre,
    # brought back to the model frame by the inverse rotation, is within the model's extent
    (x, y), = rows(engine, f'SELECT ST_X(ST_Centroid(ST_Collect(geom))), '  # noqa: S608
                   f'ST_Y(ST_Centroid(ST_Collect(geom))) FROM data."{layer_id}"')
    angle = math.atan2(DUPLEX_AXIS[1], DUPLEX_AXIS[0])
    dx, dy = x - DUPLEX_EASTINGS, y - DUPLEX_NORTHINGS
    local_x = dx * math.cos(-angle) - dy * math.sin(-angle)
    local_y = dx * math.sin(-angle) + dy * math.cos(-angle)
    assert 0 < local_x < 25 and -15 < local_y < 0  # noqa: PT018 (the Duplex's plan, metres)
    (storeys,), = rows(engine, f'SELECT count(DISTINCT storey) FROM data."{layer_id}"')  # noqa: S608
    assert storeys >= 3
    with engine.connect() as conn:
        layer = registry.get_layer(conn, layer_id)
    assert layer.spec.kind == "bim"
    assert layer.spec.id_field == "GlobalId"


def test_reingest_of_a_revised_model_reports_changes_by_global_id(
        engine: Engine, layer_id: str, tmp_path: Path) -> None:
    first = write_model(tmp_path / "v1.ifc", walls=4)
    assert load_ifc(engine, layer_id, first, tmp_path).change.added == 5  # type: ignore[union-attr]
    model: Any = ifcopenshell.open(str(first))
    walls: list[Any] = sorted(model.by_type("IfcWall"), key=lambda w: w.Name)
    removed, renamed = walls[0].GlobalId, walls[1].GlobalId
    model.remove(walls[0])
    walls[1].Name = "Wall 2 (revised)"
    model.write(str(tmp_path / "v2.ifc"))
    second = load_ifc(engine, layer_id, tmp_path / "v2.ifc", tmp_path)
    change = second.change
    assert change is not None
    assert second.load.version == 2
    assert (change.keyed_by, change.added, change.removed, change.changed) == (
        "GlobalId", 0, 1, 1)
    assert change.removed_ids == [removed]
    assert change.changed_ids == [renamed]


def test_a_failed_element_is_listed_by_global_id_and_the_others_load(
        engine: Engine, layer_id: str, tmp_path: Path) -> None:
    path = write_model(tmp_path / "broken.ifc", walls=3, broken_walls=1)
    broken = next(w.GlobalId for w in ifcopenshell.open(str(path)).by_type("IfcWall")
                  if w.Name == "Wall 4")
    result = load_ifc(engine, layer_id, path, tmp_path)
    assert result.elements == 4  # 3 walls and the space
    assert result.failed == [broken]
    issue = next(i for i in result.load.quality.issues if i.code == "geometry_failed")
    assert issue.feature == f"GlobalId {broken}"
    assert "broken.ifc" in issue.message


def test_no_georeferencing_is_refused_and_the_users_placement_is_recorded(
        engine: Engine, layer_id: str, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="--origin E,N,H --crs"):
        load_ifc(engine, layer_id, OPENHOUSE, tmp_path)
    placement = user_placement("152000,170000,30", "EPSG:31370+5710", 15.0)
    result = load_ifc(engine, layer_id, OPENHOUSE, tmp_path, placement=placement)
    assert result.load.storage_srid == 31370
    assert any(i.code == "user_placement" for i in result.load.quality.issues)
    with engine.connect() as conn:
        current = registry.history(conn, layer_id)[0]
    assert current.quality is not None
    assert current.quality["bim"]["placement"]["method"] == "user"
    (xmin, ymin), = rows(engine, f'SELECT min(ST_XMin(geom)), min(ST_YMin(geom)) '  # noqa: S608
                         f'FROM data."{layer_id}"')
    assert 151_950 < xmin < 152_050 and 169_950 < ymin < 170_050  # noqa: PT018


def test_a_model_read_in_parts_loads_the_rows_it_loads_whole(
        engine: Engine, layer_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Duplex in parts of 40 elements (seven parts, each parsed in other processes
    only) gives the rows, the footprint and the first change set of the Duplex read whole,
    and leaves no part behind."""
    whole = load_ifc(engine, layer_id, DUPLEX, tmp_path / "whole")
    monkeypatch.setattr(gis.bim.parts, "PARTITION_BYTES", 0)
    monkeypatch.setattr(gis.bim.parts, "PART_ELEMENTS", 40)
    made: list[int] = []
    monkeypatch.setattr(gis.bim.parts.PartedModel, "start",
                        _recording(gis.bim.parts.PartedModel.start, made))
    monkeypatch.setattr(gis.bim.parts, "open_model", _not_in(os.getpid()))
    parted = load_ifc(engine, f"{layer_id}_p", DUPLEX, tmp_path / "parted")
    assert made == [7]
    assert (parted.elements, parted.triangles, parted.failed, parted.schema) == (
        whole.elements, whole.triangles, [], whole.schema)
    assert parted.change is not None
    assert whole.change is not None
    assert parted.change.added == whole.change.added == 236
    columns = ('"GlobalId", ifc_class, name, type, site, building, storey, space, material, '
               'psets::text, zmin, zmax, triangles, ST_AsBinary(geom)')
    assert any(name.startswith("Pset_") for name in _column_names(engine, layer_id))
    assert _column_names(engine, f"{layer_id}_p") == _column_names(engine, layer_id)
    query = 'SELECT {c} FROM data."{t}" ORDER BY "GlobalId"'
    assert rows(engine, query.format(c=columns, t=f"{layer_id}_p")) == rows(
        engine, query.format(c=columns, t=layer_id))
    (same,), = rows(engine, "SELECT ST_Equals(a.footprint, b.footprint) FROM "
                    "twin.bim_footprint a, twin.bim_footprint b WHERE a.bim_layer_id = :a "
                    "AND b.bim_layer_id = :b", a=layer_id, b=f"{layer_id}_p")
    assert same  # the rows come in no fixed order: the union may start its ring elsewhere
    assert not list((tmp_path / "parted" / "models").glob(".parts-*"))


def _recording(start: Any, made: list[int]) -> Any:
    def recorded(self: gis.bim.parts.PartedModel) -> None:
        made.append(self.parts)
        start(self)
    return recorded


def _not_in(parent: int) -> Any:
    """`open_model` that fails in the test's process: parts are parsed in others only."""
    def opened(path: Path) -> Any:
        assert os.getpid() != parent, f"{path} parsed in the parent process"
        return open_model(path)
    return opened


def _column_names(engine: Engine, layer: str) -> list[str]:
    return [name for (name,) in rows(
        engine, "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "'data' AND table_name = :t ORDER BY ordinal_position", t=layer)]
