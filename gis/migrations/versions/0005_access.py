"""API keys, the audit log, feature edits, the pseudonym secret and the ``publish`` schema.

Revision ID: 0005_access
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0005_access"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
    op.execute("CREATE SCHEMA IF NOT EXISTS publish")
    op.create_table(
        "api_key",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("secret_hash", sa.LargeBinary, nullable=False),
        sa.Column("salt", sa.LargeBinary, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("groups", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("can_write", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("label", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("role IN ('partner', 'staff')", name="api_key_role"),
        schema="twin",
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("key_id", sa.Text),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("layer_id", sa.Text, nullable=False),
        sa.Column("access_level", sa.Text, nullable=False),
        sa.Column("operation", sa.Text, nullable=False),
        sa.Column("feature_count", sa.BigInteger),
        sa.Column("path", sa.Text),
        sa.Column("status", sa.Integer),
        schema="twin",
    )
    op.create_index("audit_log_layer_at", "audit_log", ["layer_id", "at"], schema="twin")
    op.create_index("audit_log_at", "audit_log", ["at"], schema="twin")
    op.create_table(
        "feature_change",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("layer_id", sa.Text, nullable=False),
        sa.Column("fid", sa.BigInteger, nullable=False),
        sa.Column("operation", sa.Text, nullable=False),
        sa.Column("key_id", sa.Text),
        sa.Column("before", JSONB),
        sa.Column("after", JSONB),
        sa.CheckConstraint("operation IN ('create', 'replace', 'update', 'delete')",
                           name="feature_change_operation"),
        schema="twin",
    )
    op.create_index("feature_change_layer_fid", "feature_change", ["layer_id", "fid", "id"],
                    schema="twin")
    op.create_table(
        "pseudonym_secret",
        sa.Column("one", sa.Boolean, primary_key=True, server_default=sa.true()),
        sa.Column("secret", sa.Text, nullable=False),
        sa.CheckConstraint("one", name="pseudonym_secret_single_row"),
        schema="twin",
    )


def downgrade() -> None:
    op.drop_table("pseudonym_secret", schema="twin")
    op.drop_table("feature_change", schema="twin")
    op.drop_table("audit_log", schema="twin")
    op.drop_table("api_key", schema="twin")
    op.execute("DROP SCHEMA IF EXISTS publish CASCADE")
