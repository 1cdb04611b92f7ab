"""Builders of tile products (3D Tiles, vector tiles) from the geodata store.

Knows nothing of HTTP; reads `gis` through PostGIS or the output folder.
"""
