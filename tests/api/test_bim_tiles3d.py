"""A BIM layer's tileset (``twin build bim``) through ``/3dtiles/{layer}/``: served to whom
the layer's access level allows, with the element metadata the viewer shows."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from bim_support import load_ifc
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gis.access import create_key
from gis.bim.georef import user_placement
from gis.bim.synthetic import write_model
from tiles.bim.build import build_layer_bim
from tiles.core.glb import read_glb
from tiles.core.metadata import read_property_table
from tiles.errors import BuildInputError
from twin.app import create_app
from twin.settings import Settings


def test_bim_tilesets_are_served_by_access_level(
        engine: Engine, database_url: str, tmp_path: Path) -> None:
    suffix = uuid.uuid4().hex[:8]
    open_id, closed_id = f"bim_open_{suffix}", f"bim_closed_{suffix}"
    settings = Settings(database_url=database_url, public_url="http://testserver",
                        data_dir=tmp_path / "var", ogc_registry_ttl=0.0)
    model = write_model(tmp_path / "permit.ifc", walls=3, spaces=2)
    for layer_id, level in ((open_id, "open"), (closed_id, "closed")):
        load_ifc(engine, layer_id, model, tmp_path, access_level=level)
        build_layer_bim(engine, layer_id, settings.tiles_dir, threads=1)
    with TestClient(create_app(settings)) as client:
        document = client.get(f"/3dtiles/{open_id}/tileset.json")
        assert document.status_code == 200
        assert document.json()["asset"]["tilesetVersion"].startswith("v1-")
        uri = document.json()["root"]["content"]["uri"]
        content = client.get(f"/3dtiles/{open_id}/{uri}")
        assert content.status_code == 200
        assert content.headers["content-type"] == "model/gltf-binary"
        gltf, body = read_glb(content.content)
        table = read_property_table(gltf, body)
        assert set(table["ifc_class"]) == {"IfcWall"}  # the shell at the root
        assert set(table["storey"]) == {"Ground floor"}
        assert '"FireRating":"EI 60"' in table["psets"][0]
        assert client.get(f"/3dtiles/{closed_id}/tileset.json").status_code == 404
        with engine.begin() as conn:
            _, token = create_key(conn, "staff", label="bim tiles test")
        keyed = client.get(f"/3dtiles/{closed_id}/tileset.json", headers={"X-API-Key": token})
        assert keyed.status_code == 200


def test_a_datum_without_a_shipped_geoid_is_refused(engine: Engine, layer_id: str,
                                                    tmp_path: Path) -> None:
    model = write_model(tmp_path / "flat.ifc", walls=1, spaces=0)
    load_ifc(engine, layer_id, model, tmp_path,  # a 2D CRS: the heights' datum is unknown
             placement=user_placement("152000,170000,30", "EPSG:31370", 0.0))
    with pytest.raises(BuildInputError, match="--origin E,N,H --crs"):
        build_layer_bim(engine, layer_id, tmp_path / "tiles", threads=1)
