"""A superseded version whose table was dropped to free space is ``pruned``.

Its registry row stays (lifespan, feature count, extent, quality): the layer's history is still
told in full, only the data of old versions is gone (`gis.ingest.prune`).

Revision ID: 0007_pruned
Revises: 0006_edit_seq
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0007_pruned"
down_revision = "0006_edit_seq"
branch_labels = None
depends_on = None

STATUSES = "'loading', 'current', 'superseded', 'failed'"


def upgrade() -> None:
    op.drop_constraint("status", "layer_version", schema="twin", type_="check")
    op.create_check_constraint("status", "layer_version", f"status IN ({STATUSES}, 'pruned')",
                               schema="twin")


def downgrade() -> None:
    op.execute("UPDATE twin.layer_version SET status = 'superseded' WHERE status = 'pruned'")
    op.drop_constraint("status", "layer_version", schema="twin", type_="check")
    op.create_check_constraint("status", "layer_version", f"status IN ({STATUSES})",
                               schema="twin")
