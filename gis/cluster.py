"""A private PostgreSQL + PostGIS cluster under the data directory, for machines without one.

PostgreSQL refuses to run as root, so when we are root the cluster's files belong to the
``postgres`` system user and every server binary runs through ``runuser``. The server is
given our PROJ grids (copied next to its data, where that user can read them) so that
``ST_Transform`` in SQL is as accurate as pyproj in Python.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import pwd
import shutil
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from gis.errors import ConfigurationError, DatabaseUnavailable
from gis.geodesy import grid_dir

SERVICE_USER = "postgres"
#: Where a root-run cluster goes when the postgres user cannot reach the configured folder
#: (a clone under /root or a private temporary folder).
FALLBACK_PARENT = Path("/var/tmp/twin-postgres")
DB_USER = "twin"
DB_NAME = "twin"


def postgres_bindir() -> Path:
    """The newest system PostgreSQL binaries (Debian layout first, then PATH)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise ConfigurationError(
        "PostgreSQL server binaries not found; run scripts/install-system-deps.sh "
        "(installs postgresql-15-postgis-3) or set TWIN_DATABASE_URL to an existing server"
    )


def _world_traversable(path: Path) -> bool:
    """Whether every folder from / to ``path`` (created or not yet) lets others through."""
    for folder in [*reversed(path.resolve().parents), path.resolve()]:
        if not folder.exists():
            return True
        if not folder.stat().st_mode & stat.S_IXOTH:
            return False
    return True


def _system_proj_dirs() -> list[str]:
    return [d for d in ("/usr/share/proj", "/usr/local/share/proj") if Path(d, "proj.db").exists()]


@dataclass(frozen=True)
class Cluster:
    """A cluster rooted at ``root`` listening on 127.0.0.1:``port``.

    ``grids=False`` starts the server with only the system's PROJ data, as a distribution's
    PostGIS runs: the tests use it to show the service stays exact on such a server.
    ``replication=True`` writes a WAL streaming replicas can follow (`start_replica`), at the
    price of logging every bulk COPY that ``wal_level=minimal`` skips.
    """

    root: Path
    port: int
    grids: bool = True
    replication: bool = False

    @property
    def home(self) -> Path:
        """The folder really used: ``root``, unless root-run and the postgres user can't reach it.

        Then a folder named after ``root`` under /var/tmp/twin-postgres, so the same
        configuration always finds the same cluster.
        """
        if os.geteuid() != 0 or _world_traversable(self.root.parent):
            return self.root
        digest = hashlib.sha256(str(self.root.resolve()).encode()).hexdigest()[:16]
        return FALLBACK_PARENT / f"{self.root.name}-{digest}"

    @property
    def pgdata(self) -> Path:
        return self.home / "data"

    @property
    def logfile(self) -> Path:
        return self.home / "postgres.log"

    @property
    def proj_dir(self) -> Path:
        return self.home / "proj"

    def url(self, database: str = DB_NAME) -> str:
        return f"postgresql+psycopg://{DB_USER}@127.0.0.1:{self.port}/{database}"

    # -- lifecycle -------------------------------------------------------------------------

    def up(self) -> None:
        """Create (first time) and start the cluster, then make sure the database exists.

        A lock file serialises concurrent callers (parallel test sessions, two terminals).
        """
        home = self.home
        home.parent.mkdir(parents=True, exist_ok=True)
        with open(home.parent / f".{home.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (self.pgdata / "PG_VERSION").exists():
                self._initdb()
            if not self.is_running():
                self._sync_grids()
                self._start()
            self._create_database(DB_NAME)

    def down(self) -> None:
        if self.is_running():
            self._run(["pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "stop"])

    def is_running(self) -> bool:
        if not (self.pgdata / "PG_VERSION").exists():
            return False
        result = self._run(["pg_ctl", "-D", str(self.pgdata), "status"], check=False)
        return result.returncode == 0

    def running_port(self) -> int | None:
        """The port the running server listens on (from postmaster.pid), if it runs."""
        pid_file = self.pgdata / "postmaster.pid"
        if not self.is_running() or not pid_file.exists():
            return None
        lines = pid_file.read_text().splitlines()
        return int(lines[3]) if len(lines) > 3 and lines[3].strip().isdigit() else None

    def start_replica(self, root: Path, port: int) -> Cluster:
        """A hot-standby streaming replica of this running ``replication`` cluster, under
        ``root`` on ``port``: cloned by ``pg_basebackup -R`` (which writes the standby signal
        and the primary's connection), then started. Read-only; it follows every commit of
        the primary within milliseconds on one machine."""
        if not self.replication:
            raise ConfigurationError("a replica needs a primary started with replication=True")
        replica = Cluster(root=root, port=port, grids=self.grids, replication=True)
        home = replica.home
        home.parent.mkdir(parents=True, exist_ok=True)
        with open(home.parent / f".{home.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (replica.pgdata / "PG_VERSION").exists():
                home.mkdir(parents=True, exist_ok=True)
                replica._hand_over(home)
                replica._run(["pg_basebackup", "-D", str(replica.pgdata), "-h", "127.0.0.1",
                              "-p", str(self.port), "-U", DB_USER, "-R", "-X", "stream",
                              "--checkpoint=fast"])
            if not replica.is_running():
                replica._sync_grids()
                replica._start()
        return replica

    def create_database(self, name: str) -> str:
        """A fresh database in this cluster (used by the tests); returns its URL."""
        self._create_database(name)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    # -- internals -------------------------------------------------------------------------

    def _initdb(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.proj_dir.mkdir(exist_ok=True)
        self._hand_over(self.home)
        self._run(
            ["initdb", "-D", str(self.pgdata), "-U", DB_USER, "--auth=trust",
             "--encoding=UTF8", "--locale=C.UTF-8"]
        )

    def _sync_grids(self) -> None:
        """Copy the shipped grids the server's PROJ folder lacks or has in another version,
        before each start: a cluster made before a grid was shipped gets it too."""
        self.proj_dir.mkdir(parents=True, exist_ok=True)
        if not self.grids:
            return
        for grid in grid_dir().glob("*.tif"):
            copy = self.proj_dir / grid.name
            if not copy.exists() or copy.stat().st_size != grid.stat().st_size:
                shutil.copy2(grid, copy)
        self._hand_over(self.proj_dir)

    def server_settings(self) -> dict[str, str]:
        """Server settings, given on the command line at every start (code, not state).

        ``wal_level=minimal`` lets a COPY into a table created in the same transaction skip
        the WAL -- exactly what our atomic loads do -- at the price of no replication or PITR,
        which a private development cluster does not offer anyway.
        """
        wal = ({"wal_level": "replica", "max_wal_senders": "5", "hot_standby": "on"}
               if self.replication else {"wal_level": "minimal", "max_wal_senders": "0"})
        return {
            "listen_addresses": "127.0.0.1",
            "port": str(self.port),
            "unix_socket_directories": str(self.home),
            "shared_buffers": "512MB",
            "work_mem": "64MB",
            "maintenance_work_mem": "512MB",
            "max_wal_size": "4GB",
            **wal,
            "max_connections": "200",
            "jit": "off",
        }

    def _start(self) -> None:
        options = " ".join(f"-c {key}={value}" for key, value in self.server_settings().items())
        self._run(
            ["pg_ctl", "-D", str(self.pgdata), "-l", str(self.logfile), "-o", options,
             "-w", "-t", "60", "start"]
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with psycopg.connect(self._admin_dsn(), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                time.sleep(0.2)
        raise DatabaseUnavailable(f"PostgreSQL did not accept connections; see {self.logfile}")

    def _create_database(self, name: str) -> None:
        with self._admin() as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')

    def _admin_dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user={DB_USER} dbname=postgres"

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        try:
            return psycopg.connect(self._admin_dsn(), autocommit=True)
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailable(f"cannot reach the private cluster: {exc}") from exc

    def _as_service_user(self) -> bool:
        return os.geteuid() == 0

    def _hand_over(self, path: Path) -> None:
        """Give the cluster folder to the service user when we run as root."""
        if not self._as_service_user():
            return
        try:
            entry = pwd.getpwnam(SERVICE_USER)
        except KeyError as exc:
            raise ConfigurationError(
                "running as root but there is no 'postgres' user to own the cluster; "
                "install postgresql-15-postgis-3 (scripts/install-system-deps.sh)"
            ) from exc
        for dirpath, _dirs, files in os.walk(path):
            os.chown(dirpath, entry.pw_uid, entry.pw_gid)
            for name in files:
                os.chown(os.path.join(dirpath, name), entry.pw_uid, entry.pw_gid)
        probe = subprocess.run(
            ["runuser", "-u", SERVICE_USER, "--", "test", "-w", str(path)], check=False
        )
        if probe.returncode != 0:
            raise ConfigurationError(
                f"the 'postgres' user cannot write {path} (a parent folder is not traversable); "
                "set TWIN_DATA_DIR to a folder it can reach, or TWIN_DATABASE_URL"
            )

    def _run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(postgres_bindir() / argv[0]), *argv[1:]]
        if self._as_service_user():
            command = ["runuser", "-u", SERVICE_USER, "--", *command]
        env = dict(os.environ)
        proj_dirs = [str(self.proj_dir)] if self.grids else []
        env["PROJ_DATA"] = ":".join([*proj_dirs, *_system_proj_dirs()])
        env["PROJ_NETWORK"] = "OFF"
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if check and result.returncode != 0:
            raise DatabaseUnavailable(
                f"{argv[0]} failed ({result.returncode}): {result.stderr.strip() or result.stdout}"
                f"; server log: {self.logfile}"
            )
        return result
