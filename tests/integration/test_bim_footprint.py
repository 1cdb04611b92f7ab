"""A model's footprint is computed once per ingest and kept with its version: it is the
union of the stored elements' footprints (what the parcel and building links used to
compute in PostGIS each time), kept in the layer's storage CRS."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely
from bim_support import DUPLEX, load_ifc
from ingest_support import rows
from sqlalchemy import Engine, text

from gis.bim.footprint import fetch_rows, model_footprint
from gis.bim.parcels_sql import model_footprint as union_of_rows_sql
from gis.bim.synthetic import write_model
from gis.errors import IngestError
from gis.schema import current_relation

pytestmark = pytest.mark.integration

#: the kept footprint and the union of the rows may differ by rounding only (1 mm2)
SAME_AREA_M2 = 1e-6


def _kept(engine: Engine, layer_id: str) -> tuple[shapely.Geometry, int, int] | None:
    found = rows(engine, "SELECT ST_AsBinary(footprint), ST_SRID(footprint), elements "
                         "FROM twin.bim_footprint WHERE bim_layer_id = :layer AND version = 1",
                 layer=layer_id)
    if not found:
        return None
    wkb, srid, elements = found[0]
    return shapely.from_wkb(bytes(wkb)), int(srid), int(elements)


def _union_of_rows(engine: Engine, layer_id: str) -> shapely.Geometry:
    with engine.connect() as conn:
        wkb = fetch_rows(conn, union_of_rows_sql(current_relation(layer_id)), {})[0][0]
    return shapely.from_wkb(bytes(wkb))


def test_the_kept_footprint_is_the_union_of_the_element_rows(
        engine: Engine, layer_id: str, tmp_path: Path) -> None:
    result = load_ifc(engine, layer_id, DUPLEX, tmp_path)
    kept = _kept(engine, layer_id)
    assert kept is not None
    footprint, srid, elements = kept
    assert srid == result.load.storage_srid == 2169
    assert elements == result.elements == 236
    assert footprint.geom_type == "MultiPolygon"
    union = _union_of_rows(engine, layer_id)
    assert footprint.area > 100  # the Duplex's plan (m2): not a few elements' only
    assert footprint.symmetric_difference(union).area < SAME_AREA_M2


def test_a_version_without_a_kept_footprint_gets_one_at_its_first_use(
        engine: Engine, layer_id: str, tmp_path: Path) -> None:
    """A version loaded before footprints were kept (migration 0019): the links compute
    the union of its rows once and keep it."""
    load_ifc(engine, layer_id, write_model(tmp_path / "m.ifc", walls=6, spaces=2), tmp_path)
    before = _kept(engine, layer_id)
    assert before is not None
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM twin.bim_footprint WHERE bim_layer_id = :layer"),
                     {"layer": layer_id})
    with engine.begin() as conn:
        computed = model_footprint(conn, layer_id, 1)
    after = _kept(engine, layer_id)
    assert after is not None
    assert after[0].equals_exact(computed, 0.0)
    assert after[1:] == before[1:]  # same SRID, same 8 elements
    assert computed.symmetric_difference(before[0]).area < SAME_AREA_M2
    assert len(shapely.get_parts(computed)) == 8  # six walls and two rooms, apart


def test_a_superseded_version_gets_the_union_of_its_own_rows(
        engine: Engine, layer_id: str, tmp_path: Path) -> None:
    """Version 1 asked for after version 2 was loaded: its rows are in the history table,
    not the current one; once pruned, there is nothing to compute and it says so."""
    load_ifc(engine, layer_id, write_model(tmp_path / "a.ifc", walls=6, spaces=2), tmp_path)
    load_ifc(engine, layer_id, write_model(tmp_path / "b.ifc", walls=3, spaces=0), tmp_path)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM twin.bim_footprint WHERE bim_layer_id = :layer"),
                     {"layer": layer_id})
    with engine.begin() as conn:
        first = model_footprint(conn, layer_id, 1)
        second = model_footprint(conn, layer_id, 2)
    assert len(shapely.get_parts(first)) == 8  # version 1's six walls and two rooms
    assert len(shapely.get_parts(second)) == 3
    with engine.begin() as conn:
        conn.execute(text(f'DROP TABLE history."{layer_id}__v1"'))
        conn.execute(text("DELETE FROM twin.bim_footprint WHERE bim_layer_id = :layer"),
                     {"layer": layer_id})
    with engine.begin() as conn, pytest.raises(IngestError, match="version 1 is neither"):
        model_footprint(conn, layer_id, 1)


def test_rows_reprojected_by_the_loader_keep_the_union_of_the_rows(
        engine: Engine, layer_id: str, tmp_path: Path) -> None:
    """Stored in another CRS than the placement's: the union is taken over the stored
    (reprojected) rows, not the reprojected union."""
    load_ifc(engine, layer_id, write_model(tmp_path / "m.ifc", walls=4), tmp_path,
             storage_crs="EPSG:3812")
    kept = _kept(engine, layer_id)
    assert kept is not None
    assert kept[1] == 3812
    assert kept[0].equals_exact(_union_of_rows(engine, layer_id), 0.0)
