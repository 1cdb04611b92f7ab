"""A layer wider than one PostgreSQL call takes (100 arguments: 50 properties) still serialises
every property: BIM models flatten their property sets, statistics tables have many columns."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, column, select, table, text

from twin.ogc.crs import OutputCrs
from twin.ogc.sql import MAX_PAIRS_PER_CALL, FeatureShape, feature_text

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("width", [3, MAX_PAIRS_PER_CALL, MAX_PAIRS_PER_CALL + 1, 130])
def test_every_property_of_a_wide_row_is_serialised(engine: Engine, width: int) -> None:
    names = [f"p{i}" for i in range(width)]
    rel = table("wide", column("fid"), *(column(name) for name in names))
    shape = FeatureShape(properties=names, crs=OutputCrs("", 4326, False), storage_srid=4326,
                         skip_geometry=True)
    with engine.connect() as conn:
        columns = ", ".join(f"{i} AS p{i}" for i in range(width))
        conn.execute(text(f"CREATE TEMP TABLE wide AS SELECT 7 AS fid, {columns}"))
        served = conn.execute(select(feature_text(rel, shape))).scalar_one()
    feature = json.loads(served)
    assert feature["id"] == 7
    assert feature["geometry"] is None
    assert feature["properties"] == {f"p{i}": i for i in range(width)}
