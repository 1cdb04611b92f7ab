"""Citizens' reports: the status workflow's transitions, history and photos.

The reports themselves are the rows of a registry layer (``citizen_reports``: one point per
report, edited like any layer through OGC API Features Part 4, published anonymised through
its ``publish`` view); what a layer table cannot hold lives here: the allowed transitions
(read by the trigger that guards every status change, whoever makes it: the API, the CLI or
QGIS), the history of changes with the notice sent to the reporter, and the photos (never
in the layer: a photo may show faces; it is served only while staff set the report's
``photo_published``). A feature
area of its own: it branches from the registry revision.

Revision ID: 0016_reports
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_reports"
down_revision = "0001"
branch_labels = None
depends_on = None

TRANSITIONS = (("new", "acknowledged"), ("new", "rejected"), ("acknowledged", "in_progress"),
               ("acknowledged", "rejected"), ("in_progress", "solved"),
               ("in_progress", "rejected"))

GUARD = """
CREATE FUNCTION twin.report_status_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.status := coalesce(NEW.status, 'new');
    IF NEW.status <> 'new' THEN
      RAISE EXCEPTION USING ERRCODE = '22023',
        MESSAGE = format('status: a new report starts as new, not %s', NEW.status);
    END IF;
    NEW.created_at := coalesce(NEW.created_at, now());
    NEW.updated_at := NEW.created_at;
    RETURN NEW;
  END IF;
  NEW.created_at := OLD.created_at;  -- a full replace (PUT) must not rewrite history
  NEW.has_photo := OLD.has_photo;
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    IF NOT EXISTS (SELECT 1 FROM twin.report_transition
                   WHERE from_status = OLD.status AND to_status = NEW.status) THEN
      RAISE EXCEPTION USING ERRCODE = '22023',
        MESSAGE = format('status: %s -> %s is not allowed (from %s: %s)', OLD.status,
                         coalesce(NEW.status, 'null'), OLD.status,
                         coalesce((SELECT string_agg(to_status, ', ' ORDER BY to_status)
                                   FROM twin.report_transition
                                   WHERE from_status = OLD.status), 'none, it is final'));
    END IF;
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END $$
"""

LOG = """
CREATE FUNCTION twin.report_status_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO twin.report_status_change (fid, from_status, to_status, changed_at)
    VALUES (NEW.fid, NULL, NEW.status, NEW.created_at);
  ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
    INSERT INTO twin.report_status_change (fid, from_status, to_status, changed_at)
    VALUES (NEW.fid, OLD.status, NEW.status, NEW.updated_at);
  END IF;
  RETURN NULL;
END $$
"""


def upgrade() -> None:
    transition = op.create_table(
        "report_transition",
        sa.Column("from_status", sa.Text, primary_key=True),
        sa.Column("to_status", sa.Text, primary_key=True),
        schema="twin",
    )
    op.bulk_insert(transition, [{"from_status": a, "to_status": b} for a, b in TRANSITIONS])
    op.create_table(
        "report_status_change",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("fid", sa.BigInteger, nullable=False),
        sa.Column("from_status", sa.Text),
        sa.Column("to_status", sa.Text, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        #: when the reporter was told (NULL: not yet, or nobody to tell)
        sa.Column("notified_at", sa.DateTime(timezone=True)),
        schema="twin",
    )
    op.create_index("report_status_change_fid", "report_status_change", ["fid", "id"],
                    schema="twin")
    op.create_table(
        "report_photo",
        sa.Column("fid", sa.BigInteger, primary_key=True),
        sa.Column("media_type", sa.Text, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        schema="twin",
    )
    op.execute(GUARD)
    op.execute(LOG)


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS twin.report_status_log() CASCADE")
    op.execute("DROP FUNCTION IF EXISTS twin.report_status_guard() CASCADE")
    op.drop_table("report_photo", schema="twin")
    op.drop_table("report_status_change", schema="twin")
    op.drop_table("report_transition", schema="twin")
