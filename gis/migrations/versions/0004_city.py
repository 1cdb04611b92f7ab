"""Building heights derived from LiDAR (or floor counts) for the city model.

Revision ID: 0004_city
Revises: 0001
Create Date: 2026-11-26

One row per run (which building layer version, which LiDAR version and files, which method
and parameters) and one row per building of the run; a new run of a layer replaces the
previous one in one transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004_city"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "building_height_run",
        sa.Column("run_id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("layer_id", sa.Text, sa.ForeignKey("twin.layer.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("layer_version", sa.Integer),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("parameters", JSONB, nullable=False),
        sa.Column("vertical_crs", sa.Text),
        sa.Column("lidar_layer_id", sa.Text,
                  sa.ForeignKey("twin.layer.id", ondelete="SET NULL")),
        sa.Column("lidar_version", sa.Integer),
        sa.Column("lidar_files", JSONB, nullable=False, server_default="[]"),
        sa.Column("counts", JSONB, nullable=False, server_default="{}"),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.CheckConstraint("source IN ('lidar', 'floors', 'attribute')", name="height_source"),
        schema="twin",
    )
    op.create_table(
        "building_height",
        sa.Column("layer_id", sa.Text, sa.ForeignKey("twin.layer.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("fid", sa.BigInteger, primary_key=True),
        sa.Column("run_id", sa.BigInteger,
                  sa.ForeignKey("twin.building_height_run.run_id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("roof_height", sa.Float),
        sa.Column("ground_height", sa.Float),
        sa.Column("height", sa.Float),
        sa.Column("point_count", sa.Integer),
        sa.Column("ground_point_count", sa.Integer),
        sa.Column("coverage", sa.Float),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("flag", sa.Text, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.CheckConstraint("flag IN ('ok', 'low_coverage', 'few_points', 'no_ground', "
                           "'no_lidar', 'floors_estimate', 'no_floors')", name="height_flag"),
        sa.CheckConstraint("(height IS NULL) = (flag IN ('few_points', 'no_ground', 'no_lidar', "
                           "'no_floors'))", name="height_only_when_measured"),
        schema="twin",
    )
    op.create_index("building_height_run_id", "building_height", ["run_id"], schema="twin")


def downgrade() -> None:
    op.drop_table("building_height", schema="twin")
    op.drop_table("building_height_run", schema="twin")
