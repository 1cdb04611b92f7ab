"""Search with facets: full-text ranks from PostgreSQL, visibility, filters and order here.

The ranks come from `gis.portal.search` (french/dutch/english configurations, unaccented).
Which layers exist for the visitor is `gis.access.decide`'s answer, asked for each: closed
layers never appear, shared ones only with a key of one of their groups. Facet counts are
over the results (drill-down): each value shows how many results keep it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import Engine

from gis.portal.search import ranked_matches
from twin.access import Caller, can_see
from twin.portal.index import Entry

Sort = Literal["relevance", "updated", "popular"]
SORTS: tuple[Sort, ...] = ("relevance", "updated", "popular")
FACETS = ("theme", "producer", "licence", "format", "frequency", "kind")
PAGE_SIZE = 20
_OLDEST = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SearchQuery:
    words: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: Sort = "relevance"
    page: int = 1


@dataclass(frozen=True)
class SearchResult:
    entries: list[Entry]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    page: int
    pages: int


def facet_values(entry: Entry, facet: str) -> tuple[str, ...]:
    """The codes of one facet a layer has (themes and formats are several)."""
    return entry.facets.get(facet, ())


def visible(entries: Iterable[Entry], caller: Caller) -> list[Entry]:
    return [entry for entry in entries if can_see(caller, entry.layer)]


def _keeps(entry: Entry, filters: dict[str, tuple[str, ...]]) -> bool:
    return all(not wanted or set(wanted) & set(facet_values(entry, facet))
               for facet, wanted in filters.items())


def _order(entries: list[Entry], sort: Sort, ranks: dict[str, float] | None) -> list[Entry]:
    def updated(e: Entry) -> tuple[datetime, str]:
        return e.modified or _OLDEST, e.id

    if sort == "popular":
        return sorted(entries, key=lambda e: (-e.popularity, e.id))
    if sort == "updated" or ranks is None:
        return sorted(entries, key=updated, reverse=True)
    return sorted(entries, key=lambda e: (-ranks.get(e.id, 0.0), e.id))


def facet_counts(entries: list[Entry], facet: str) -> list[tuple[str, int]]:
    """(code, layers having it), most frequent first."""
    counts = Counter(v for e in entries for v in set(e.facets.get(facet, ())))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def run_search(engine: Engine, entries: list[Entry], caller: Caller,
               query: SearchQuery) -> SearchResult:
    """One page of results with the facet counts of all results. The search index is kept
    current by `twin.portal.index.read_entries`, which gave ``entries``."""
    found = visible(entries, caller)
    ranks: dict[str, float] | None = None
    if query.words.strip():
        with engine.connect() as conn:
            ranks = ranked_matches(conn, query.words.strip()[:200])
        found = [entry for entry in found if entry.id in ranks]
    found = [entry for entry in found if _keeps(entry, query.filters)]
    ordered = _order(found, query.sort, ranks)
    pages = max(1, -(-len(ordered) // PAGE_SIZE))
    page = min(max(query.page, 1), pages)
    chosen = ordered[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    return SearchResult(chosen, len(ordered), {f: facet_counts(found, f) for f in FACETS},
                        page, pages)
