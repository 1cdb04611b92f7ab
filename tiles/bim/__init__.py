"""BIM 3D Tiles 1.1: one glb feature per IFC element, on the shared core (`tiles.core`).

`tiles.bim.content` writes a tile (flat-shaded triangles in ECEF about a float64 node
translation, IFC colours per vertex, EXT_mesh_features ids and an EXT_structural_metadata
table of GlobalId, class, name, storey, type, material, space and the property sets);
`tiles.bim.build` places the stored model and lays out the tree: the building's shell
(walls, slabs, roofs, columns, beams...) in the root, the rest in a quadtree of leaves.
"""
