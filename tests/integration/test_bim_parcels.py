"""The link to the city: the parcels a placed model stands on, recorded with its version."""

from __future__ import annotations

from pathlib import Path

import pytest
from bim_support import load_ifc
from ingest_support import geojson, load, spec
from sqlalchemy import Engine

from gis import registry
from gis.bim.parcels import link_parcels
from gis.bim.synthetic import write_model


def _square(x0: float, x1: float, key: str) -> dict[str, object]:
    ring = [[x0, 169950.0], [x1, 169950.0], [x1, 170060.0], [x0, 170060.0], [x0, 169950.0]]
    return {"type": "Feature", "properties": {"capakey": key},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_the_model_knows_its_parcels(engine: Engine, layer_id: str, tmp_path: Path) -> None:
    cadastre = f"{layer_id}_cad"
    source = geojson(tmp_path / "parcels.geojson", [
        _square(151950, 152005, "A"), _square(152005, 152060, "B"),
        _square(152100, 152200, "C")], crs="EPSG:31370")
    load(engine, spec(cadastre, id_field="capakey"), source)
    load_ifc(engine, layer_id, write_model(tmp_path / "m.ifc", walls=4), tmp_path)
    links = link_parcels(engine, layer_id, cadastre)
    assert [link.parcel for link in links] in (["A", "B"], ["B", "A"])
    assert sum(link.share for link in links) == pytest.approx(1.0, abs=1e-6)
    assert all(link.overlap_m2 > 0 for link in links)
    with engine.connect() as conn:
        current = registry.history(conn, layer_id)[0]
    assert current.quality is not None
    stored = current.quality["bim"]["parcels"]
    assert stored["layer"] == cadastre
    assert {p["parcel"] for p in stored["parcels"]} == {"A", "B"}
    assert current.quality["bim"]["placement"]["method"] == "map_conversion"
