"""The layer registry, its load history and the schemas of layer tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    for schema in ("data", "history", "staging"):
        op.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    op.create_table(
        "layer",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("spec", JSONB, nullable=False),
        sa.Column("access_level", sa.Text, nullable=False),
        sa.Column("storage_srid", sa.Integer, nullable=False),
        sa.Column("current_version", sa.Integer),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.CheckConstraint("access_level IN ('open', 'shared', 'closed')", name="access_level"),
        sa.CheckConstraint("kind IN ('vector', 'lidar', 'raster')", name="kind"),
        schema="twin",
    )
    op.create_table(
        "layer_version",
        sa.Column("load_id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("layer_id", sa.Text, sa.ForeignKey("twin.layer.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("version", sa.Integer),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("checksum", sa.Text),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("begin_lifespan", sa.DateTime(timezone=True)),
        sa.Column("end_lifespan", sa.DateTime(timezone=True)),
        sa.Column("feature_count", sa.BigInteger),
        sa.Column("geometry_type", sa.Text),
        sa.Column("extent", sa.ARRAY(sa.Float)),
        sa.Column("extent_4326", sa.ARRAY(sa.Float)),
        sa.Column("footprint", Geometry("POLYGON", srid=4326, spatial_index=False)),
        sa.Column("quality", JSONB),
        sa.Column("error", sa.Text),
        sa.CheckConstraint(
            "status IN ('loading', 'current', 'superseded', 'failed')", name="status"
        ),
        sa.UniqueConstraint("layer_id", "version"),
        schema="twin",
    )
    op.create_index("layer_version_layer", "layer_version", ["layer_id", "load_id"],
                    schema="twin")
    op.create_index("layer_version_one_current", "layer_version", ["layer_id"], unique=True,
                    schema="twin", postgresql_where=sa.text("status = 'current'"))


def downgrade() -> None:
    op.drop_table("layer_version", schema="twin")
    op.drop_table("layer", schema="twin")
    for schema in ("staging", "history", "data"):
        op.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
