"""The portal's tables (migration ``0012_portal``) in SQLAlchemy Core, for this package's SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, Date, DateTime, MetaData, Table, Text
from sqlalchemy.dialects.postgresql import TSVECTOR

from gis.schema import REGISTRY_SCHEMA

metadata = MetaData(schema=REGISTRY_SCHEMA)

portal_search = Table(
    "portal_search", metadata,
    Column("layer_id", Text, primary_key=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("document", TSVECTOR, nullable=False),
)


def _submission(name: str, *extra: Column[Any]) -> Table:
    return Table(
        name, metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("layer_id", Text, nullable=False),
        *extra,
        Column("author_name", Text),
        Column("author_email", Text),
        Column("status", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )


portal_feedback = _submission(
    "portal_feedback", Column("kind", Text, nullable=False),
    Column("message", Text, nullable=False), Column("answer", Text),
    Column("answered_at", DateTime(timezone=True)))
portal_reuse = _submission(
    "portal_reuse", Column("title", Text, nullable=False), Column("url", Text, nullable=False),
    Column("description", Text, nullable=False), Column("image_url", Text))

portal_usage = Table(
    "portal_usage", metadata,
    Column("layer_id", Text, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("downloads", BigInteger, nullable=False),
    Column("api_requests", BigInteger, nullable=False),
)
