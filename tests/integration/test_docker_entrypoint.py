"""docker/entrypoint.sh run outside Docker against the test PostGIS: what the container runs.

A fresh, unmigrated database of the test cluster; the script waits for it, migrates, runs
``twin doctor`` (the grids probe), serves; the container's health check (docker/healthcheck.py)
passes, the landing page's links start with TWIN_PUBLIC_URL, and SIGTERM (``docker stop``)
ends it cleanly. A database that never answers makes it give up within TWIN_DB_WAIT, saying
which server without its password.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from gis import migrate
from gis.db import make_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ogc_support import free_port

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parent.parent.parent
ENTRYPOINT = REPO / "docker" / "entrypoint.sh"
HEALTHCHECK = REPO / "docker" / "healthcheck.py"
PUBLIC = "https://twin.example.org/commune"
START_SECONDS = 90  # migrate + doctor + serve on a busy two-core machine


@pytest.fixture
def fresh_database_url(database_url: str) -> Iterator[str]:
    """A new, empty database (no PostGIS, no schema) beside the session's test database, on
    the same server (the private test cluster or TWIN_TEST_DATABASE_URL's): what a new
    container's server has."""
    name = f"twin_entry_{uuid.uuid4().hex[:10]}"
    admin = make_engine(database_url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def container_environment(database_url: str, data_dir: Path, port: int) -> dict[str, str]:
    """The variables the image and compose set, pointed at the test database; nothing of
    the caller's TWIN_* settings leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWIN_")}
    env.update({
        "PATH": f"{REPO / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        "TWIN_DATABASE_URL": database_url,
        "TWIN_DATA_DIR": str(data_dir),
        "TWIN_CONFIG_DIR": str(REPO / "config"),
        "TWIN_CESIUM_DIR": str(REPO / "node_modules" / "cesium" / "Build" / "Cesium"),
        "TWIN_HOST": "127.0.0.1",
        "TWIN_PORT": str(port),
        "TWIN_PUBLIC_URL": PUBLIC,
        "TWIN_ACCESS_LOG": "false",
    })
    return env


def wait_healthy(process: subprocess.Popen[bytes], base: str, log: Path) -> float:
    started = time.monotonic()
    while time.monotonic() - started < START_SECONDS:
        if process.poll() is not None:
            pytest.fail(f"the entrypoint exited {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail(f"no healthy service within {START_SECONDS}s:\n{log.read_text()}")


def test_entrypoint_migrates_probes_serves_and_stops_cleanly(
        fresh_database_url: str, tmp_path: Path) -> None:
    port = free_port()
    data_dir = tmp_path / "var"  # missing: the entrypoint creates it
    env = container_environment(fresh_database_url, data_dir, port)
    log = tmp_path / "entrypoint.log"
    with log.open("wb") as output:
        process = subprocess.Popen([str(ENTRYPOINT)], env=env, cwd=tmp_path, stdout=output,
                                   stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(process, base, log)
        # it migrated: the fresh database is at every head
        engine = make_engine(fresh_database_url)
        with engine.connect() as conn:
            assert migrate.missing_heads(conn, migrate.heads()) == frozenset()
        engine.dispose()
        text = log.read_text()
        assert "schema at revision" in text  # twin db migrate
        assert "database transforms:" in text  # the probe of migrate
        assert "checks: 0 failed" in text  # twin doctor passed
        assert text.index("twin db migrate") < text.index("twin doctor") < text.index(
            "twin serve")
        assert data_dir.is_dir()
        # the container's own health check, and readiness
        health = subprocess.run([sys.executable, str(HEALTHCHECK)], env=env,
                                capture_output=True, text=True, check=False)
        assert health.returncode == 0, health.stderr
        assert httpx.get(f"{base}/readyz", timeout=5).status_code == 200
        # links are built from the public URL, not the bind address
        landing = httpx.get(f"{base}/?f=json", timeout=10)
        assert landing.status_code == 200
        links = [link["href"] for link in landing.json()["links"]]
        assert len([h for h in links if h.startswith(PUBLIC)]) >= 4, links
        assert not [h for h in links if "127.0.0.1" in h or "0.0.0.0" in h], links
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # docker stop
        try:
            returncode = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail(f"the service did not stop on SIGTERM within 30s:\n{log.read_text()}")
    # uvicorn finishes the requests in flight and the lifespan, then re-raises the signal
    # (exit 143 in Docker, which `docker stop` expects); a crash would end otherwise
    stopped = log.read_text()
    assert returncode in (0, -signal.SIGTERM), stopped
    assert "Application shutdown complete" in stopped
    assert "Finished server process" in stopped
    assert "Traceback" not in stopped
    # the health check now fails: it can tell a dead service
    down = subprocess.run([sys.executable, str(HEALTHCHECK)], env=env, capture_output=True,
                          text=True, check=False)
    assert down.returncode == 1
    assert "unhealthy" in down.stderr
    # with arguments, the entrypoint waits for the database and runs them instead
    command = subprocess.run([str(ENTRYPOINT), "twin", "db", "status"], env=env, cwd=tmp_path,
                             capture_output=True, text=True, check=False, timeout=60)
    assert command.returncode == 0, command.stderr
    assert "schema revision" in command.stdout
    # without TWIN_PUBLIC_URL, links are not built from the bind-all address
    del env["TWIN_PUBLIC_URL"]
    env["TWIN_HOST"] = "0.0.0.0"
    shown = subprocess.run([str(ENTRYPOINT), "sh", "-c", 'printf %s "$TWIN_PUBLIC_URL"'],
                           env=env, cwd=tmp_path, capture_output=True, text=True, check=False,
                           timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == f"http://localhost:{port}"
    assert "TWIN_PUBLIC_URL is not set" in shown.stderr


def test_entrypoint_gives_up_on_a_database_that_never_answers(tmp_path: Path) -> None:
    url = f"postgresql://twin:s3cret-pw@127.0.0.1:{free_port()}/twin"
    env = container_environment(url, tmp_path / "var", free_port())
    env["TWIN_DB_WAIT"] = "3"
    started = time.monotonic()
    result = subprocess.run([str(ENTRYPOINT)], env=env, cwd=tmp_path, capture_output=True,
                            text=True, check=False, timeout=60)
    assert result.returncode == 1
    assert time.monotonic() - started < 30
    assert "did not answer within 3s" in result.stderr
    assert "127.0.0.1" in result.stderr
    assert "s3cret-pw" not in result.stderr + result.stdout


@pytest.mark.parametrize(("variable", "value"), [("TWIN_DATABASE_URL", ""),
                                                 ("TWIN_DB_WAIT", "soon"),
                                                 ("TWIN_DOCTOR", "maybe")])
def test_entrypoint_refuses_bad_settings(tmp_path: Path, variable: str, value: str) -> None:
    env = container_environment("postgresql://twin@127.0.0.1:9/twin", tmp_path, free_port())
    env[variable] = value
    result = subprocess.run([str(ENTRYPOINT)], env=env, cwd=tmp_path, capture_output=True,
                            text=True, check=False, timeout=30)
    assert result.returncode == 1
    assert variable in result.stderr
