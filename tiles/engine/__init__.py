"""Where a heavy build runs and where its output goes.

`tiles.engine.cluster` chooses the engine of a build: in-process (the default, unchanged), a
Dask cluster started for the build (``--workers N``) or an existing one (``--scheduler``,
``TWIN_DASK_SCHEDULER``). `tiles.engine.storage` publishes a built folder to any fsspec URL
(object storage a static host or CDN serves). `tiles.engine.options` keeps storage options
(S3 secrets) out of the tasks a cluster is given. All import Dask and fsspec lazily: the
in-process path pays nothing for them.
"""
