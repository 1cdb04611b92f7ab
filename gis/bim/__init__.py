"""BIM in the store: IFC models georeferenced, one row per element, checked against an IDS.

An IFC model becomes a layer like any other (registry, access level, versions, published
view, OGC API): `gis.bim.store.ingest_ifc` streams its elements as Arrow batches through the
vector loader's atomic stage -> swap -> version path. `gis.bim.ifcfile` opens a file with
errors that name it, `gis.bim.georef` places the model on the map, `gis.bim.elements` reads
each element's attributes and spatial tree (on demand), `gis.bim.meshes` its triangulated
geometry (IfcOpenShell's iterator, in worker processes: `gis.bim.workers`),
`gis.bim.footprint` the model's footprint kept per version, `gis.bim.ids` checks a model
against an IDS.
"""
