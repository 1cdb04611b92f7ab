"""The city's buildings a BIM model replaces: one row per (BIM version, building).

At ``twin ingest ifc`` the model's footprint is matched against the footprints of the city's
building layers (those with a height run, i.e. the LOD1 city model); each building it covers
enough is kept here with its overlap. The viewer hides those LOD1 blocks while the BIM is
shown, the OGC API links the building to its BIM, and the city's CityJSON export adds the
BIM's building. A row per version (not the version's JSON report) because the city side reads
it by building: ``(city_layer_id, fid)`` is indexed. BIM layers are registry layers and the
parcels of a model live in its version's report, so no BIM table exists to branch from: this
feature area branches from the registry revision.

Revision ID: 0018_bim_buildings
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_bim_buildings"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bim_building",
        sa.Column("bim_layer_id", sa.Text,
                  sa.ForeignKey("twin.layer.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("city_layer_id", sa.Text,
                  sa.ForeignKey("twin.layer.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("fid", sa.BigInteger, primary_key=True),
        sa.Column("feature_id", sa.Text, nullable=False),
        sa.Column("overlap_m2", sa.Float, nullable=False),
        sa.Column("share", sa.Float, nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.CheckConstraint("share > 0 AND share <= 1.000001", name="bim_building_share"),
        schema="twin",
    )
    op.create_index("bim_building_city", "bim_building", ["city_layer_id", "fid"],
                    schema="twin")


def downgrade() -> None:
    op.drop_table("bim_building", schema="twin")
