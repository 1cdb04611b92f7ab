"""Point-cloud 3D Tiles 1.1 (glb POINTS) from LAS/LAZ files, out-of-core and in parallel.

`build.build_pointcloud` is the entry point; `frame` places points in the local frame of
`tiles.core.ecef` with the geoid, `partition` streams files into fine spatial cells on disk,
`octree` samples levels of detail, `glb` lays out the POINTS contents (the container is
`tiles.core.glb`) and `tileset` the tree (written by `tiles.core.tileset`).
"""
