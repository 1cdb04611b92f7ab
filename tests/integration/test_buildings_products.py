"""From PostGIS to products: building tiles (attributes round trip) and CityJSON, via the CLI."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from cjio import cityjson as cjio_cityjson
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from sqlalchemy import Engine
from typer.testing import CliRunner

from gis.city import sql
from tiles.buildings.metadata import read_property_table
from tiles.core.glb import read_glb
from twin.cli import build_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from buildings_checks import check_tileset_folder
from buildings_support import (
    TENERIFE_PARCELS,
    delft_buildings,
    ingest_vector,
    spec,
    tenerife_buildings,
)

pytestmark = pytest.mark.integration
CITYJSON_SCHEMAS = Path(__file__).resolve().parent.parent / "schemas" / "cityjson-2.0.2"


def _twin(args: list[str], database_url: str, data_dir: Path) -> str:
    env = {"TWIN_DATABASE_URL": database_url, "TWIN_DATA_DIR": str(data_dir)}
    result = CliRunner().invoke(build_app(), args, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _glb_tables(folder: Path) -> dict[int, dict[str, Any]]:
    """Every feature's metadata from every glb of a tileset, by fid."""
    features: dict[int, dict[str, Any]] = {}
    for glb in folder.rglob("*.glb"):
        document, body = read_glb(glb.read_bytes())
        table = read_property_table(document, body)
        for row in range(len(table["fid"])):
            features[table["fid"][row]] = {name: values[row] for name, values in table.items()}
    return features


def test_delft_tileset_carries_the_stored_attributes(
    engine: Engine, database_url: str, layer_id: str, tmp_path: Path
) -> None:
    delft_buildings(engine, layer_id)
    _twin(["build", "buildings", f"{layer_id}_pand", "--max-features", "50"],
          database_url, tmp_path)
    folder = tmp_path / "tiles" / f"{layer_id}_pand"
    glbs = check_tileset_folder(folder)
    assert len(glbs) >= 4
    with engine.connect() as conn:
        stored = {h["fid"]: h for h in sql.heights_of(conn, f"{layer_id}_pand")}
    features = _glb_tables(folder)
    assert features.keys() == {fid for fid, h in stored.items() if h["height"] is not None}
    for fid, feature in features.items():
        row = stored[fid]
        assert feature["id"] == f"{layer_id}_pand/{fid}"
        assert feature["roof"] == pytest.approx(row["roof_height"], abs=1e-4)
        assert feature["ground"] == pytest.approx(row["ground_height"], abs=1e-4)
        assert feature["height"] == pytest.approx(row["height"], abs=1e-4)
        assert feature["point_count"] == row["point_count"]
        assert feature["coverage"] == pytest.approx(row["coverage"], abs=1e-6)
        assert (feature["quality"], feature["source"]) == (row["flag"], "lidar")
        assert feature["vertical_crs"] == "EPSG:5709"
    tileset = json.loads((folder / "tileset.json").read_text())
    # NAP -> ellipsoid in Delft is ~ +43.5 m: the tiles' heights are ellipsoidal
    assert 40 < tileset["root"]["boundingVolume"]["region"][4] < 45


def _cityjson_validator() -> Draft7Validator:
    resources = []
    for path in CITYJSON_SCHEMAS.glob("*.schema.json"):
        document = json.loads(path.read_text())
        resource: Resource[Any] = Resource.from_contents(document)
        resources += [(document["$id"], resource)]
    root = json.loads((CITYJSON_SCHEMAS / "cityjson.schema.json").read_text())
    return Draft7Validator(root, registry=Registry().with_resources(resources))


def _closed_and_outward(document: dict[str, Any]) -> None:
    """Every shell: each directed edge once, its reverse once; positive volume."""
    vertices = np.array(document["vertices"], dtype=float) * document["transform"]["scale"]
    for item in document["CityObjects"].values():
        geometry = item["geometry"][0]
        solids = [geometry["boundaries"]] if geometry["type"] == "Solid" else geometry[
            "boundaries"]
        for solid in solids:
            edges: Counter[tuple[int, int]] = Counter()
            volume = 0.0
            for surface in solid[0]:
                for ring in surface:
                    edges.update(zip(ring, ring[1:] + ring[:1], strict=True))
                outer = vertices[surface[0]]
                normal = np.cross(outer - outer.mean(axis=0), np.roll(outer, -1, axis=0)
                                  - outer.mean(axis=0)).sum(axis=0) / 2
                volume += float(normal @ outer.mean(axis=0)) / 3
            assert all(count == 1 and edges[(b, a)] == 1 for (a, b), count in edges.items())
            assert volume > 0


def test_cityjson_export_is_valid_and_matches_the_tiles(
    engine: Engine, database_url: str, layer_id: str, tmp_path: Path
) -> None:
    tenerife_buildings(engine, layer_id)
    ingest_vector(engine, spec(f"{layer_id}_parcel"), TENERIFE_PARCELS,
                  default_storage_crs="EPSG:32628")
    target = tmp_path / "out.city.json"
    _twin(["export", "cityjson", f"{layer_id}_cons", "-o", str(target), "--parcels",
           f"{layer_id}_parcel:nationalCadastralReference"], database_url, tmp_path)
    document = json.loads(target.read_text())
    errors = list(_cityjson_validator().iter_errors(document))
    assert not errors, [e.message for e in errors[:5]]
    _closed_and_outward(document)
    with target.open() as stream:  # cjio reads it back (its validator, cjvalpy, is not here)
        model = cjio_cityjson.reader(stream)
    assert model.get_epsg() == 32628
    assert model.get_version() == "2.0"
    assert any("Building" in line for line in model.get_info(long=True))
    assert len(model.j["CityObjects"]) == len(document["CityObjects"]) > 200
    assert document["metadata"]["referenceSystem"].endswith("/EPSG/0/32628")
    some = next(iter(document["CityObjects"].values()))["attributes"]
    assert some["source"] == "floors"
    assert some["quality"] == "floors_estimate"
    referenced = [o["attributes"].get("cadastral_reference") for o in
                  document["CityObjects"].values()]
    assert sum(1 for r in referenced if r) > 0.8 * len(referenced)
    # the same buildings, with the same parcel references, in the tiles
    _twin(["build", "buildings", f"{layer_id}_cons", "--parcels",
           f"{layer_id}_parcel:nationalCadastralReference"], database_url, tmp_path)
    features = _glb_tables(tmp_path / "tiles" / f"{layer_id}_cons")
    for key, item in document["CityObjects"].items():
        feature = features[item["attributes"]["fid"]]
        assert feature["id"] == key
        assert feature["cadastral_reference"] == item["attributes"].get("cadastral_reference", "")
        assert feature["height"] == pytest.approx(item["attributes"]["measuredHeight"], abs=1e-3)


def test_building_a_layer_without_heights_says_what_to_run(
    database_url: str, engine: Engine, layer_id: str, tmp_path: Path
) -> None:
    ingest_vector(engine, spec(f"{layer_id}_parcel"), TENERIFE_PARCELS,
                  default_storage_crs="EPSG:32628")
    env = {"TWIN_DATABASE_URL": database_url, "TWIN_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(build_app(), ["build", "buildings", f"{layer_id}_parcel"],
                                env=env)
    assert result.exit_code == 1
    assert "twin build heights" in result.output
    assert not (tmp_path / "tiles" / f"{layer_id}_parcel").exists()


def test_publishing_buildings_refuses_a_joined_parcel_layer_that_is_not_open(
    database_url: str, engine: Engine, layer_id: str, tmp_path: Path
) -> None:
    """The parcels' references travel in every building's metadata: a closed parcel layer
    joined into open buildings keeps them from a public target, before anything is built."""
    ingest_vector(engine, spec(f"{layer_id}_parcel"), TENERIFE_PARCELS,
                  default_storage_crs="EPSG:32628")
    ingest_vector(engine, spec(f"{layer_id}_closed", access_level="closed"), TENERIFE_PARCELS,
                  default_storage_crs="EPSG:32628")
    env = {"TWIN_DATABASE_URL": database_url, "TWIN_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(build_app(), [
        "build", "buildings", f"{layer_id}_parcel", "--parcels",
        f"{layer_id}_closed:nationalCadastralReference", "--publish", str(tmp_path / "web")],
        env=env)
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert f"not open data: {layer_id}_closed (closed)" in said
    assert f"{layer_id}_parcel (" not in said  # the open one is not named
    assert not (tmp_path / "tiles" / f"{layer_id}_parcel").exists()
    assert not (tmp_path / "web").exists()
