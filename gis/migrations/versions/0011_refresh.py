"""Refresh from the source: what the last fetch of each layer's ``source_url`` left, and the
change set of every version a refresh loaded.

``twin refresh`` runs from cron, a systemd timer or the docker ``refresh`` service, in its own
process: the conditional-request validators (ETag, Last-Modified) of the source, the last
attempt, success and failure (with its reason) and the *late* flag must outlive it, so they
are a row per layer. A version's change set (features added, removed and changed against the
previous version, with a bounded list of their ids) is a row per (layer, version) beside
``layer_version``, whose rows every load writes and which this feature does not widen. A
feature area of its own: it branches from the registry revision.

Revision ID: 0011_refresh
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0011_refresh"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "layer_refresh",
        sa.Column("layer_id", sa.Text,
                  sa.ForeignKey("twin.layer.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("source_url", sa.Text, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_success_at", sa.DateTime(timezone=True)),
        sa.Column("last_failure_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.Column("late", sa.Boolean, nullable=False, server_default=sa.false()),
        schema="twin",
    )
    op.create_table(
        "version_change",
        sa.Column("layer_id", sa.Text,
                  sa.ForeignKey("twin.layer.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("previous_version", sa.Integer),
        sa.Column("keyed_by", sa.Text, nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("removed", sa.Integer, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("added_ids", ARRAY(sa.Text), nullable=False),
        sa.Column("removed_ids", ARRAY(sa.Text), nullable=False),
        sa.Column("changed_ids", ARRAY(sa.Text), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        schema="twin",
    )


def downgrade() -> None:
    op.drop_table("version_change", schema="twin")
    op.drop_table("layer_refresh", schema="twin")
