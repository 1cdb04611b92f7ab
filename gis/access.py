"""API keys, the access policy and the audit log: who may do what with which layer.

A key is presented as ``<key id>.<secret>``. Only a salted scrypt hash of the secret is
stored, so a copy of the database does not hand out working keys, and hashes are compared in
constant time. The access policy lives here, once, in `decide`: every path of the service
(collections, items, tiles, 3D Tiles, catalogue, downloads, Part 4 edits) asks it, and the
HTTP edge (``twin.access``) only parses credentials and turns its answers into responses.

The rule: ``open`` for anyone, ``shared`` for partners of a group the layer is shared with
(and staff), ``closed`` for staff only; writing needs a write key that may also read; every
reader but staff reads the rule-applied view ``publish."<id>"``, never the raw table.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from pydantic import BaseModel
from sqlalchemy import Connection, func, insert, select, update

from gis.errors import AccessError, PublicationRefused, UnknownKey
from gis.model import Layer, LayerSpec
from gis.schema import Relation, current_relation, published_relation
from gis.schema.tables import api_key, audit_log

__all__ = [
    "ACTIONS", "KEY_ROLES", "AccessError", "Action", "ApiKey", "AuditEntry", "Decision",
    "Principal", "Role", "UnknownKey", "create_key", "decide", "get_key", "hash_secret",
    "list_keys", "may_read", "needs_audit", "read_audit", "record_access",
    "require_publishable", "revoke_key", "secret_matches", "spend_check", "split_token",
    "stored_hash", "verify_key",
]

Role = Literal["anonymous", "partner", "staff"]
#: read: see the layer at all (metadata, listings, tiles, 3D Tiles, catalogue);
#: relation: read its features (which relation to query); download: get its files;
#: write: change its features (OGC API Features Part 4)
Action = Literal["read", "write", "relation", "download"]
ACTIONS: tuple[Action, ...] = ("read", "write", "relation", "download")
#: why: open / staff / group allow; hidden (the layer must read as unknown), anonymous
#: (a write without a key) and read_only (a key without write rights) refuse
Reason = Literal["open", "staff", "group", "hidden", "anonymous", "read_only"]
KEY_ROLES = ("partner", "staff")
GROUP_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")

# scrypt cost: ~16 MiB and a few tens of ms per verification; the edge caches successes.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
_NO_SALT = b"\0" * 16


class Principal(Protocol):
    """Who acts: the service's authenticated caller (``twin.access.Caller``) fits as it is."""

    @property
    def role(self) -> Role: ...

    @property
    def groups(self) -> frozenset[str]: ...

    @property
    def can_write(self) -> bool: ...


@dataclass(frozen=True)
class _Principal:
    role: Role
    groups: frozenset[str]
    can_write: bool = False


@dataclass(frozen=True)
class Decision:
    """The policy's answer for one principal, layer and action.

    ``visible`` False means the caller may not even learn that the layer exists: answer
    exactly as for an unknown layer. ``relation`` is the (schema, table) an allowed action
    reads or writes; None when refused, so a caller that forgets to check cannot read.
    """

    allowed: bool
    visible: bool
    reason: Reason
    relation: Relation | None = None
    audited: bool = False


def decide(principal: Principal, layer: Layer | LayerSpec, action: Action) -> Decision:
    """The access policy, the one function every read, write, relation and download asks."""
    spec = layer.spec if isinstance(layer, Layer) else layer
    audited = needs_audit(spec)
    reason = _read_reason(principal, spec)
    if reason is None:
        return Decision(False, False, "hidden", audited=audited)
    if action == "write":
        if principal.role == "anonymous":
            return Decision(False, True, "anonymous", audited=audited)
        if not principal.can_write:
            return Decision(False, True, "read_only", audited=audited)
        return Decision(True, True, reason, current_relation(spec.id), audited)
    # files are the published data; a joined table is read through its joined view
    staff_reads_raw = principal.role == "staff" and action != "download" and spec.join is None
    relation = current_relation(spec.id) if staff_reads_raw else published_relation(spec.id)
    return Decision(True, True, reason, relation, audited)


def _read_reason(principal: Principal, spec: LayerSpec) -> Reason | None:
    """Why ``principal`` may read the layer at all, or None when it must stay invisible."""
    if spec.access_level == "open":
        return "open"
    if principal.role == "staff":
        return "staff"
    if (spec.access_level == "shared" and principal.role == "partner"
            and set(principal.groups) & set(spec.shared_with)):
        return "group"
    return None


def may_read(role: Role, groups: Iterable[str], spec: LayerSpec) -> bool:
    """May a caller of ``role`` in ``groups`` see the layer at all? (`decide`, ``read``)."""
    return decide(_Principal(role, frozenset(groups)), spec, "read").allowed


def require_publishable(specs: Iterable[LayerSpec], restricted_target: bool) -> None:
    """Refuse to copy layers that are not open to a publication target (`PublicationRefused`)
    unless the target is declared access-controlled: the files there are read without the
    service, so only open data may go where anyone can read them."""
    closed = [f"{spec.id} ({spec.access_level})" for spec in specs
              if spec.access_level != "open"]
    if closed and not restricted_target:
        raise PublicationRefused(closed)


def needs_audit(spec: LayerSpec) -> bool:
    """Shared and closed data are audited; open data is not (it is anyone's)."""
    return spec.access_level != "open"


class ApiKey(BaseModel):
    """A stored key without its secret."""

    id: str
    role: Literal["partner", "staff"]
    groups: list[str]
    can_write: bool
    label: str | None
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class AuditEntry(BaseModel):
    at: datetime
    key_id: str | None
    role: str
    layer_id: str
    access_level: str
    operation: str
    feature_count: int | None
    path: str | None
    status: int | None


def hash_secret(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, **_SCRYPT)


def secret_matches(secret: str, salt: bytes, digest: bytes) -> bool:
    """Whether ``secret`` hashes to the stored ``digest``, compared in constant time (a
    comparison that stops at the first differing byte tells a prober how much was right)."""
    return hmac.compare_digest(hash_secret(secret, salt), digest)


def spend_check(secret: str) -> None:
    """Hash ``secret`` for nothing: an unknown key id costs what a wrong secret costs, so the
    answer's timing does not tell which key ids exist."""
    hash_secret(secret, _NO_SALT)


def split_token(token: str) -> tuple[str, str] | None:
    """``<key id>.<secret>`` -> (key id, secret); None when it does not have that shape."""
    key_id, dot, secret = token.strip().partition(".")
    if not dot or not key_id or not secret:
        return None
    return key_id, secret


def _check_groups(groups: Iterable[str]) -> list[str]:
    cleaned = sorted({g.strip().lower() for g in groups if g.strip()})
    for group in cleaned:
        if not set(group) <= GROUP_NAME_CHARS:
            raise AccessError(f"group {group!r}: use lower-case letters, digits, - or _")
    return cleaned


def create_key(
    conn: Connection,
    role: str,
    groups: Iterable[str] = (),
    can_write: bool = False,
    label: str | None = None,
) -> tuple[ApiKey, str]:
    """Store a new key and return it with its token (shown once, never stored)."""
    if role not in KEY_ROLES:
        raise AccessError(f"role {role!r}: a key is 'partner' or 'staff'")
    clean_groups = _check_groups(groups)
    if role == "partner" and not clean_groups:
        raise AccessError("a partner key needs at least one --group")
    key_id = "tk" + secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_bytes(16)
    conn.execute(
        insert(api_key).values(
            id=key_id, secret_hash=hash_secret(secret, salt), salt=salt, role=role,
            groups=clean_groups, can_write=can_write, label=label, created_at=func.now(),
        )
    )
    return get_key(conn, key_id), f"{key_id}.{secret}"


def _row_to_key(row: object) -> ApiKey:
    return ApiKey.model_validate(row, from_attributes=True)


def get_key(conn: Connection, key_id: str) -> ApiKey:
    columns = [c for c in api_key.c if c.name not in ("secret_hash", "salt")]
    row = conn.execute(select(*columns).where(api_key.c.id == key_id)).one_or_none()
    if row is None:
        raise UnknownKey(key_id)
    return _row_to_key(row)


def list_keys(conn: Connection, include_revoked: bool = True) -> list[ApiKey]:
    columns = [c for c in api_key.c if c.name not in ("secret_hash", "salt")]
    query = select(*columns).order_by(api_key.c.created_at, api_key.c.id)
    if not include_revoked:
        query = query.where(api_key.c.revoked_at.is_(None))
    return [_row_to_key(row) for row in conn.execute(query)]


def revoke_key(conn: Connection, key_id: str) -> ApiKey:
    """Revoke a key now; it keeps its audit trail. Revoking twice is an error."""
    key = get_key(conn, key_id)
    if key.revoked_at is not None:
        raise AccessError(f"key {key_id!r} was already revoked on {key.revoked_at:%Y-%m-%d}")
    conn.execute(update(api_key).where(api_key.c.id == key_id).values(revoked_at=func.now()))
    return get_key(conn, key_id)


def stored_hash(conn: Connection, key_id: str) -> tuple[ApiKey, bytes, bytes] | None:
    """The active key with its hash and salt (None for unknown or revoked keys)."""
    row = conn.execute(
        select(api_key).where(api_key.c.id == key_id, api_key.c.revoked_at.is_(None))
    ).one_or_none()
    if row is None:
        return None
    return _row_to_key(row), bytes(row.secret_hash), bytes(row.salt)


def verify_key(conn: Connection, key_id: str, secret: str) -> ApiKey | None:
    """The key when ``secret`` matches an active key, else None (never says which failed)."""
    found = stored_hash(conn, key_id)
    if found is None:
        spend_check(secret)  # same cost either way: no timing oracle on ids
        return None
    key, digest, salt = found
    return key if secret_matches(secret, salt, digest) else None


def record_access(
    conn: Connection,
    *,
    key_id: str | None,
    role: str,
    spec: LayerSpec,
    operation: str,
    feature_count: int | None = None,
    path: str | None = None,
    status: int | None = None,
) -> None:
    """Append one audit entry (callers record every access to shared or closed data)."""
    conn.execute(
        insert(audit_log).values(
            at=func.clock_timestamp(), key_id=key_id, role=role, layer_id=spec.id,
            access_level=spec.access_level, operation=operation, feature_count=feature_count,
            path=path, status=status,
        )
    )


def read_audit(
    conn: Connection,
    layer_id: str | None = None,
    since: datetime | None = None,
    key_id: str | None = None,
    limit: int = 1000,
) -> list[AuditEntry]:
    """Audit entries, newest first, filtered by layer, key and start time."""
    query = select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)
    if layer_id is not None:
        query = query.where(audit_log.c.layer_id == layer_id)
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    if key_id is not None:
        query = query.where(audit_log.c.key_id == key_id)
    return [AuditEntry.model_validate(row, from_attributes=True) for row in conn.execute(query)]
