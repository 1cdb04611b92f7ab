"""Point-cloud 3D Tiles 1.1 (glb POINTS) from LAS/LAZ files, out-of-core and in parallel.

`build.build_pointcloud` is the entry point; `frame` places points in ECEF with the geoid,
`partition` streams files into fine spatial cells on disk, `octree` samples levels of detail,
`glb` writes contents and `tileset` the tileset.json.
"""
