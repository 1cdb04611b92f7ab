"""SQL of the portal's full-text search (PostgreSQL text search with ``unaccent``).

A layer's document: its title (weight A) and description (B) in each language under that
language's configuration, its keywords (C) under all three and ``simple`` (codes, names).
A query is parsed by ``websearch_to_tsquery`` in every configuration and OR-ed, so a word
typed in any of the languages meets the stem its own language indexed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    cast,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, insert
from sqlalchemy.sql.dml import Insert

from gis.portal.tables import portal_search
from gis.schema.tables import layer

#: spec language -> PostgreSQL text-search configuration
CONFIGURATIONS = {"fr": "french", "nl": "dutch", "en": "english"}
KEYWORD_CONFIGURATIONS = ("french", "dutch", "english", "simple")
WEIGHTS = frozenset("ABCD")


def _config(name: str) -> ColumnElement[Any]:
    return cast(literal(name, String), REGCONFIG)


def _vector(config: str, text: ColumnElement[Any], weight: str) -> ColumnElement[Any]:
    assert weight in WEIGHTS  # a constant of this module, typed "char" by PostgreSQL
    return func.setweight(func.to_tsvector(_config(config), func.unaccent(text)),
                          literal_column(f"'{weight}'"))


def _spec_text(*path: str) -> ColumnElement[Any]:
    return func.coalesce(layer.c.spec[path[0]][path[1]].astext, "")


def document() -> ColumnElement[Any]:
    """The weighted ``tsvector`` of a ``twin.layer`` row."""
    keywords = func.coalesce(func.array_to_string(
        select(func.array_agg(literal_column("k")))
        .select_from(func.jsonb_array_elements_text(layer.c.spec["keywords"]).alias("k"))
        .scalar_subquery(), " "), "")
    parts: list[ColumnElement[Any]] = [_vector(config, _spec_text("title", lang), "A")
             for lang, config in CONFIGURATIONS.items()]
    parts += [_vector(config, _spec_text("description", lang), "B")
              for lang, config in CONFIGURATIONS.items()]
    parts += [_vector(config, keywords, "C") for config in KEYWORD_CONFIGURATIONS]
    combined = parts[0]
    for part in parts[1:]:
        combined = combined.op("||")(part)
    return combined


def sync_index() -> Insert:
    """Index every layer whose row changed since it was indexed (new, declaration changed)."""
    stale = select(layer.c.id, layer.c.updated_at, document()).where(~select(literal(1))
        .where(and_(portal_search.c.layer_id == layer.c.id,
                    portal_search.c.updated_at == layer.c.updated_at)).exists())
    statement = insert(portal_search).from_select(["layer_id", "updated_at", "document"], stale)
    return statement.on_conflict_do_update(
        index_elements=[portal_search.c.layer_id],
        set_={"updated_at": statement.excluded.updated_at,
              "document": statement.excluded.document})


def query(text: str) -> ColumnElement[Any]:
    """The visitor's words as one ``tsquery`` OR-ed over every configuration."""
    parts: list[ColumnElement[Any]] = [
        func.websearch_to_tsquery(_config(c), func.unaccent(literal(text, String)))
        for c in KEYWORD_CONFIGURATIONS]
    combined = parts[0]
    for part in parts[1:]:
        combined = combined.op("||")(part)
    return combined


def matches(text: str) -> Select[Any]:
    """(layer id, rank) of every indexed layer the words match."""
    tsquery = query(text)
    return (select(portal_search.c.layer_id,
                   func.ts_rank_cd(portal_search.c.document, tsquery).label("rank"))
            .where(portal_search.c.document.op("@@")(tsquery)))
