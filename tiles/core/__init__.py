"""The one 3D Tiles core every tile product builds on.

`glb` writes and reads glTF 2.0 binary containers (buffer views, accessors, the metadata
extensions' alignment), `metadata` per-feature attributes (EXT_structural_metadata property
tables, EXT_mesh_features feature ids), `tileset` the tileset.json (bounding volumes, tiles,
the document), `ecef` places coordinates on the WGS 84 ellipsoid (closed form both ways,
local east-north-up frames, PROJ with the geoid grids), `swap` writes a product into a
staging folder beside its target and swaps it in with two renames. Point clouds and
buildings use it; terrain and BIM tilesets are meant to.
"""
