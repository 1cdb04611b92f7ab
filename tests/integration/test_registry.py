"""The registry on a real PostGIS: declarations, versions with lifespans, failures recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from gis import migrate, registry
from gis.errors import InvalidLayerSpec, LayerNotFound
from gis.model import VersionStats
from gis.registry import parse_spec
from gis.server_transforms import probe_pair


def _spec(layer_id: str, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": layer_id,
        "title": {"fr": "Parcelles", "en": "Parcels"},
        "producer": "Service SIG",
        "contact_point": {"name": "SIG", "email": "sig@commune.example.be"},
        "licence": "CC_BY_4_0",
        "update_frequency": "MONTHLY",
        "personal_fields": {"owner": {"rule": "drop"}},
    }
    data.update(overrides)
    return data


def test_schema_is_migrated_to_a_head(engine: Engine) -> None:
    assert migrate.current(engine) is not None
    with engine.connect() as conn:
        schemas = set(conn.execute(text("SELECT nspname FROM pg_namespace")).scalars())
    assert {"twin", "data", "history", "staging"} <= schemas


def test_register_and_read_back(engine: Engine, layer_id: str) -> None:
    with engine.begin() as conn:
        layer = registry.register(conn, parse_spec(_spec(layer_id)), "EPSG:31370")
    assert layer.storage_srid == 31370
    assert layer.current_version is None
    with engine.connect() as conn:
        again = registry.get_layer(conn, layer_id)
        listed = [item.id for item in registry.list_layers(conn)]
    assert again.spec.personal_fields["owner"].rule == "drop"
    assert again.spec.title["fr"] == "Parcelles"
    assert layer_id in listed


def test_register_updates_in_place(engine: Engine, layer_id: str) -> None:
    with engine.begin() as conn:
        registry.register(conn, parse_spec(_spec(layer_id)), "EPSG:31370")
        updated = registry.register(
            conn, parse_spec(_spec(layer_id, access_level="closed")), "EPSG:31370"
        )
    assert updated.spec.access_level == "closed"


def test_unknown_layer(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(LayerNotFound):
        registry.get_layer(conn, "nope_not_here")


def test_versions_carry_lifespans_and_failures(engine: Engine, layer_id: str) -> None:
    with engine.begin() as conn:
        registry.register(conn, parse_spec(_spec(layer_id)), "EPSG:31370")
    first_valid = datetime(2026, 1, 1, tzinfo=UTC)
    second_valid = datetime(2026, 6, 1, tzinfo=UTC)
    stats = VersionStats(feature_count=3, geometry_type="MultiPolygon",
                         extent=[1.0, 2.0, 3.0, 4.0], extent_4326=[4.0, 50.0, 4.1, 50.1],
                         quality={"repaired": 1})
    with engine.begin() as conn:
        first = registry.start_load(conn, layer_id, "a.geojson", "abc")
        registry.publish_version(conn, first, layer_id, first_valid, stats)
    with engine.begin() as conn:
        failed = registry.start_load(conn, layer_id, "b.geojson", "def")
        registry.fail_load(conn, failed, "b.geojson: feature 7: not a geometry", None)
    with engine.begin() as conn:
        second = registry.start_load(conn, layer_id, "c.geojson", "ghi")
        assert registry.publish_version(conn, second, layer_id, second_valid, stats) == 2
    with engine.connect() as conn:
        layer = registry.get_layer(conn, layer_id)
        versions = registry.history(conn, layer_id)
    assert layer.current_version == 2
    assert layer.feature_count == 3
    assert [(v.version, v.status) for v in versions] == [
        (2, "current"), (None, "failed"), (1, "superseded")
    ]
    assert versions[2].end_lifespan == second_valid == versions[0].begin_lifespan
    assert versions[1].error is not None
    assert "feature 7" in versions[1].error


def test_stale_loads_are_marked_failed(engine: Engine, layer_id: str) -> None:
    with engine.begin() as conn:
        registry.register(conn, parse_spec(_spec(layer_id)), "EPSG:31370")
        registry.start_load(conn, layer_id, "killed.gpkg", None)
    with engine.begin() as conn:
        assert registry.abandon_stale_loads(conn, layer_id) == 1
    with engine.connect() as conn:
        (version,) = registry.history(conn, layer_id)
    assert version.status == "failed"
    assert version.error is not None
    assert "interrupted" in version.error


def test_storage_crs_cannot_change_under_data(engine: Engine, layer_id: str) -> None:
    with engine.begin() as conn:
        registry.register(conn, parse_spec(_spec(layer_id)), "EPSG:31370")
        load = registry.start_load(conn, layer_id, "a.geojson", None)
        registry.publish_version(conn, load, layer_id, datetime.now(UTC), VersionStats(
            feature_count=0, geometry_type="MultiPolygon", extent=None, extent_4326=None,
            quality=None))
    with engine.begin() as conn, pytest.raises(InvalidLayerSpec, match="EPSG:31370"):
        registry.register(conn, parse_spec(_spec(layer_id, storage_crs="EPSG:3812")),
                          "EPSG:31370")


def test_test_cluster_transforms_with_the_grid(engine: Engine) -> None:
    """The private cluster's server has the grids: the issue's reference point, (150000,
    170000) EPSG:31370, is (649999.720, 670000.537) EPSG:3812 in PostGIS too."""
    probe = probe_pair(engine, 31370, 3812)
    assert probe.exact, probe.describe()
    assert probe.points >= 20
    with engine.connect() as conn:
        x, y = conn.execute(text(
            "SELECT ST_X(g), ST_Y(g) FROM ST_Transform("
            "ST_SetSRID(ST_MakePoint(150000, 170000), 31370), 3812) AS g")).one()
    assert (x, y) == pytest.approx((649999.720, 670000.537), abs=0.001)


def test_the_last_edit_of_a_layer_is_one_index_lookup(engine: Engine, layer_id: str) -> None:
    """The catalogue asks for the latest edit of each layer on every request: it must not
    read the layer's whole change log."""
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO twin.feature_change (layer_id, fid, operation, at) "
            "SELECT :layer, n, 'update', now() - n * interval '1 minute' "
            "FROM generate_series(1, 500) n"), {"layer": layer_id})
        conn.execute(text("ANALYZE twin.feature_change"))
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(row[0] for row in conn.execute(text(
            "EXPLAIN SELECT max(at) FROM twin.feature_change WHERE layer_id = :layer"),
            {"layer": layer_id}))
        latest = conn.execute(text(
            "SELECT max(at) = now() - interval '1 minute' FROM twin.feature_change "
            "WHERE layer_id = :layer"), {"layer": layer_id}).scalar_one()
    assert "Index Only Scan Backward using feature_change_layer_at" in plan, plan
    assert latest
