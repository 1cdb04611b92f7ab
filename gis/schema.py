"""SQLAlchemy Core descriptions of the registry tables (the migrations own the DDL).

Schemas: ``twin`` holds the registry, ``data`` the current table of every vector layer,
``history`` the superseded versions, ``staging`` loads in progress.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import UserDefinedType

REGISTRY_SCHEMA = "twin"
DATA_SCHEMA = "data"
HISTORY_SCHEMA = "history"
STAGING_SCHEMA = "staging"

metadata = MetaData(schema=REGISTRY_SCHEMA)


class Footprint(UserDefinedType[Any]):
    """``geometry(POLYGON, 4326)``, written through SQL functions and never read as a value.

    Declared here rather than with GeoAlchemy2's ``Geometry``: importing GeoAlchemy2 costs
    0.15 s, and every command that touches the registry would pay it for this one column.
    The migrations, which own the DDL, still use GeoAlchemy2.
    """

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "geometry(POLYGON,4326)"


layer = Table(
    "layer",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("spec", JSONB, nullable=False),
    Column("access_level", Text, nullable=False),
    Column("storage_srid", Integer, nullable=False),
    Column("current_version", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    #: bumped by every feature edit (OGC API Features Part 4), in the edit's transaction
    Column("edit_seq", BigInteger, nullable=False, server_default="0"),
)

layer_version = Table(
    "layer_version",
    metadata,
    Column("load_id", BigInteger, primary_key=True, autoincrement=True),
    Column("layer_id", Text, ForeignKey("twin.layer.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer),
    Column("status", Text, nullable=False),
    Column("source", Text),
    Column("checksum", Text),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("begin_lifespan", DateTime(timezone=True)),
    Column("end_lifespan", DateTime(timezone=True)),
    Column("feature_count", BigInteger),
    Column("geometry_type", Text),
    Column("extent", ARRAY(Float)),
    Column("extent_4326", ARRAY(Float)),
    Column("footprint", Footprint()),
    Column("quality", JSONB),
    Column("error", Text),
)
