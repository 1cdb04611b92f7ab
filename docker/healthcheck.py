"""Health check of the twin container (``HEALTHCHECK`` of docker/Dockerfile, compose's app).

Slim images have no curl: the standard library asks the service's liveness route on the
loopback at ``TWIN_PORT`` and exits 0 on HTTP 200, 1 otherwise (the reason on stderr).
Also run outside Docker by tests/integration/test_docker_entrypoint.py.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

#: The route asked; tests/unit/test_docker_files.py checks that the app has it.
PATH = "/health"
TIMEOUT_SECONDS = 4.0


def main() -> int:
    url = f"http://127.0.0.1:{os.environ.get('TWIN_PORT', '8000')}{PATH}"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            status = int(response.status)
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {url}: {exc}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"unhealthy: {url} answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
