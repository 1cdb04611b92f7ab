"""``twin serve``: the OGC API, vector tiles and every other router, under uvicorn."""

from __future__ import annotations

import logging
from typing import Annotated, Optional

import typer

from twin.cli.common import console, domain_errors, settings
from twin.settings import Settings


def _print_urls(config: Settings) -> None:
    """The URLs to open, for someone at a terminal (a JSON log has one line instead)."""
    base = config.base_url
    console.print(f"[bold]twin serve[/] on http://{config.host}:{config.port}")
    for label, path in (("landing page", "/"), ("collections", "/collections"),
                        ("OpenAPI", "/openapi"), ("conformance", "/conformance"),
                        ("health", "/health"), ("readiness", "/ready"),
                        ("metrics", "/metrics" if config.metrics_enabled else None)):
        if path is not None:
            console.print(f"  {label:<13} {base}{path}")


@domain_errors
def serve(
    host: Annotated[Optional[str], typer.Option(help="Bind address (TWIN_HOST)")] = None,  # noqa: UP045
    port: Annotated[Optional[int], typer.Option(help="Port (TWIN_PORT)")] = None,  # noqa: UP045
) -> None:
    """Serve the layers (OGC API Features + Tiles) until interrupted; prints the URLs."""
    import uvicorn

    from twin.app import create_app
    from twin.ops.logs import configure_logging

    overrides = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    config = settings().model_copy(update=overrides)
    # before the app is built, so start-up lines are formatted too; uvicorn keeps it
    # (log_config=None) and only sets its loggers' level and the access log switch
    configure_logging(config.log_format)
    if config.log_format == "json":  # stdout carries JSON access lines: no banner among them
        logging.getLogger(__name__).info("twin serve on http://%s:%s, public URL %s",
                                         config.host, config.port, config.base_url)
    else:
        _print_urls(config)
    uvicorn.run(create_app(config), host=config.host, port=config.port, log_level="info",
                proxy_headers=True, access_log=config.access_log, log_config=None)
