"""HTTP caching shared by every route: entity tags, conditional GETs, Cache-Control, and the
byte-bounded LRU behind the vector-tile cache.

Why one module: items, vector tiles, 3D Tiles and downloads must agree on what an ETag is
(strong, quoted, naming one representation: what it was made from, including the access view
the caller gets), on how ``If-None-Match`` is read (RFC 9110 13.1.2: a list of tags or ``*``,
compared weakly, so a ``W/`` tag a proxy weakened still validates), and on what a ``304``
carries (RFC 9110 15.4.5: the ``ETag``, ``Cache-Control``, ``Vary`` and ``Content-Location``
the ``200`` would have had, so a cache updates its stored response with the right rules).
Four copies had already drifted (a substring test, a single-tag test, a 304 without
Cache-Control), so every route builds a `Validators` and asks it.

Cache scope: only what an anonymous caller may read -- an open layer through its published
view -- is ``public``; anything read with a key (a shared layer, staff's raw table) is
``private``, so no shared cache hands one keyed caller's bytes to the next.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Final, Literal

from starlette.responses import Response

Scope = Literal["public", "private"]
#: a year: the longest max-age RFC 9111 lets a cache rely on, for versioned URLs
IMMUTABLE_SECONDS: Final = 31_536_000
#: the request headers our responses depend on besides the URL (credentials pick the view)
VARY_CREDENTIALS: Final = "Authorization, X-API-Key"
ANY: Final = "*"

_ENTITY_TAG = re.compile(r'\s*(?:W/)?("[^"]*")\s*(?:,|$)')


def make_etag(*parts: object) -> str:
    """A strong entity tag (quoted) for a representation made from ``parts``: a digest, so
    the tag says nothing of layer ids, relations or row versions, and stays short."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=12)
    return f'"{digest.hexdigest()}"'


def quoted(opaque: str) -> str:
    """``opaque`` as a strong entity tag (an identifier already unique per representation,
    such as a SHA-256)."""
    return f'"{opaque}"'


def parse_if_none_match(header: str | None) -> frozenset[str] | Literal["*"] | None:
    """The opaque tags (quoted, ``W/`` dropped: If-None-Match compares weakly) of an
    If-None-Match header, ``"*"``, or None when absent or empty.

    Tags may contain commas (``"a,b"`` is one tag), so the list is read tag by tag, not split
    on commas; an unquoted token, which some clients send, is read as the tag it quotes.
    """
    if header is None or not header.strip():
        return None
    if header.strip() == ANY:
        return ANY
    tags: set[str] = set()
    position = 0
    while position < len(header):
        found = _ENTITY_TAG.match(header, position)
        if found is not None:
            tags.add(found.group(1))
            position = found.end()
            continue
        token, _, _rest = header[position:].partition(",")  # lenient: a bare token
        bare = token.strip().removeprefix("W/").strip()
        if bare:
            tags.add(quoted(bare.strip('"')))
        position += len(token) + 1
    return frozenset(tags) or None


def none_match(header: str | None, etag: str) -> bool:
    """Whether a GET with this If-None-Match is answered 304 for a resource whose current
    representation has ``etag`` (weak comparison: opaque tags equal, ``W/`` ignored)."""
    tags = parse_if_none_match(header)
    if tags is None:
        return False
    return tags == ANY or etag.removeprefix("W/") in tags


def cache_control(scope: Scope, *, max_age: int | None = None, immutable: bool = False) -> str:
    """``public``/``private`` with ``no-cache`` (revalidate every use: the 304 is cheap) when
    ``max_age`` is None, else ``max-age``, and ``immutable`` for versioned URLs."""
    parts = [scope, "no-cache" if max_age is None else f"max-age={max_age}"]
    if immutable:
        parts.append("immutable")
    return ", ".join(parts)


def immutable(scope: Scope) -> str:
    """What a versioned URL (its build or layer state in the URL) is served with."""
    return cache_control(scope, max_age=IMMUTABLE_SECONDS, immutable=True)


@dataclass(frozen=True)
class Validators:
    """What a 200 and its 304 share: the representation's ETag and the caching rules."""

    etag: str
    cache_control: str
    vary: str = VARY_CREDENTIALS
    content_location: str | None = None

    def headers(self) -> dict[str, str]:
        found = {"ETag": self.etag, "Cache-Control": self.cache_control, "Vary": self.vary}
        if self.content_location is not None:
            found["Content-Location"] = self.content_location
        return found

    def not_modified(self, if_none_match: str | None,
                     extra: dict[str, str] | None = None) -> Response | None:
        """The 304 to answer when ``if_none_match`` matches, else None (send the 200);
        ``extra`` are further headers the 200 would carry (CORS, say)."""
        if not none_match(if_none_match, self.etag):
            return None
        return Response(status_code=304, headers={**self.headers(), **(extra or {})})


# Part 4 item tags -------------------------------------------------------------------------
# An item's ETag must serve two purposes: validate a cached GET (so it names the caller's
# view and the representation asked for) and be sent back in If-Match by editors, where
# `gis.edit` compares the row version alone. It is "<row version>.<digest>": the row
# version stays readable for If-Match, the digest keeps the views apart.

def item_etag(row_version: str, *parts: object) -> str:
    """The ETag of one item as a caller gets it: the row version and a digest of the rest."""
    return f'"{row_version}.{make_etag(row_version, *parts).strip(chr(34))}"'


def row_versions(if_match: str | None) -> str | None:
    """An If-Match header with every item tag reduced to its row version (what `gis.edit`
    compares); ``*`` and absent headers pass through."""
    if if_match is None or if_match.strip() == ANY:
        return if_match
    tags = parse_if_none_match(if_match)
    if not isinstance(tags, frozenset):
        return if_match
    return ", ".join(sorted(quoted(t.strip('"').split(".", 1)[0]) for t in tags))


# The tile cache --------------------------------------------------------------------------

class ByteLRU:
    """A thread-safe least-recently-used map of byte strings bounded by their total size.

    Entries belong to a group (a layer) and a generation (its stamp: version, edits, view):
    storing an entry of a new generation drops the group's older entries at once, so a load
    or an edit frees what it made stale instead of leaving it to age out. Lookups are keyed
    by the generation too, so a stale entry is never returned even before it is dropped.
    Uvicorn runs sync routes in a thread pool: every access holds one lock, held only for
    dictionary operations (never during a database read or an encode).
    """

    #: bookkeeping per entry (key tuple, dict slots) counted against the bound
    ENTRY_OVERHEAD: Final = 160

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._groups: dict[Hashable, tuple[Hashable, set[Hashable]]] = {}
        self._owner: dict[Hashable, Hashable] = {}
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def size(self) -> int:
        """Bytes held (values and per-entry overhead)."""
        return self._size

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: Hashable, value: bytes, group: Hashable, generation: Hashable) -> None:
        """Store ``value``; a value larger than the whole cache is not kept."""
        cost = len(value) + self.ENTRY_OVERHEAD
        if cost > self.capacity:
            return
        with self._lock:
            if key in self._entries:
                self._drop_keys([key])
            current = self._groups.get(group)
            if current is None or current[0] != generation:
                if current is not None:
                    self._drop_keys(current[1])
                current = (generation, set())
                self._groups[group] = current
            self._entries[key] = value
            self._owner[key] = group
            current[1].add(key)
            self._size += cost
            while self._size > self.capacity:
                oldest = next(iter(self._entries))
                self._drop_keys([oldest])

    def drop_group(self, group: Hashable) -> None:
        """Forget every entry of ``group`` (its layer was dropped, say)."""
        with self._lock:
            current = self._groups.pop(group, None)
            if current is not None:
                self._drop_keys(current[1])

    def _drop_keys(self, keys: Iterable[Hashable]) -> None:
        for key in list(keys):
            value = self._entries.pop(key, None)
            if value is None:
                continue
            self._size -= len(value) + self.ENTRY_OVERHEAD
            group = self._owner.pop(key)
            members = self._groups.get(group)
            if members is not None:
                members[1].discard(key)
                if not members[1]:
                    del self._groups[group]
