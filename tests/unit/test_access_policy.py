"""The one access policy (`gis.access.decide`) over the whole matrix: level x caller x action.

The expectations are spelled out here, not derived from the code: who sees which level, who
may write, which relation each read uses (the raw table for staff, the rule-applied view for
everyone else, always the view for downloaded files) and what is audited. The service's
helpers (`twin.access.can_see`, `can_write`, `relation_for`) must agree with it everywhere.
"""

from __future__ import annotations

import itertools

import pytest

from gis import access
from gis.model import Layer, LayerSpec
from twin.access import Caller, can_see, can_write, relation_for
from twin.errors import CollectionNotFound

LEVELS = ("open", "shared", "closed")
CALLERS = {
    "anonymous": Caller(),
    "notary": Caller("tk1", "partner", frozenset({"notaries"})),
    "notary_writer": Caller("tk2", "partner", frozenset({"notaries", "police"}), True),
    "police_writer": Caller("tk3", "partner", frozenset({"police"}), True),
    "staff": Caller("tk4", "staff"),
    "staff_writer": Caller("tk5", "staff", frozenset(), True),
    # a write flag without a key cannot be issued; the policy still refuses it
    "anonymous_flagged": Caller(None, "anonymous", frozenset(), True),
}
VISIBLE = {
    "anonymous": {"open"}, "notary": {"open", "shared"}, "notary_writer": {"open", "shared"},
    "police_writer": {"open"}, "staff": set(LEVELS), "staff_writer": set(LEVELS),
    "anonymous_flagged": {"open"},
}
#: why a visible layer may not be written (None: it may)
WRITE_REFUSAL = {
    "anonymous": "anonymous", "notary": "read_only", "notary_writer": None,
    "police_writer": None, "staff": "read_only", "staff_writer": None,
    "anonymous_flagged": "anonymous",
}
STAFF = {"staff", "staff_writer"}


def _layer(level: str) -> Layer:
    spec = LayerSpec.model_validate({
        "id": f"parcels_{level}", "title": {"en": "parcels"}, "producer": "p",
        "contact_point": {"name": "n", "email": "a@b.c"}, "licence": "CC0",
        "update_frequency": "ANNUAL", "access_level": level,
        "shared_with": ["notaries"] if level == "shared" else [],
    })
    return Layer(spec=spec, storage_srid=31370, current_version=1)


def _read_reason(level: str, who: str) -> str:
    if level == "open":
        return "open"
    return "staff" if who in STAFF else "group"


MATRIX = list(itertools.product(LEVELS, CALLERS, access.ACTIONS))


@pytest.mark.parametrize(("level", "who", "action"), MATRIX)
def test_policy_matrix(level: str, who: str, action: access.Action) -> None:
    layer = _layer(level)
    decision = access.decide(CALLERS[who], layer, action)
    visible = level in VISIBLE[who]
    assert decision.visible is visible
    assert decision.audited is (level != "open")
    if not visible:
        assert (decision.allowed, decision.reason, decision.relation) == (False, "hidden", None)
        return
    raw, published = ("data", layer.table), ("publish", layer.table)
    if action == "write":
        refusal = WRITE_REFUSAL[who]
        if refusal is None:
            assert (decision.allowed, decision.relation) == (True, raw)
            assert decision.reason == _read_reason(level, who)
        else:
            assert (decision.allowed, decision.reason, decision.relation) == (
                False, refusal, None)
        return
    assert decision.allowed
    assert decision.reason == _read_reason(level, who)
    if action == "download":
        assert decision.relation == published  # files are built from the view, for all
    else:
        assert decision.relation == (raw if who in STAFF else published)


@pytest.mark.parametrize(("level", "who"), list(itertools.product(LEVELS, CALLERS)))
def test_service_helpers_and_may_read_ask_the_policy(level: str, who: str) -> None:
    layer, caller = _layer(level), CALLERS[who]
    visible = level in VISIBLE[who]
    assert can_see(caller, layer) is visible
    assert access.may_read(caller.role, caller.groups, layer.spec) is visible
    assert access.decide(caller, layer.spec, "read") == access.decide(caller, layer, "read")
    assert can_write(caller, layer) is (visible and WRITE_REFUSAL[who] is None)
    if visible:
        assert relation_for(caller, layer) == access.decide(caller, layer, "relation").relation
    else:
        with pytest.raises(CollectionNotFound):  # fail closed: never a relation to read
            relation_for(caller, layer)


def test_keys_compare_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Secret hashes go through hmac.compare_digest, never ``==``."""
    calls: list[tuple[bytes, bytes]] = []
    real = access.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(access.hmac, "compare_digest", spy)
    salt = b"s" * 16
    digest = access.hash_secret("right", salt)
    assert access.secret_matches("right", salt, digest)
    assert not access.secret_matches("wrong", salt, digest)
    assert len(calls) == 2
