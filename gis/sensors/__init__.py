"""Live sensors: the OGC SensorThings API 1.1 data model stored in PostGIS.

`entities` describes the eight entity sets (properties, navigation links) once; `odata`
parses the query options (``$filter``, ``$orderby``, ``$expand``, ``$select``...) into a
small syntax tree; `sql` (the only SQL of the package) compiles paths, filters and
visibility into SQLAlchemy Core; `store` reads and writes entities (deep insert, PATCH,
DELETE); `observations` ingests batches by COPY into monthly partitions created on demand;
`mqtt` bridges a broker; `maintain` applies each datastream's retention and downsampling.
"""
