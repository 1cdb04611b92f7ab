"""API keys, access rules and the audit log: who may see which layer, and who saw what.

A key is presented as ``<key id>.<secret>``. Only a salted scrypt hash of the secret is
stored, so a copy of the database does not hand out working keys. The rule of access levels
lives here, once: ``open`` for anyone, ``shared`` for partners of a group the layer is
shared with (and staff), ``closed`` for staff only. The HTTP edge (``twin.access``) only
parses credentials and calls these functions.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Column,
    Connection,
    DateTime,
    Integer,
    LargeBinary,
    Table,
    Text,
    func,
    insert,
    select,
    update,
)

from gis.errors import GisError
from gis.model import LayerSpec
from gis.schema import metadata

Role = Literal["anonymous", "partner", "staff"]
KEY_ROLES = ("partner", "staff")
GROUP_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")

# scrypt cost: ~16 MiB and a few tens of ms per verification; the edge caches successes.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}

api_key = Table(
    "api_key",
    metadata,
    Column("id", Text, primary_key=True),
    Column("secret_hash", LargeBinary, nullable=False),
    Column("salt", LargeBinary, nullable=False),
    Column("role", Text, nullable=False),
    Column("groups", ARRAY(Text), nullable=False),
    Column("can_write", Boolean, nullable=False),
    Column("label", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    extend_existing=True,
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("key_id", Text),
    Column("role", Text, nullable=False),
    Column("layer_id", Text, nullable=False),
    Column("access_level", Text, nullable=False),
    Column("operation", Text, nullable=False),
    Column("feature_count", BigInteger),
    Column("path", Text),
    Column("status", Integer),
    extend_existing=True,
)


class AccessError(GisError):
    """A key operation was refused (unknown key, bad role or group name)."""


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


def may_read(role: Role, groups: Iterable[str], spec: LayerSpec) -> bool:
    """The access rule: may a caller of ``role`` in ``groups`` see the layer at all?"""
    if spec.access_level == "open" or role == "staff":
        return True
    if spec.access_level == "shared" and role == "partner":
        return bool(set(groups) & set(spec.shared_with))
    return False


def hash_secret(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, **_SCRYPT)


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
        raise AccessError(f"no key {key_id!r}")
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
        hash_secret(secret, b"\0" * 16)  # same cost either way: no timing oracle on ids
        return None
    key, digest, salt = found
    return key if hmac.compare_digest(hash_secret(secret, salt), digest) else None


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


def needs_audit(spec: LayerSpec) -> bool:
    """Shared and closed data are audited; open data is not (it is anyone's)."""
    return spec.access_level != "open"


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
