"""Rasters derived from LiDAR: terrain (DTM) and surface (DSM) models as COGs."""
