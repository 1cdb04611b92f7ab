"""Who is calling, and which layers they may see: the one seam every read goes through.

Closed and shared layers must not exist for a caller who may not see them: endpoints list only
what `can_see` allows and answer 404 for the rest. `relation_for` names the relation a read
uses: the rule-applied view ``publish."<id>"`` for everyone but staff, so personal fields
never leave through an open or shared output; staff read the raw table. All three are
`gis.access.decide`, the one access policy, asked for one action.

Keys arrive as ``X-API-Key: <token>``, ``Authorization: Bearer <token>`` or HTTP Basic
(password = token with any user name, or user = key id and password = secret: QGIS 3.22 sends
only Basic). A presented key that is unknown or revoked is refused with 401 whatever the path,
so the answer says nothing about layers. Hashes are compared in constant time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field
from typing import Literal

from fastapi import Request
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from gis import access as store_access
from gis.model import Layer
from gis.schema import Relation
from twin.errors import CollectionNotFound, InvalidCredentials

__all__ = [
    "ANONYMOUS", "Caller", "InvalidCredentials", "KeyVerifier", "Role",
    "can_see", "can_write", "get_caller", "note_feature_count", "presented_token",
    "relation_for", "resolve_caller",
]

Role = Literal["anonymous", "partner", "staff"]
_CACHE_SECONDS = 300.0


@dataclass(frozen=True)
class Caller:
    """The authenticated identity of a request (anonymous when no key was presented)."""

    key_id: str | None = None
    role: Role = "anonymous"
    groups: frozenset[str] = field(default_factory=frozenset)
    can_write: bool = False


ANONYMOUS = Caller()


def can_see(caller: Caller, layer: Layer) -> bool:
    """open: everyone; shared: staff or a member of one of its groups; closed: staff."""
    return store_access.decide(caller, layer, "read").allowed


def can_write(caller: Caller, layer: Layer) -> bool:
    """Editing needs a write key that may also see the layer."""
    return store_access.decide(caller, layer, "write").allowed


def relation_for(caller: Caller, layer: Layer) -> Relation:
    """The (schema, table) a read of ``layer`` by ``caller`` must use; a caller who may not
    read it gets the same 404 as for an unknown layer (fail closed, never the raw table)."""
    relation = store_access.decide(caller, layer, "relation").relation
    if relation is None:
        raise CollectionNotFound(layer.id)
    return relation


def presented_token(request: Request) -> tuple[str, str] | None:
    """(key id, secret) from X-API-Key, Bearer or Basic; None when no credential was sent.

    Raises `InvalidCredentials` for a credential that cannot even be a key.
    """
    header = request.headers.get("x-api-key")
    if header is None:
        authorization = request.headers.get("authorization")
        if authorization is None:
            return None
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer":
            header = value
        elif scheme.lower() == "basic":
            return _from_basic(value.strip())
        else:
            raise InvalidCredentials()
    token = store_access.split_token(header)
    if token is None:
        raise InvalidCredentials()
    return token


def _from_basic(value: str) -> tuple[str, str]:
    try:
        user, colon, password = base64.b64decode(value, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCredentials() from exc
    if not colon or not password:
        raise InvalidCredentials()
    token = store_access.split_token(password)
    if token is not None:
        return token
    return user, password


class KeyVerifier:
    """Checks tokens against the store; successful scrypt checks are cached for a while.

    The cache keeps a digest of the token, never the token. Revocation still applies at
    once: every request re-reads the key row (one indexed lookup) and only the costly
    hash comparison is skipped when the same token was verified recently.
    """

    def __init__(self, engine: Engine, ttl: float = _CACHE_SECONDS) -> None:
        self.engine = engine
        self.ttl = ttl
        self._verified: dict[bytes, tuple[str, bytes, float]] = {}
        self._lock = threading.Lock()

    def caller(self, key_id: str, secret: str) -> Caller:
        digest = hashlib.sha256(f"{key_id}.{secret}".encode()).digest()
        with self.engine.connect() as conn:
            found = store_access.stored_hash(conn, key_id)
        if found is None:
            raise InvalidCredentials()
        key, stored, salt = found
        with self._lock:
            cached = self._verified.get(digest)
        fresh = (cached is not None and hmac.compare_digest(cached[1], stored)
                 and cached[2] >= time.monotonic())
        if not fresh:
            if not store_access.secret_matches(secret, salt, stored):
                raise InvalidCredentials()
            with self._lock:
                self._verified[digest] = (key_id, stored, time.monotonic() + self.ttl)
        return Caller(key_id=key.id, role=key.role, groups=frozenset(key.groups),
                      can_write=key.can_write)


def _verifier(request: Request) -> KeyVerifier:
    state = request.app.state
    verifier: KeyVerifier | None = getattr(state, "key_verifier", None)
    if verifier is None:
        verifier = KeyVerifier(state.engine)
        state.key_verifier = verifier
    return verifier


def resolve_caller(request: Request) -> Caller:
    """The caller of a request; also kept on ``request.state.caller`` for the audit."""
    cached: Caller | None = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    token = presented_token(request)
    caller = ANONYMOUS if token is None else _verifier(request).caller(*token)
    request.state.caller = caller
    return caller


async def get_caller(request: Request) -> Caller:
    """FastAPI dependency: the caller of this request (401 for a bad key).

    Anonymous requests are answered inline; a presented key is checked in the thread pool,
    so the key lookup and a first scrypt check never block the event loop (and anonymous
    requests, the bulk of open-data traffic, pay no thread hop).
    """
    cached: Caller | None = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    if presented_token(request) is None:
        request.state.caller = ANONYMOUS
        return ANONYMOUS
    return await run_in_threadpool(resolve_caller, request)


def note_feature_count(request: Request, count: int) -> None:
    """Tell the audit how many features this request returned (items, downloads, tiles)."""
    request.state.audit_feature_count = count
