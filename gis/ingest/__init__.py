"""Vector ingest: any GDAL-readable source (and OpenStreetMap) into a versioned PostGIS layer.

``ingest_vector`` streams the source in Arrow batches, checks and repairs it (see
`gis.ingest.quality` for the rules), reprojects it with the official grids, and swaps it in
atomically as the layer's next version (see `gis.ingest.loader`).
"""

from __future__ import annotations

from gis.ingest.loader import LoadResult, Progress, ingest_vector

__all__ = ["LoadResult", "Progress", "ingest_vector"]
