"""PostgreSQL's ``unaccent``: CQL2's ACCENTI compares "Emile" and "Émile" as equal.

The extension ships with PostgreSQL itself (contrib). CQL2 filters compile ``ACCENTI(x)`` to
``unaccent(x)``; without it ACCENTI could only be refused or, worse, ignored.

Revision ID: 0009_unaccent
Revises: 0008_change_time
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0009_unaccent"
down_revision = "0008_change_time"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


def downgrade() -> None:
    op.execute("DROP EXTENSION IF EXISTS unaccent")
