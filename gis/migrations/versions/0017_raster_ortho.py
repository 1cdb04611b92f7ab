"""Orthophotos in the raster index: ``twin.raster.product`` may be ``'ortho'``.

An orthophoto's COG is a download and a catalogue distribution exactly like a DTM/DSM, and
those are found through ``twin.raster`` (`gis.raster.index`); its CHECK admitted only the
LiDAR-derived products. An orthophoto row names its own layer as the source, its load's
checksum as the source checksum, and has no fill mask (an empty ``filled_mask_path``: every
pixel is measured). It alters a table `0003_lidar` created, so it follows that revision.

Revision ID: 0017_raster_ortho
Revises: 0003_lidar
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0017_raster_ortho"
down_revision = "0003_lidar"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_constraint("product", "raster", schema="twin", type_="check")
    op.create_check_constraint("product", "raster", "product IN ('dtm', 'dsm', 'ortho')",
                               schema="twin")


def downgrade() -> None:
    op.execute("DELETE FROM twin.raster WHERE product = 'ortho'")
    op.drop_constraint("product", "raster", schema="twin", type_="check")
    op.create_check_constraint("product", "raster", "product IN ('dtm', 'dsm')", schema="twin")
