"""The BIM and the city know each other (issue 17, items 4-5): at ingest a model records the
city buildings it replaces (footprint overlap >= 30 % of the smaller footprint), and the
city's CityJSON export is joined by the model's building."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
import shapely.affinity
from bim_city_support import (
    ON_A_HOUSE,
    ON_A_HOUSE_ROTATION,
    ON_A_YARD,
    City,
    duplex_at,
    house_under,
    small_city,
)
from sqlalchemy import Engine
from test_bim_cli import _cityjson_validator
from typer.testing import CliRunner

from gis.bim import buildings_sql
from gis.bim.buildings import MIN_SHARE, bims_of_building, replaced_buildings
from gis.bim.parcels import fetch_rows
from gis.bim.parcels_sql import model_footprint
from gis.schema import current_relation
from twin.cli import build_app

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Site:
    city: City
    on_house: str  # the Duplex on a house (replaces it)
    house: int


@pytest.fixture(scope="module")
def site(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("bimcity")
    suffix = uuid.uuid4().hex[:8]
    city = small_city(engine, f"bimcity_pand_{suffix}", folder)
    on_house = f"bimcity_house_{suffix}"
    loaded = duplex_at(engine, on_house, ON_A_HOUSE, ON_A_HOUSE_ROTATION, folder)
    mine = [link.fid for link in loaded.buildings if link.city_layer == city.layer]
    assert mine == [house_under(city, ON_A_HOUSE)]
    return Site(city, on_house, house_under(city, ON_A_HOUSE))


def test_the_model_on_a_house_replaces_that_house_only(engine: Engine, site: Site) -> None:
    with engine.connect() as conn:
        links = [link for link in replaced_buildings(conn, site.on_house)
                 if link.city_layer == site.city.layer]  # other tests' Delft layers too
        by_building = bims_of_building(conn, site.city.layer, site.house)
    assert [(link.city_layer, link.fid) for link in links] == [(site.city.layer, site.house)]
    link = links[0]
    assert link.feature_id == f"{site.city.layer}/{site.house}"  # the tiles' ``id``
    assert link.version == 1
    house_area = site.city.footprints[site.house].area
    assert link.share == pytest.approx(link.overlap_m2 / min(house_area, _model_area(
        engine, site.on_house)), rel=1e-6)
    assert link.share > 0.9
    assert site.on_house in [b.bim_layer for b in by_building]


def _footprint(engine: Engine, bim_layer: str) -> shapely.Geometry:
    with engine.connect() as conn:
        footprint = fetch_rows(conn, model_footprint(current_relation(bim_layer)), {})[0][0]
    return shapely.from_wkb(bytes(footprint))


def _model_area(engine: Engine, bim_layer: str) -> float:
    return float(_footprint(engine, bim_layer).area)


def _moved(footprint: shapely.Geometry, origin: str, rotation: float, to: str
           ) -> shapely.Geometry:
    """The footprint of the same model placed at ``to`` with no rotation (the placement is
    a rigid motion: undo one, apply the other)."""
    east, north, _ = (float(v) for v in origin.split(","))
    new_east, new_north, _ = (float(v) for v in to.split(","))
    local = shapely.affinity.rotate(shapely.affinity.translate(footprint, -east, -north),
                                    -rotation, origin=(0.0, 0.0))
    return shapely.affinity.translate(local, new_east, new_north)


def test_a_model_on_a_yard_grazes_a_house_below_the_threshold(
        engine: Engine, site: Site) -> None:
    on_yard = _moved(_footprint(engine, site.on_house), ON_A_HOUSE, ON_A_HOUSE_ROTATION,
                     ON_A_YARD)
    assert on_yard.area == pytest.approx(_model_area(engine, site.on_house))
    relation = current_relation(site.city.layer)
    with engine.connect() as conn:
        touched = fetch_rows(conn, buildings_sql.buildings_under(relation),
                         {"wkb": shapely.to_wkb(on_yard), "srid": 28992, "threshold": 0.0})
        kept = fetch_rows(conn, buildings_sql.buildings_under(relation),
                      {"wkb": shapely.to_wkb(on_yard), "srid": 28992, "threshold": MIN_SHARE})
    assert len(touched) == 1  # a corner of a house under the Duplex's edge
    assert 0.0 < touched[0][2] < MIN_SHARE
    assert kept == []


def test_city_cityjson_is_joined_by_the_bim_building(
        engine: Engine, database_url: str, site: Site, tmp_path: Path) -> None:
    target = tmp_path / "city.city.json"
    result = CliRunner().invoke(build_app(), [
        "export", "cityjson", site.city.layer, "-o", str(target)],
        env={"TWIN_DATABASE_URL": database_url, "TWIN_DATA_DIR": str(tmp_path / "var")})
    assert result.exit_code == 0, result.output
    assert site.on_house in result.output
    document = json.loads(target.read_text())
    errors = list(_cityjson_validator().iter_errors(_sampled(document)))
    assert not errors, [e.message for e in errors[:5]]
    objects = document["CityObjects"]
    house_id = f"{site.city.layer}/{site.house}"
    assert site.on_house in objects[house_id]["attributes"]["bim"]
    bim = objects[site.on_house]
    assert bim["type"] == "Building"
    assert bim["attributes"]["replaces"] == [house_id]
    assert bim["attributes"]["layer"] == site.on_house
    assert [g["lod"] for g in bim["geometry"]] == ["3"]
    for item in objects.values():  # every link goes both ways (other tests' BIMs may join)
        for bim_id in item.get("attributes", {}).get("bim", []):
            assert bim_id in objects
    replacing = {key for key, o in objects.items() if "replaces" in o.get("attributes", {})}
    assert site.on_house in replacing
    assert all(key in objects[r]["attributes"]["bim"]
               for key in replacing for r in objects[key]["attributes"]["replaces"])
    # the BIM's surfaces lie over the house it replaces, on the city's vertex grid
    vertices = _real(document)
    surfaces = np.asarray(bim["geometry"][0]["boundaries"])  # (n, 1 ring, 3 vertices)
    assert surfaces.ndim == 3
    assert surfaces.shape[1:] == (1, 3)
    assert ((surfaces >= 0) & (surfaces < len(vertices))).all()
    assert len(bim["geometry"][0]["semantics"]["values"]) == len(surfaces)
    used = np.unique(surfaces)
    drawn = shapely.convex_hull(shapely.multipoints(vertices[used][:, :2]))
    assert drawn.intersection(site.city.footprints[site.house]).area > 0.9 * drawn.area
    assert document["metadata"]["referenceSystem"].endswith("/EPSG/0/7415")
    low = document["metadata"]["geographicalExtent"]
    assert (vertices.min(axis=0) >= [*low[:3]]).all()
    assert (vertices.max(axis=0) <= [*low[3:]]).all()
    from cjio import cityjson as cjio_cityjson

    with target.open() as stream:
        assert site.on_house in cjio_cityjson.reader(stream).j["CityObjects"]


def _sampled(document: dict[str, Any], keep: int = 300) -> dict[str, Any]:
    """The document with each MultiSurface cut to its first ``keep`` triangles: the JSON
    Schema validator takes a minute over the Duplex's 12,000 (all written by one loop, the
    same shape each); every index is checked in numpy above."""
    objects = {}
    for key, item in document["CityObjects"].items():
        geometry = [g if g["type"] != "MultiSurface" else g | {
            "boundaries": g["boundaries"][:keep],
            "semantics": g["semantics"] | {"values": g["semantics"]["values"][:keep]}}
            for g in item.get("geometry", [])]
        objects[key] = item | {"geometry": geometry}
    return document | {"CityObjects": objects}


def _real(document: dict[str, Any]) -> Any:
    transform = document["transform"]
    return (np.asarray(document["vertices"], dtype=np.float64) * transform["scale"]
            + transform["translate"])
