"""The city model's derived attributes: building heights from LiDAR or floor counts.

`points` reads LAS/LAZ points around footprints, `heights` measures roof and ground per
footprint, `derive` runs that over a layer and stores the run (`sql`).
"""
