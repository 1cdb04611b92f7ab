"""CesiumJS test pages: the app on one loopback port, a page and CesiumJS (npm ``cesium``)
on another, both in threads of the test process, driven by Debian's headless Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from db_support import free_port
from fastapi import FastAPI

from twin.app import create_app

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("TWIN_CHROMIUM", "/usr/bin/chromium"))
CESIUM = REPO / "node_modules" / "cesium" / "Build" / "Cesium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--enable-unsafe-swiftshader",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def require_chromium() -> None:
    """Skip without Chromium or CesiumJS, but fail under CI: a client test never silently
    stops testing."""
    if CHROMIUM.is_file() and CESIUM.is_dir():
        return
    if os.environ.get("CI"):
        pytest.fail(f"chromium ({CHROMIUM}) or npm cesium ({CESIUM}) missing but CI is set")
    pytest.skip("chromium or npm cesium not installed")


def _page_handler(page: str) -> type[http.server.SimpleHTTPRequestHandler]:
    body = page.encode()

    class Page(http.server.SimpleHTTPRequestHandler):
        """``/index.html`` is the test's page, ``/cesium/...`` the CesiumJS build."""

        def do_GET(self) -> None:
            if self.path.startswith("/index.html"):
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if self.path.startswith("/cesium/"):
                self.path = self.path[len("/cesium"):]
                return super().do_GET()
            self.send_error(404)

        def log_message(self, *args: Any) -> None:
            return None

    return Page


@contextmanager
def _running(server: Any, started: Any) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever if started is None else server.run,
                              daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while started is not None and not started():
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield
    finally:
        if started is None:
            server.shutdown()
        else:
            server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def page_and_app(page: str, make_app: Any) -> Iterator[tuple[str, str]]:
    """(page origin, app origin) while both servers run; ``make_app(app_origin)`` builds the
    app (its public URL is that origin, so the page reads it cross-origin)."""
    app_port, page_port = free_port(), free_port()
    app: FastAPI = make_app(f"http://127.0.0.1:{app_port}")
    api = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=app_port,
                                        log_level="warning"))
    static = http.server.ThreadingHTTPServer(
        ("127.0.0.1", page_port),
        functools.partial(_page_handler(page), directory=str(CESIUM)))
    with _running(api, lambda: api.started), _running(static, None):
        yield f"http://127.0.0.1:{page_port}", f"http://127.0.0.1:{app_port}"


@contextmanager
def app_server(settings: Any) -> Iterator[str]:
    """The app alone on a loopback port (its public URL is that origin), e.g. for /viewer."""
    port = free_port()
    app = create_app(settings.model_copy(update={"public_url": f"http://127.0.0.1:{port}"}))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    with _running(server, lambda: server.started):
        yield f"http://127.0.0.1:{port}"
