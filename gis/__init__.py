"""The geodata store: PostGIS schema, layer registry, ingest, geodesy and quality checks.

This package knows nothing of HTTP or tiles; `tiles` and `twin` build on it.
"""
