"""The installed ``twin`` command imports a verb's module only when that verb runs."""

from __future__ import annotations

import subprocess
import sys

import typer

from twin.cli import VERBS, build_app

PROBE = """
import sys
sys.argv = ["twin", *sys.argv[1:]]
from twin.cli import main
try:
    main()
except SystemExit as exit:
    code = exit.code
heavy = sorted(m for m in ("pygeoapi", "scipy", "rdflib", "laspy") if m in sys.modules)
print("HEAVY=" + ",".join(heavy))
sys.exit(code)
"""


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True,
                          check=False, timeout=120)


def test_every_verb_is_assembled() -> None:
    command = typer.main.get_command(build_app())
    assert set(command.commands) == set(VERBS)  # type: ignore[attr-defined]


def test_a_light_verb_does_not_import_the_service() -> None:
    result = _run("db", "--help")
    assert result.returncode == 0, result.stderr
    assert "migrate" in result.stdout
    assert "HEAVY=\n" in result.stdout


def test_unknown_verb_is_a_usage_error() -> None:
    result = _run("frobnicate")
    assert result.returncode == 2
    assert "No such command" in result.stdout + result.stderr


def test_a_vector_load_does_not_import_the_lidar_stack() -> None:
    result = _run("ingest", "vector", "--help")
    assert result.returncode == 0, result.stderr
    assert "--layer" in result.stdout
    assert "HEAVY=\n" in result.stdout
    listing = _run("ingest", "--help")
    assert all(name in listing.stdout for name in ("vector", "lidar", "all"))


def test_imports_run_with_the_collector_paused_then_frozen() -> None:
    import gc

    from twin.cli.lazy import collector_paused

    assert gc.isenabled()
    try:
        with collector_paused():
            assert not gc.isenabled()
            allocated = [[index] for index in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(allocated)
    finally:
        gc.unfreeze()
