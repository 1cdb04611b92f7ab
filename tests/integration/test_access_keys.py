"""API keys and the audit log against a real PostGIS: hashed storage, verify, revoke."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from gis import access
from gis.model import LayerSpec

pytestmark = pytest.mark.integration


def test_key_is_stored_hashed_and_verifies(engine: Engine) -> None:
    with engine.begin() as conn:
        key, token = access.create_key(conn, "partner", ["Notaries", "notaries"], label="Notary")
    key_id, secret = token.split(".", 1)
    assert key.id == key_id
    assert key.groups == ["notaries"]
    assert not key.can_write
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT secret_hash, salt FROM twin.api_key WHERE id = :i"),
                              {"i": key_id}).one()
        assert secret.encode() not in bytes(stored.secret_hash)
        dump = conn.execute(text("SELECT row_to_json(k)::text FROM twin.api_key k")).scalars()
        assert all(secret not in row for row in dump)
        assert access.verify_key(conn, key_id, secret) == key
        assert access.verify_key(conn, key_id, secret + "x") is None
        assert access.verify_key(conn, "tkunknown", secret) is None


def test_revoked_key_no_longer_verifies(engine: Engine) -> None:
    with engine.begin() as conn:
        key, token = access.create_key(conn, "staff", can_write=True)
        revoked = access.revoke_key(conn, key.id)
    assert revoked.revoked_at is not None
    with engine.begin() as conn:
        assert access.verify_key(conn, *token.split(".", 1)) is None
        with pytest.raises(access.AccessError, match="already revoked"):
            access.revoke_key(conn, key.id)
        assert any(k.id == key.id for k in access.list_keys(conn))
        assert all(k.id != key.id for k in access.list_keys(conn, include_revoked=False))


@pytest.mark.parametrize(("role", "groups", "problem"), [
    ("admin", ["x"], "partner' or 'staff"),
    ("partner", [], "at least one --group"),
    ("partner", ["bad group!"], "lower-case"),
])
def test_bad_key_requests_are_refused(engine: Engine, role: str, groups: list[str],
                                      problem: str) -> None:
    with engine.begin() as conn, pytest.raises(access.AccessError, match=problem):
        access.create_key(conn, role, groups)


def _spec(level: str, shared_with: list[str] | None = None) -> LayerSpec:
    return LayerSpec.model_validate({
        "id": "x_layer", "title": {"en": "x"}, "producer": "p",
        "contact_point": {"name": "n", "email": "a@b.c"}, "licence": "CC0",
        "update_frequency": "ANNUAL", "access_level": level, "shared_with": shared_with or [],
    })


@pytest.mark.parametrize(("role", "groups", "level", "expected"), [
    ("anonymous", [], "open", True), ("anonymous", [], "shared", False),
    ("anonymous", [], "closed", False), ("partner", ["notaries"], "shared", True),
    ("partner", ["police"], "shared", False), ("partner", ["notaries"], "closed", False),
    ("staff", [], "shared", True), ("staff", [], "closed", True),
])
def test_access_rule(role: access.Role, groups: list[str], level: str, expected: bool) -> None:
    spec = _spec(level, ["notaries"] if level == "shared" else None)
    assert access.may_read(role, groups, spec) is expected


def test_audit_is_written_and_filtered(engine: Engine) -> None:
    start = datetime.now(UTC) - timedelta(seconds=1)
    spec = _spec("shared", ["notaries"])
    with engine.begin() as conn:
        access.record_access(conn, key_id="tkaudit", role="partner", spec=spec,
                             operation="items", feature_count=12, path="/x", status=200)
    with engine.connect() as conn:
        entries = access.read_audit(conn, layer_id="x_layer", since=start, key_id="tkaudit")
        assert [(e.operation, e.feature_count, e.access_level) for e in entries] == [
            ("items", 12, "shared")]
        assert access.read_audit(conn, layer_id="x_layer", since=start + timedelta(hours=1)) == []
    assert access.needs_audit(spec)
    assert not access.needs_audit(_spec("open"))
