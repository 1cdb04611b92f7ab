"""A BIM version's footprint: the union of its elements' footprints, kept once per version.

The parcels a model stands on (`gis.bim.parcels`) and the city buildings it replaces
(`gis.bim.buildings`) both start from the model's footprint seen from above. Computed as a
union over every element's row it cost seconds for a large model, and twice when both links
ran; the ingest now computes it while the elements stream (`gis.bim.footprint`) and keeps
it here, in the layer's storage CRS (the SRID is the geometry's own). One row per
(BIM layer, version), beside the version's links of 0018.

Revision ID: 0019_bim_footprint
Revises: 0018_bim_buildings
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0019_bim_footprint"
down_revision = "0018_bim_buildings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bim_footprint",
        sa.Column("bim_layer_id", sa.Text,
                  sa.ForeignKey("twin.layer.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("footprint", Geometry("MULTIPOLYGON", spatial_index=False), nullable=False),
        sa.Column("elements", sa.Integer, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        schema="twin",
    )


def downgrade() -> None:
    op.drop_table("bim_footprint", schema="twin")
