"""Cesium quantized-mesh-1.0 terrain from the DTM COGs ``twin build dem`` writes.

Small modules, one concern each: `scheme` (the geographic TMS tiling Cesium expects),
`sampling` (DTM heights at lon/lat points, made ellipsoidal with the shipped geoid grids),
`meshing` (error-bounded TIN with edges both neighbours share), `encoding` (the binary
format, float64 throughout), `layerjson` (the entry document) and `build` (incremental
orchestration with a per-tile manifest of input digests).
"""
