"""OGC API Features (Parts 1-3) and vector tiles over the layer registry.

pygeoapi's core renders the landing page, collections, queryables and HTML; the GeoJSON items
and the tiles take a fast path whose documents PostGIS serialises (see `features` and `tiles`).
"""
