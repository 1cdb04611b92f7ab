"""Other machines on this host, for the scale-out tests: Dask workers each in their own Linux
namespaces, seeing of this host only what a worker on another machine would.

Each worker gets
- its own mount namespace: a private, empty ``/tmp`` (its Dask local directory inside it),
  and of this host's temporary files only the build's shared work folder, bind-mounted at
  the same path (what the NFS mount of docs/scaling.md gives a real worker);
- its own network namespace joined to this host by a veth pair (its own /24, a default route
  to the host side), when the kernel lets us create one: the scheduler then listens on the
  first pair's host-side address, never on 127.0.0.1, and reaches nothing else here.

Everything made (processes, links, network namespaces; the mount namespaces die with their
processes) is removed on the way out, failure or not. Needs root (CAP_SYS_ADMIN and
CAP_NET_ADMIN): without it the caller's test skips, or fails when ``CI`` is set.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from distributed import Client

REPO = Path(__file__).resolve().parent.parent
DASK = Path(sys.executable).parent / "dask"
START_S = 60

#: Inside the worker's fresh mount namespace: a private tmpfs /tmp, under which only the code
#: (the repository and its venv: every worker runs the same code, wherever a clone lives) and
#: the shared folder are mounted back at their paths, kept meanwhile under a staging tmpfs on
#: /mnt; then the worker itself (``"$@"``).
PRIVATE_TMP = """set -eu
mount -t tmpfs keep /mnt
mkdir /mnt/code /mnt/shared
mount --bind "$TWIN_CODE" /mnt/code
mount --bind "$TWIN_SHARED" /mnt/shared
mount -t tmpfs -o size=512m,mode=1777 other-machine /tmp
mkdir -p "$TWIN_CODE" "$TWIN_SHARED"
mount --bind /mnt/code "$TWIN_CODE"
mount --bind /mnt/shared "$TWIN_SHARED"
exec "$@"
"""


@dataclass
class Hosts:
    """The scheduler's address and the workers' addresses (None: no network namespaces)."""

    scheduler: str
    host_ip: str
    worker_ips: list[str] | None
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)


def require_namespaces() -> bool:
    """Whether veth pairs can be made too; skips (fails under ``CI``) without namespaces."""
    problem = None
    if os.geteuid() != 0:
        problem = "not root"
    else:
        probe = subprocess.run(["unshare", "--mount", "--net", "true"], capture_output=True)
        if probe.returncode:
            problem = f"unshare refused: {probe.stderr.decode().strip()}"
    if problem:
        message = f"other machines need Linux namespaces ({problem})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    name = f"twq{os.getpid() % 100000}"
    made = subprocess.run(["ip", "link", "add", name, "type", "veth", "peer", "name",
                           f"{name}p"], capture_output=True)
    if made.returncode:
        return False  # mount namespaces only: workers on this host's network
    _quiet(["ip", "link", "del", name])
    named = subprocess.run(["ip", "netns", "add", name], capture_output=True)
    _quiet(["ip", "netns", "del", name])
    return named.returncode == 0


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)


def _quiet(command: list[str]) -> None:
    subprocess.run(command, capture_output=True)


@contextmanager
def _veth_machine(index: int) -> Iterator[tuple[str, str, str]]:
    """A network namespace joined to this host by a veth pair on 10.231.<tag>.0/24:
    (namespace, host-side address, machine-side address)."""
    tag = os.getpid() % 100000
    subnet = f"10.231.{(os.getpid() * 4 + index) % 250 + 1}"
    namespace, host_end, machine_end = f"twin-m{tag}-{index}", f"twh{tag}m{index}", \
        f"twg{tag}m{index}"
    try:
        _run("ip", "netns", "add", namespace)
        _run("ip", "link", "add", host_end, "type", "veth", "peer", "name", machine_end)
        _run("ip", "link", "set", machine_end, "netns", namespace)
        _run("ip", "addr", "add", f"{subnet}.1/24", "dev", host_end)
        _run("ip", "link", "set", host_end, "up")
        inside = ["ip", "netns", "exec", namespace]
        _run(*inside, "ip", "addr", "add", f"{subnet}.2/24", "dev", machine_end)
        _run(*inside, "ip", "link", "set", machine_end, "up")
        _run(*inside, "ip", "link", "set", "lo", "up")
        _run(*inside, "ip", "route", "add", "default", "via", f"{subnet}.1")
        yield namespace, f"{subnet}.1", f"{subnet}.2"
    finally:
        _quiet(["ip", "link", "del", host_end])  # its peer goes with it
        _quiet(["ip", "netns", "del", namespace])


def _start(command: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True,
                            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a started process and its children (its own session)."""
    if process.poll() is None:
        with suppress(ProcessLookupError):  # gone by itself meanwhile
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    """The workers first (the last started), the scheduler last."""
    for process in reversed(processes):
        _stop(process)


def scheduler_address(scheduler_file: Path, process: subprocess.Popen[bytes]) -> str:
    """The address a ``dask scheduler --scheduler-file`` writes once it listens."""
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if scheduler_file.is_file() and scheduler_file.stat().st_size:
            return str(json.loads(scheduler_file.read_text())["address"])
        assert process.poll() is None, "dask scheduler exited"
        time.sleep(0.1)
    raise AssertionError("dask scheduler did not start")


def _worker(scheduler: str, shared: Path, namespace: str | None, ip: str | None
            ) -> subprocess.Popen[bytes]:
    """A single-threaded ``dask worker`` in a new mount namespace (and ``namespace``)."""
    network = ["ip", "netns", "exec", namespace] if namespace else []
    listen = ["--host", ip] if ip else []
    return _start([*network, "unshare", "--mount", "--propagation", "private", "--",
                   "env", f"TWIN_SHARED={shared}", f"TWIN_CODE={REPO}",
                   "sh", "-c", PRIVATE_TMP, "other-machine",
                   str(DASK), "worker", scheduler, "--nthreads", "1", "--nworkers", "1",
                   "--local-directory", "/tmp/dask", "--no-dashboard", *listen])


@contextmanager
def other_machines(count: int, shared: Path, state: Path) -> Iterator[Hosts]:
    """A ``dask scheduler`` here and ``count`` workers as other machines sharing ``shared``
    (created if need be; ``state``: a folder here for the scheduler file)."""
    network = require_namespaces()
    shared.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        links = [stack.enter_context(_veth_machine(n)) for n in range(count)] if network else []
        host_ip = links[0][1] if links else "127.0.0.1"
        scheduler_file = state / "scheduler.json"
        hosts = Hosts("", host_ip, [link[2] for link in links] if links else None)
        stack.callback(_stop_all, hosts.processes)
        hosts.processes.append(_start(
            [str(DASK), "scheduler", "--host", host_ip, "--port", "0",
             "--scheduler-file", str(scheduler_file), "--no-dashboard"]))
        hosts.scheduler = scheduler_address(scheduler_file, hosts.processes[0])
        for n in range(count):
            namespace, ip = (links[n][0], links[n][2]) if links else (None, None)
            hosts.processes.append(_worker(hosts.scheduler, shared, namespace, ip))
        client: Any
        with Client(hosts.scheduler, timeout=30) as client:  # type: ignore[no-untyped-call]
            client.wait_for_workers(count, timeout=START_S)
        yield hosts
