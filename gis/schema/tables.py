"""SQLAlchemy Core descriptions of every registry table (the migrations own the DDL).

Only ``gis`` reads and writes these: ``twin`` and ``tiles`` go through the typed functions of
`gis.registry`, `gis.access`, `gis.lidar`, `gis.city` (an import-linter contract keeps it so).
The geometry columns use `PostgisGeometry` rather than GeoAlchemy2's ``Geometry``: importing
GeoAlchemy2 costs 0.15 s, and every command that touches the registry would pay it for these
few columns, which are written through SQL functions or bound EWKB and never read as values.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.types import UserDefinedType

from gis.schema import ALEMBIC_VERSION_TABLE, ID_COLUMN, REGISTRY_SCHEMA

metadata = MetaData(schema=REGISTRY_SCHEMA)


class PostgisGeometry(UserDefinedType[Any]):
    """A typed PostGIS geometry column; bound values are EWKB bytes (SRID inside)."""

    cache_ok = True

    def __init__(self, geometry_type: str, srid: int | None = None) -> None:
        self.geometry_type = geometry_type
        self.srid = srid

    def get_col_spec(self, **kw: Any) -> str:
        if self.srid is None:
            return f"geometry({self.geometry_type})"
        return f"geometry({self.geometry_type},{self.srid})"

    def bind_expression(self, bindvalue: BindParameter[Any]) -> ColumnElement[Any]:
        return func.ST_GeomFromEWKB(bindvalue)


def _layer_fk() -> ForeignKey:
    return ForeignKey(f"{REGISTRY_SCHEMA}.layer.id", ondelete="CASCADE")


# --- layers and their versions (0001_registry, 0006_edit_seq) --------------------------------
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
    Column("layer_id", Text, _layer_fk(), nullable=False),
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
    Column("footprint", PostgisGeometry("POLYGON", 4326)),
    Column("quality", JSONB),
    Column("error", Text),
)

# --- keys, audit, edits, pseudonyms (0005_access, 0008_change_time) --------------------------
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
)

#: before/after images of every Part 4 edit, indexed on (layer_id, fid, id) and (layer_id, at)
feature_change = Table(
    "feature_change",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("layer_id", Text, nullable=False),
    Column(ID_COLUMN, BigInteger, nullable=False),
    Column("operation", Text, nullable=False),
    Column("key_id", Text),
    Column("before", JSONB),
    Column("after", JSONB),
)

#: the deployment's HMAC key of pseudonymised fields: one row, read by the publish views
pseudonym_secret = Table(
    "pseudonym_secret",
    metadata,
    Column("one", Boolean, primary_key=True, server_default="true"),
    Column("secret", Text, nullable=False),
)

#: Alembic's own table, outside `metadata` (the migrations' autogenerate must not manage it)
alembic_version = Table(
    ALEMBIC_VERSION_TABLE,
    MetaData(schema=REGISTRY_SCHEMA),
    Column("version_num", Text, primary_key=True),
)

# --- LiDAR files and derived rasters (0003_lidar) --------------------------------------------
lidar_file = Table(
    "lidar_file",
    metadata,
    Column("file_id", BigInteger, primary_key=True, autoincrement=True),
    Column("layer_id", Text, _layer_fk(), nullable=False),
    Column("path", Text, nullable=False),
    Column("checksum", Text, nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("crs", Text, nullable=False),
    Column("horizontal_epsg", Integer, nullable=False),
    Column("vertical_epsg", Integer),
    Column("las_version", Text, nullable=False),
    Column("point_format", SmallInteger, nullable=False),
    Column("point_count", BigInteger, nullable=False),
    Column("min_x", Float, nullable=False),
    Column("min_y", Float, nullable=False),
    Column("min_z", Float, nullable=False),
    Column("max_x", Float, nullable=False),
    Column("max_y", Float, nullable=False),
    Column("max_z", Float, nullable=False),
    Column("density", Float, nullable=False),
    Column("classification", JSONB, nullable=False),
    Column("returns", JSONB, nullable=False),
    Column("has_rgb", Boolean, nullable=False),
    Column("rgb_max", Integer, nullable=False),
    Column("extra", JSONB, nullable=False),
    Column("footprint", PostgisGeometry("MULTIPOLYGON"), nullable=False),
    Column("footprint_4326", PostgisGeometry("MULTIPOLYGON", 4326), nullable=False),
    Column("load_id", BigInteger),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)

raster = Table(
    "raster",
    metadata,
    Column("layer_id", Text, _layer_fk(), primary_key=True),
    Column("product", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("resolution", Float, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("extent", ARRAY(Float), nullable=False),
    Column("extent_4326", ARRAY(Float), nullable=False),
    Column("crs", Text, nullable=False),
    Column("srid", Integer, nullable=False),
    Column("source_layer_id", Text, nullable=False),
    Column("source_version", Integer, nullable=False),
    Column("source_checksums", JSONB, nullable=False),
    Column("data_cells", BigInteger, nullable=False),
    Column("filled_cells", BigInteger, nullable=False),
    Column("nodata_cells", BigInteger, nullable=False),
    Column("filled_mask_path", Text, nullable=False),
    Column("built_at", DateTime(timezone=True), nullable=False),
)

# --- builds of derived products (0010_build_run) ---------------------------------------------
#: one row per finished build (`gis.builds`), indexed on (layer_id, product, finished_at)
build_run = Table(
    "build_run",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("layer_id", Text, _layer_fk(), nullable=False),
    Column("product", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("duration_seconds", Float, nullable=False),
)

# --- building heights (0004_city) ------------------------------------------------------------
height_run = Table(
    "building_height_run",
    metadata,
    Column("run_id", BigInteger, primary_key=True, autoincrement=True),
    Column("layer_id", Text, nullable=False),
    Column("layer_version", Integer),
    Column("source", Text, nullable=False),
    Column("method", Text, nullable=False),
    Column("parameters", JSONB, nullable=False),
    Column("vertical_crs", Text),
    Column("lidar_layer_id", Text),
    Column("lidar_version", Integer),
    Column("lidar_files", JSONB, nullable=False),
    Column("counts", JSONB, nullable=False),
    Column("computed_at", DateTime(timezone=True)),
)

building_height = Table(
    "building_height",
    metadata,
    Column("layer_id", Text, primary_key=True),
    Column(ID_COLUMN, BigInteger, primary_key=True),
    Column("run_id", BigInteger, nullable=False),
    Column("roof_height", Float),
    Column("ground_height", Float),
    Column("height", Float),
    Column("point_count", Integer),
    Column("ground_point_count", Integer),
    Column("coverage", Float),
    Column("method", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("flag", Text, nullable=False),
    Column("computed_at", DateTime(timezone=True)),
)

# --- refresh from the source (0011_refresh) --------------------------------------------------
#: per layer: the source's validators and the last attempt, success and failure (`gis.refresh`)
layer_refresh = Table(
    "layer_refresh",
    metadata,
    Column("layer_id", Text, _layer_fk(), primary_key=True),
    Column("source_url", Text, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_success_at", DateTime(timezone=True)),
    Column("last_failure_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("late", Boolean, nullable=False),
)

#: per (layer, version) a refresh loaded: counts and bounded id lists against the previous one
version_change = Table(
    "version_change",
    metadata,
    Column("layer_id", Text, _layer_fk(), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("previous_version", Integer),
    Column("keyed_by", Text, nullable=False),
    Column("added", Integer, nullable=False),
    Column("removed", Integer, nullable=False),
    Column("changed", Integer, nullable=False),
    Column("added_ids", ARRAY(Text), nullable=False),
    Column("removed_ids", ARRAY(Text), nullable=False),
    Column("changed_ids", ARRAY(Text), nullable=False),
    Column("computed_at", DateTime(timezone=True)),
)
