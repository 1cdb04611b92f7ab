"""One row per build of a derived product (terrain, heights, 3D Tiles), with its duration.

Builds run in their own ``twin build ...`` processes and leave only files behind (tilesets)
or a row without a start time (rasters, height runs): the service could not tell how long
the last build of a product took, nor that it failed. ``twin serve`` exposes the last
build of each (layer, product) as Prometheus gauges read from here (`gis.builds`). A feature
area of its own: it branches from the registry revision.

Revision ID: 0010_build_run
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_build_run"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "build_run",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("layer_id", sa.Text,
                  sa.ForeignKey("twin.layer.id", ondelete="CASCADE"), nullable=False),
        sa.Column("product", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_seconds", sa.Float, nullable=False),
        sa.CheckConstraint("status IN ('ok', 'failed')", name="build_run_status"),
        schema="twin",
    )
    op.create_index("build_run_layer_product", "build_run",
                    ["layer_id", "product", "finished_at"], schema="twin")


def downgrade() -> None:
    op.drop_table("build_run", schema="twin")
