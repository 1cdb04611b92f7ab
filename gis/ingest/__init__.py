"""Vector ingest: any GDAL-readable source (and OpenStreetMap) into a versioned PostGIS layer.

``ingest_vector`` streams the source in Arrow batches, checks and repairs it (see
`gis.ingest.quality` for the rules), reprojects it with the official grids, and swaps it in
atomically as the layer's next version (see `gis.ingest.loader`). What a load declares and
how it loads is resolved once, for every ingest path, by `gis.ingest.declaration.resolve`.

The loader (Arrow, GEOS, PROJ, psycopg) is imported on first use: commands that only
declare layers (``twin layers register``) do not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gis.ingest.loader import LoadResult, Progress, ingest_vector

__all__ = ["LoadResult", "Progress", "ingest_vector"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from gis.ingest import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
