"""``twin serve``: the OGC API, vector tiles and every other router, under uvicorn."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from twin.cli.common import console, domain_errors, settings


@domain_errors
def serve(
    host: Annotated[Optional[str], typer.Option(help="Bind address (TWIN_HOST)")] = None,  # noqa: UP045
    port: Annotated[Optional[int], typer.Option(help="Port (TWIN_PORT)")] = None,  # noqa: UP045
) -> None:
    """Serve the layers (OGC API Features + Tiles) until interrupted; prints the URLs."""
    import uvicorn

    from twin.app import create_app

    overrides = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    config = settings().model_copy(update=overrides)
    base = config.base_url
    console.print(f"[bold]twin serve[/] on http://{config.host}:{config.port}")
    for label, path in (("landing page", "/"), ("collections", "/collections"),
                        ("OpenAPI", "/openapi"), ("conformance", "/conformance"),
                        ("health", "/healthz"), ("readiness", "/readyz")):
        console.print(f"  {label:<13} {base}{path}")
    uvicorn.run(create_app(config), host=config.host, port=config.port, log_level="info",
                proxy_headers=True, access_log=config.access_log)
