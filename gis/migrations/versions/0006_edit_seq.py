"""A per-layer edit counter, bumped by every feature edit (OGC API Features Part 4).

Edits change features without a new layer version, so anything derived from the version
alone (vector-tile ETags) would go stale; ``twin.layer.edit_seq`` changes in the edit's own
transaction, so a reader sees it move together with the features.

Revision ID: 0006_edit_seq
Revises: 0005_access
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_edit_seq"
down_revision = "0005_access"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("layer", sa.Column("edit_seq", sa.BigInteger, nullable=False,
                                     server_default="0"), schema="twin")


def downgrade() -> None:
    op.drop_column("layer", "edit_seq", schema="twin")
