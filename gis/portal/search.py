"""Full-text search over the registry's titles, descriptions and keywords (fr/nl/en).

Only ranks: which layers a visitor may see, the facets and the order are the service's
(`twin.portal.search`), which holds the registry already.
"""

from __future__ import annotations

from sqlalchemy import Connection

from gis.portal import search_sql


def sync_index(conn: Connection) -> None:
    """Bring the search index up to date with the registry (only changed layers are redone;
    layers removed from the registry leave it by cascade)."""
    conn.execute(search_sql.sync_index())


def ranked_matches(conn: Connection, words: str) -> dict[str, float]:
    """Layer id -> rank (higher is better) of every layer the words match, in any language."""
    return {row.layer_id: float(row.rank) for row in conn.execute(search_sql.matches(words))}
