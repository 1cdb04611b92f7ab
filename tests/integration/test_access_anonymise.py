"""Anonymisation views: every rule applied, raw personal values never in ``publish``."""

from __future__ import annotations

import pytest
from access_support import make_cadastral_layer, owner_name, owner_number
from sqlalchemy import Engine, text

from gis import anonymise

pytestmark = pytest.mark.integration


def _published(engine: Engine, layer_id: str) -> list[dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(text(f'SELECT * FROM publish."{layer_id}" ORDER BY fid'))  # noqa: S608
        return [dict(r._mapping) for r in rows]


def test_open_layer_view_applies_every_rule(engine: Engine, layer_id: str) -> None:
    with engine.begin() as conn:
        anonymise.set_pseudonym_secret(conn, "s3cret")
    make_cadastral_layer(engine, layer_id, "open")
    rows = _published(engine, layer_id)
    assert len(rows) == 60
    first = rows[0]
    # open: dropped and hashed fields are both absent (a pseudonym is not anonymous)
    assert "owner_name" not in first
    assert "owner_number" not in first
    assert set(first) >= {"fid", "capakey", "price", "birthdate", "buyer_town", "geom"}
    assert {r["price"] for r in rows} <= {"< 100000", "100000 - 200000", "200000 - 300000",
                                          "300000 - 400000", ">= 400000"}
    assert all(isinstance(r["birthdate"], int) and 1940 <= r["birthdate"] < 2000 for r in rows)
    towns = {r["buyer_town"] for r in rows}
    assert towns == {"Leuven", "Heverlee", None}  # the rare towns (1 row each): suppressed
    assert sum(r["buyer_town"] is None for r in rows) == 10


def test_shared_layer_keeps_keyed_pseudonyms(engine: Engine, layer_id: str) -> None:
    with engine.begin() as conn:
        anonymise.set_pseudonym_secret(conn, "s3cret")
    make_cadastral_layer(engine, layer_id, "shared", ("notaries",))
    rows = _published(engine, layer_id)
    pseudonyms = [r["owner_number"] for r in rows]
    assert all(isinstance(p, str) and len(p) == 64 for p in pseudonyms)
    assert owner_number(0) not in pseudonyms
    assert len(set(pseudonyms)) == len(pseudonyms)
    import hashlib
    import hmac
    expected = hmac.new(b"s3cret", owner_number(0).encode(), hashlib.sha256).hexdigest()
    assert pseudonyms[0] == expected
    assert all(owner_name(i) not in str(r) for i, r in enumerate(rows))


def test_generalised_geometry_and_month(engine: Engine, layer_id: str) -> None:
    rules = {"geom": {"rule": "generalise", "params": {"grid": 100}},
             "birthdate": {"rule": "generalise", "params": {"to": "month"}},
             "owner_name": {"rule": "drop"}, "owner_number": {"rule": "drop"}}
    make_cadastral_layer(engine, layer_id, "open", rules=rules, limit=20)
    with engine.connect() as conn:
        query = ("SELECT ST_GeometryType(geom), ST_X(geom), ST_Y(geom), ST_SRID(geom_4326),"
                 " ST_GeometryType(geom_3857), birthdate FROM publish.{} LIMIT 1")
        row = conn.execute(text(query.format(f'"{layer_id}"'))).one()
        types = conn.execute(text(
            "SELECT type, srid FROM geometry_columns WHERE f_table_schema = 'publish' "
            "AND f_table_name = :t ORDER BY f_geometry_column"), {"t": layer_id}).all()
    assert row[0] == "ST_Point"
    assert row[1] % 100 == 0
    assert row[2] % 100 == 0
    assert row[3] == 4326
    assert row[4] == "ST_Point"
    assert len(row[5]) == 7
    assert row[5][4] == "-"
    assert ("POINT", 31370) in [tuple(t) for t in types]


def test_counts_suppress_small_cells(engine: Engine, layer_id: str) -> None:
    layer = make_cadastral_layer(engine, layer_id, "open")
    with engine.connect() as conn:
        counts = dict(anonymise.counts_by(conn, layer, "price", min_count=14))
        towns = dict(anonymise.counts_by(conn, layer, "buyer_town"))
    assert any(v is None for v in counts.values())
    assert any(v for v in counts.values())
    assert all(v is None or v >= 14 for v in counts.values())
    assert towns["Leuven"] == 40
    assert "Zzrare0" not in towns


def test_hash_without_secret_is_dropped(engine: Engine, layer_id: str) -> None:
    with engine.begin() as conn:
        anonymise.set_pseudonym_secret(conn, None)
    make_cadastral_layer(engine, layer_id, "shared", ("notaries",), limit=5)
    assert "owner_number" not in _published(engine, layer_id)[0]
    with engine.begin() as conn:
        anonymise.set_pseudonym_secret(conn, "s3cret")
