"""The latest edit of a layer is one index lookup.

The catalogue's ``dct:modified`` of a layer is its last load or its last edit through OGC API
Features Part 4, whichever is later (`twin.catalog.records`). The last edit was
``max(at)`` over all the layer's rows of ``twin.feature_change``, a scan that grows with every
edit, run on each catalogue request; with this index it reads one entry.

Revision ID: 0008_change_time
Revises: 0007_pruned
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0008_change_time"
down_revision = "0007_pruned"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("feature_change_layer_at", "feature_change", ["layer_id", "at"],
                    schema="twin")


def downgrade() -> None:
    op.drop_index("feature_change_layer_at", "feature_change", schema="twin")
