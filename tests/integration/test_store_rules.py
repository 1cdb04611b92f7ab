"""The store's rules decided in gis, at load or migrate time, never on a request.

Real PostGIS, the real vector ingest of the cadastral test layer (real Leuven parcels).
"""

from __future__ import annotations

import json
from pathlib import Path

from access_support import make_cadastral_layer
from fastapi.testclient import TestClient
from psycopg import sql
from sqlalchemy import Engine, text

from gis import edit, export, registry
from gis.publication import prepare_publication
from gis.schema import published_relation
from twin.app import create_app
from twin.settings import Settings


def _view_exists(engine: Engine, layer_id: str) -> bool:
    schema, name = published_relation(layer_id)
    with engine.connect() as conn:
        return conn.execute(text("SELECT to_regclass(format('%I.%I', CAST(:s AS text), "
                                 "CAST(:n AS text)))"), {"s": schema, "n": name}
                            ).scalar() is not None


def _drop_view(engine: Engine, layer_id: str) -> None:
    with engine.begin() as conn:
        driver = conn.connection.driver_connection
        conn.exec_driver_sql(sql.SQL("DROP VIEW {}").format(
            sql.Identifier(*published_relation(layer_id))).as_string(driver))


def test_prepare_publication_restores_views_and_stores_the_key(
        engine: Engine, layer_id: str) -> None:
    make_cadastral_layer(engine, layer_id, access_level="shared", shared_with=("notaries",))
    _drop_view(engine, layer_id)
    assert not _view_exists(engine, layer_id)

    stored = prepare_publication(engine, "rules-secret")
    assert stored.secret_changed  # the layer hashes: its view was rebuilt with the new key
    assert _view_exists(engine, layer_id)

    _drop_view(engine, layer_id)
    restored = prepare_publication(engine, "rules-secret")
    assert layer_id in restored.views_created
    assert not restored.secret_changed
    assert _view_exists(engine, layer_id)
    again = prepare_publication(engine, "rules-secret")
    assert again.views_created == []
    assert not again.secret_changed

def test_the_service_prepares_the_store_at_start_up_not_on_a_request(
        engine: Engine, database_url: str, layer_id: str, tmp_path: Path) -> None:
    make_cadastral_layer(engine, layer_id)
    _drop_view(engine, layer_id)
    settings = Settings(database_url=database_url, data_dir=tmp_path, ogc_registry_ttl=0)
    app = create_app(settings)
    assert not _view_exists(engine, layer_id)  # building the app changes nothing
    with TestClient(app) as client:  # start-up (lifespan) prepares the store
        assert _view_exists(engine, layer_id)
        _drop_view(engine, layer_id)
        client.get("/collections")
        assert not _view_exists(engine, layer_id)  # a request never creates schema objects
    prepare_publication(engine, None)


def test_an_edit_moves_downloads_to_a_new_state(
        engine: Engine, layer_id: str, tmp_path: Path) -> None:
    make_cadastral_layer(engine, layer_id, limit=5)
    with engine.connect() as conn:
        before = registry.get_layer(conn, layer_id)
    first = export.build(engine, tmp_path, before, "geojson", "4326")

    with engine.begin() as conn:
        edit.update_feature(conn, before, 1, {"properties": {"capakey": "EDITED-1"}},
                            edit.SourceCrs(4326, False), None, None)
    with engine.connect() as conn:
        after = registry.get_layer(conn, layer_id)
    assert after.edit_seq == before.edit_seq + 1
    assert export.cached(tmp_path, after, "geojson", "4326") is None  # nothing stale served
    second = export.build(engine, tmp_path, after, "geojson", "4326")

    assert second.path.parent != first.path.parent
    assert not first.path.parent.exists()  # the earlier state's folder is gone
    served = json.loads(second.path.read_text())
    assert "EDITED-1" in {f["properties"]["capakey"] for f in served["features"]}
    assert second.sha256 != first.sha256

