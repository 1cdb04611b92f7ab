"""What the public portal keeps beside the registry: a multilingual search index, citizens'
feedback and reuses, and usage counts per layer and day (migration ``0012_portal``).

The SQL lives in ``*_sql`` modules of this package; ``twin`` calls the typed functions of
`gis.portal.search`, `gis.portal.feedback` and `gis.portal.usage`.
"""
