"""OGC SensorThings API 1.1 at ``/sta/v1.1`` (`api`), over the store of `gis.sensors`."""
