"""The public portal: its search index, citizens' feedback and reuses, and usage per day.

The search index holds one ``tsvector`` per layer made of its titles and descriptions in
each language's own text-search configuration (french, dutch, english) and its keywords in
all three, every word unaccented, so "batiments" finds "Bâtiments" and the Dutch "perceel"
finds "percelen". It is kept beside the registry (synchronised from ``twin.layer.updated_at``
when searched), never inside the registry's own rows. Feedback and reuses are what visitors
send; e-mail addresses stay here and are deleted after the retention period. Usage is a
count per layer and day: no address, no key, nothing that names a person. A feature area of
its own: it branches from the registry revision.

Revision ID: 0012_portal
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision = "0012_portal"
down_revision = "0001"
branch_labels = None
depends_on = None


def _layer_fk() -> sa.ForeignKey:
    return sa.ForeignKey("twin.layer.id", ondelete="CASCADE")


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.create_table(
        "portal_search",
        sa.Column("layer_id", sa.Text, _layer_fk(), primary_key=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", TSVECTOR, nullable=False),
        schema="twin",
    )
    op.create_index("portal_search_document", "portal_search", ["document"],
                    schema="twin", postgresql_using="gin")
    for name, extra in (("portal_feedback", [
            sa.Column("kind", sa.Text, nullable=False),
            sa.Column("message", sa.Text, nullable=False),
            sa.Column("answer", sa.Text),
            sa.Column("answered_at", sa.DateTime(timezone=True))]),
            ("portal_reuse", [
                sa.Column("title", sa.Text, nullable=False),
                sa.Column("url", sa.Text, nullable=False),
                sa.Column("description", sa.Text, nullable=False),
                sa.Column("image_url", sa.Text)])):
        op.create_table(
            name,
            sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
            sa.Column("layer_id", sa.Text, _layer_fk(), nullable=False),
            *extra,
            sa.Column("author_name", sa.Text),
            sa.Column("author_email", sa.Text),
            sa.Column("status", sa.Text, nullable=False, server_default="new"),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                      server_default=sa.func.now()),
            sa.CheckConstraint("status IN ('new', 'published', 'hidden')",
                               name=f"{name}_status"),
            schema="twin",
        )
        op.create_index(f"{name}_layer", name, ["layer_id", "created_at"], schema="twin")
    op.create_table(
        "portal_usage",
        sa.Column("layer_id", sa.Text, _layer_fk(), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("downloads", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("api_requests", sa.BigInteger, nullable=False, server_default="0"),
        schema="twin",
    )


def downgrade() -> None:
    op.drop_table("portal_usage", schema="twin")
    op.drop_table("portal_reuse", schema="twin")
    op.drop_table("portal_feedback", schema="twin")
    op.drop_table("portal_search", schema="twin")
