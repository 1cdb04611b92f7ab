"""LiDAR file index and raster (DTM/DSM) products.

Revision ID: 0003_lidar
Revises: 0001
Create Date: 2026-11-26

The points stay in their LAS/LAZ files; PostGIS holds one row per file (footprint in the
layer's horizontal SRID and in 4326, statistics, checksum) and one row per built raster.
The footprint column has no SRID typmod because each LiDAR layer has its own horizontal CRS;
the row's ``horizontal_epsg`` says which, and a CHECK keeps them in agreement.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003_lidar"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lidar_file",
        sa.Column("file_id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("layer_id", sa.Text, sa.ForeignKey("twin.layer.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("checksum", sa.Text, nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("crs", sa.Text, nullable=False),
        sa.Column("horizontal_epsg", sa.Integer, nullable=False),
        sa.Column("vertical_epsg", sa.Integer),
        sa.Column("las_version", sa.Text, nullable=False),
        sa.Column("point_format", sa.SmallInteger, nullable=False),
        sa.Column("point_count", sa.BigInteger, nullable=False),
        sa.Column("min_x", sa.Float, nullable=False),
        sa.Column("min_y", sa.Float, nullable=False),
        sa.Column("min_z", sa.Float, nullable=False),
        sa.Column("max_x", sa.Float, nullable=False),
        sa.Column("max_y", sa.Float, nullable=False),
        sa.Column("max_z", sa.Float, nullable=False),
        sa.Column("density", sa.Float, nullable=False),
        sa.Column("classification", JSONB, nullable=False),
        sa.Column("returns", JSONB, nullable=False),
        sa.Column("has_rgb", sa.Boolean, nullable=False),
        sa.Column("rgb_max", sa.Integer, nullable=False),
        sa.Column("extra", JSONB, nullable=False),
        sa.Column("footprint", Geometry("MULTIPOLYGON", spatial_index=False), nullable=False),
        sa.Column("footprint_4326", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False),
                  nullable=False),
        sa.Column("load_id", sa.BigInteger,
                  sa.ForeignKey("twin.layer_version.load_id", ondelete="SET NULL")),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.UniqueConstraint("layer_id", "path", name="lidar_file_path"),
        sa.UniqueConstraint("layer_id", "checksum", name="lidar_file_checksum"),
        sa.CheckConstraint("ST_SRID(footprint) = horizontal_epsg", name="footprint_srid"),
        sa.CheckConstraint("point_count > 0", name="point_count"),
        schema="twin",
    )
    op.create_index("lidar_file_footprint_4326", "lidar_file", ["footprint_4326"],
                    schema="twin", postgresql_using="gist")
    op.create_table(
        "raster",
        sa.Column("layer_id", sa.Text, sa.ForeignKey("twin.layer.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("product", sa.Text, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("resolution", sa.Float, nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("extent", sa.ARRAY(sa.Float), nullable=False),
        sa.Column("extent_4326", sa.ARRAY(sa.Float), nullable=False),
        sa.Column("crs", sa.Text, nullable=False),
        sa.Column("srid", sa.Integer, nullable=False),
        sa.Column("source_layer_id", sa.Text,
                  sa.ForeignKey("twin.layer.id", ondelete="CASCADE"), nullable=False),
        sa.Column("source_version", sa.Integer, nullable=False),
        sa.Column("source_checksums", JSONB, nullable=False),
        sa.Column("data_cells", sa.BigInteger, nullable=False),
        sa.Column("filled_cells", sa.BigInteger, nullable=False),
        sa.Column("nodata_cells", sa.BigInteger, nullable=False),
        sa.Column("filled_mask_path", sa.Text, nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.CheckConstraint("product IN ('dtm', 'dsm')", name="product"),
        schema="twin",
    )


def downgrade() -> None:
    op.drop_table("raster", schema="twin")
    op.drop_table("lidar_file", schema="twin")
