"""Building (CIM) 3D Tiles: footprints and measured heights -> LoD1 prisms with metadata.

`source` reads buildings with heights from the store (`gis.city.buildings`), `hierarchy`
partitions them in a quadtree, `extrude` and `content` turn a leaf into a glb with one
feature per building (`metadata`: EXT_structural_metadata), `build` runs the leaves as tasks
and swaps the tileset in; `cityjson` exports the same prisms. All on `tiles.core`.
"""
