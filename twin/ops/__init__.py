"""Operating the service: request ids, structured logs, Prometheus metrics.

Split so that what every module may need stays cheap to import: `twin.ops.context` (the
current request id: `twin.errors` puts it in error bodies) imports nothing else;
`twin.ops.logs` is applied by ``twin serve``; `twin.ops.metrics` and `twin.ops.middleware`
are wired into the app by `twin.ops.middleware.install_operations`.
"""
