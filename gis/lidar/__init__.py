"""LiDAR in the store: files stay on disk, PostGIS holds one index row per file.

`scan` reads a LAS/LAZ file chunk by chunk (bounded memory) into `LidarFileStats`; `crs`
decides the file's horizontal + vertical CRS; `ingest` registers the layer and its files.
"""
