"""Backup and restore of the whole store: the database through pg_dump, the built products as
files, one manifest of checksums over both.

What a backup folder holds
    ``manifest.json``   what it is (format and version, the server's and pg_dump's versions,
                        the extensions and the schema each lives in, the data directory it
                        came from, the LiDAR files the registry points at) and every file of
                        the backup with its size and SHA-256. It is written last, and the
                        folder is assembled under a hidden name and renamed into place: a
                        folder with a manifest is a complete backup.
    ``database.dump``   pg_dump's custom format of the whole database: the registry, every
                        layer's current table and its history, versions and lifespans, keys,
                        audit, the publish views, the pseudonym key.
    ``files/<folder>``  the built products of the data directory: ``tiles`` (3D Tiles),
                        ``rasters`` (COGs), ``catalog`` (the harvest files), ``downloads``,
                        ``exports``.

The backup holds closed layers, key hashes and the pseudonym key: its folder is made 0700.

Consistency
    pg_dump reads the database in one snapshot. The files are copied after it, while the
    backup holds the *products lock* exclusively (`gis.backup_sql`): every build
    (`gis.builds.recorded_build`) holds it shared from before it reads the store until after
    it has swapped its output in and registered it, so no build runs between the snapshot and
    the end of the copy, and the products copied are exactly those of the builds the
    snapshot has registered. The backup waits for running builds (``wait_seconds``) and says
    so; builds started meanwhile wait for it. A product is never copied half-built anyway:
    builds write into a staging folder and swap it in with renames (`tiles.core.swap`), and
    hidden entries -- staging folders, retired ones, point-cloud build states, ``*.partial``
    files -- are never copied (a build state only speeds up the next build, which does a full
    one without it). Files written outside builds (the catalogue files, downloads built on
    request) are checked for size and mtime around their copy and copied again if they
    changed; a download is keyed to the layer's state, so one that does not match the
    restored registry is rebuilt on the first request.

Downloads are included
    They are a cache, but the catalogue harvesters read states their ``dcat:byteSize`` and
    ``spdx:checksum``, and a rebuild is not byte-identical (GeoPackage stamps its write
    time): without them a restored service would publish other checksums than the ones
    portals already hold, and answer differently than before. They cost about one copy of the
    open layers per format; the private cluster's folder (``postgres/``) is never copied (the
    database travels through pg_dump), nor anything else in the data directory.

Not included
    LiDAR source files stay where they were loaded from (``twin.lidar_file`` keeps their
    paths); the manifest lists them with their checksums and a restore reports the missing
    ones.

Restore
    Only into an empty store: a database whose tables hold no rows (Alembic's version and the
    pseudonym key of a freshly migrated database do not count) and a data directory without
    products; otherwise `RestoreRefused` names the tables and folders, and ``force`` replaces
    them. Every file is verified against the manifest *before* anything is replaced (it is
    copied into a staging folder beside its target while hashed); then the store's schemas are
    dropped, the dump is restored in one transaction (``pg_restore --single-transaction``,
    ``--no-owner``: the store has one role and no grants, see `gis.schema`), the registry's
    raster paths are moved to the new data directory, the database is analysed, and the
    staged folders are swapped in. Extensions the target already has in the same schema are
    taken out of the restore's table of contents; one installed in another schema (PostGIS
    is not relocatable and the dump names its types by schema) is dropped first when nothing
    depends on it, so pg_restore creates it where the dump expects it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import psycopg
from psycopg.conninfo import make_conninfo
from sqlalchemy import Connection, Engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from gis import backup_sql
from gis.cluster import postgres_bindir
from gis.errors import BackupCorrupted, BackupError, RestoreRefused
from gis.schema import REGISTRY_SCHEMA
from gis.schema.tables import alembic_version, lidar_file, pseudonym_secret

FORMAT = "commune-twin-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
FILES = "files"
#: the folders of the data directory that hold built products, in the order they are copied
PRODUCT_FOLDERS = ("tiles", "rasters", "catalog", "downloads", "exports")
#: tables a fresh ``twin db migrate`` or service start fills by itself: no data of anyone's
BOOKKEEPING_TABLES = frozenset({(REGISTRY_SCHEMA, alembic_version.name),
                                (REGISTRY_SCHEMA, pseudonym_secret.name)})
BLOCK = 1 << 20
COPY_ATTEMPTS = 3
#: how many tables and folders a refusal names before it says "and N more"
NAMED = 8


class Steps(Protocol):
    """Where long steps report: a step starts (with its total, in bytes, when known) and
    advances; the CLI shows them as progress bars, tests pass nothing."""

    def start(self, description: str, total: int | None = None) -> None: ...

    def advance(self, amount: int) -> None: ...


class QuietSteps:
    """Reports nowhere."""

    def start(self, description: str, total: int | None = None) -> None:
        return None

    def advance(self, amount: int) -> None:
        return None


# --- the manifest ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FileEntry:
    """One file of a backup: its path in the backup folder (POSIX), size, SHA-256 and the
    modification time of the original, which a restore gives back: the service derives the
    versioned URLs of 3D Tiles content (``?v=``) from it, so they stay what clients cached."""

    path: str
    size: int
    sha256: str
    mtime_ns: int = 0


@dataclass(frozen=True)
class Extension:
    """An extension of the backed-up database, in the schema the dump names it by."""

    name: str
    schema: str
    version: str


@dataclass(frozen=True)
class ExternalFile:
    """A file the registry points at that the backup does not hold (a LiDAR source)."""

    path: str
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """What a backup is and every file it holds; `to_json` / `from_json` are exact inverses."""

    created_at: str
    server_version: int
    pg_dump_major: int
    data_dir: str
    extensions: tuple[Extension, ...]
    files: tuple[FileEntry, ...]
    external_files: tuple[ExternalFile, ...] = ()
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str) -> Manifest:
        """Parse a manifest; anything malformed is `BackupCorrupted` naming ``where``."""
        try:
            data: dict[str, Any] = json.loads(text)
            if data.get("format") != FORMAT:
                raise BackupCorrupted(f"{where}: not a backup of the twin (format "
                                      f"{data.get('format')!r})")
            if data.get("format_version") != FORMAT_VERSION:
                raise BackupCorrupted(f"{where}: backup format version "
                                      f"{data.get('format_version')!r}, this version reads "
                                      f"{FORMAT_VERSION}")
            return cls(
                created_at=str(data["created_at"]), server_version=int(data["server_version"]),
                pg_dump_major=int(data["pg_dump_major"]), data_dir=str(data["data_dir"]),
                extensions=tuple(Extension(**e) for e in data["extensions"]),
                files=tuple(FileEntry(**f) for f in data["files"]),
                external_files=tuple(ExternalFile(**f) for f in data["external_files"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise BackupCorrupted(f"{where}: unreadable manifest ({exc})") from exc

    def entry(self, path: str) -> FileEntry | None:
        return next((f for f in self.files if f.path == path), None)


def sha256_stream(chunks: Iterator[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _blocks(path: Path, steps: Steps) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            steps.advance(len(block))
            yield block


def check_file(backup_dir: Path, entry: FileEntry, steps: Steps | None = None) -> None:
    """Raise `BackupCorrupted` naming the file when it is missing or not the manifest's."""
    path = backup_dir / entry.path
    if not path.is_file():
        raise BackupCorrupted(f"{path}: missing from the backup")
    if path.stat().st_size != entry.size:
        raise BackupCorrupted(f"{path}: {path.stat().st_size} bytes, the manifest says "
                              f"{entry.size}: the backup is damaged")
    digest, _ = sha256_stream(_blocks(path, steps or QuietSteps()))
    if digest != entry.sha256:
        raise BackupCorrupted(f"{path}: SHA-256 {digest} differs from the manifest's "
                              f"{entry.sha256}: the backup is damaged")


def unexpected_files(backup_dir: Path, manifest: Manifest) -> list[str]:
    """Files under ``files/`` the manifest does not list (a backup is exactly its manifest)."""
    listed = {f.path for f in manifest.files}
    root = backup_dir / FILES
    found = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            relative = (Path(dirpath) / name).relative_to(backup_dir).as_posix()
            if relative not in listed:
                found.append(relative)
    return sorted(found)


def read_manifest(backup_dir: Path) -> Manifest:
    path = backup_dir / MANIFEST
    if not path.is_file():
        raise BackupCorrupted(f"{path}: missing: {backup_dir} is not a complete backup")
    return Manifest.from_json(path.read_text(encoding="utf-8"), str(path))


def verify(backup_dir: Path, steps: Steps | None = None) -> Manifest:
    """Check every file of a backup against its manifest (and that it holds no other)."""
    manifest = read_manifest(backup_dir)
    extra = unexpected_files(backup_dir, manifest)
    if extra:
        raise BackupCorrupted(f"{backup_dir / extra[0]}: not in the manifest")
    reporter = steps or QuietSteps()
    reporter.start("verifying checksums", sum(f.size for f in manifest.files))
    for entry in manifest.files:
        check_file(backup_dir, entry, reporter)
    return manifest


# --- PostgreSQL tools -----------------------------------------------------------------------
@dataclass(frozen=True)
class PgTools:
    """pg_dump and pg_restore of the installed server, and their major version."""

    pg_dump: Path
    pg_restore: Path
    major: int


def tool_major(path: Path) -> int:
    """The major version a PostgreSQL tool reports (``pg_dump (PostgreSQL) 15.18 ...``)."""
    result = subprocess.run([str(path), "--version"], capture_output=True, text=True,
                            check=False)
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", result.stdout)
    if result.returncode != 0 or found is None:
        raise BackupError(f"{path} --version did not say its version: "
                          f"{(result.stderr or result.stdout).strip()}")
    return int(found.group(1))


def pg_tools(server_major: int) -> PgTools:
    """The tools of `postgres_bindir`, refused when older than the server (pg_dump cannot
    read a newer server's catalogue; pg_restore must read what pg_dump wrote)."""
    bindir = postgres_bindir()
    paths = {name: bindir / name for name in ("pg_dump", "pg_restore")}
    for name, path in paths.items():
        if not path.is_file():
            raise BackupError(f"{name} not found in {bindir}: install the PostgreSQL client "
                              f"{server_major} or newer (postgresql-client-{server_major})")
    majors = {name: tool_major(path) for name, path in paths.items()}
    for name, major in majors.items():
        if major < server_major:
            raise BackupError(
                f"{paths[name]} is PostgreSQL {major}, older than the database server "
                f"(PostgreSQL {server_major}): pg_dump and pg_restore must be at least the "
                f"server's major version; install postgresql-client-{server_major}")
    return PgTools(paths["pg_dump"], paths["pg_restore"], min(majors.values()))


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """A SQLAlchemy URL as a libpq connection string and environment for the tools; the
    password goes in PGPASSWORD, never on a command line others can read."""
    parsed = make_url(url)
    params: dict[str, str] = {k: v for k, v in parsed.query.items() if isinstance(v, str)}
    for key, value in (("host", parsed.host), ("port", parsed.port),
                       ("user", parsed.username), ("dbname", parsed.database)):
        if value is not None:
            params[key] = str(value)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    return make_conninfo(**params), env


def _run_tool(argv: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        detail = "\n".join(result.stderr.strip().splitlines()[-5:]) or result.stdout.strip()
        raise BackupError(f"{what} failed ({Path(argv[0]).name} exit {result.returncode}): "
                          f"{detail}")
    return result.stdout


# --- what the database holds ----------------------------------------------------------------
def _driver(conn: Connection) -> psycopg.Connection[Any]:
    driver = conn.connection.driver_connection
    assert driver is not None
    return driver  # type: ignore[no-any-return]


def server_version(conn: Connection) -> int:
    """``server_version_num`` (150018 for 15.18)."""
    with _driver(conn).cursor() as cursor:
        cursor.execute(backup_sql.SERVER_VERSION)
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def extensions(conn: Connection) -> list[Extension]:
    with _driver(conn).cursor() as cursor:
        cursor.execute(backup_sql.EXTENSIONS)
        return [Extension(str(n), str(s), str(v)) for n, s, v in cursor.fetchall()]


def tables_with_rows(conn: Connection) -> list[str]:
    """``schema.table`` of every user table holding a row (bookkeeping tables aside)."""
    driver = _driver(conn)
    with driver.cursor() as cursor:
        cursor.execute(backup_sql.USER_TABLES)
        tables = [(str(s), str(t)) for s, t in cursor.fetchall()]
        found = []
        for schema, table in tables:
            if (schema, table) in BOOKKEEPING_TABLES:
                continue
            cursor.execute(backup_sql.has_rows(schema, table))
            row = cursor.fetchone()
            if row is not None and row[0]:
                found.append(f"{schema}.{table}")
    return found


def folders_with_files(data_dir: Path) -> list[Path]:
    """The product folders of a data directory that hold anything (hidden entries too: a
    staging folder is somebody's build)."""
    return [data_dir / name for name in PRODUCT_FOLDERS
            if (data_dir / name).is_dir() and any((data_dir / name).iterdir())]


def _named(items: list[str]) -> str:
    shown = ", ".join(items[:NAMED])
    return shown + (f" and {len(items) - NAMED} more" if len(items) > NAMED else "")


def refusal(tables: list[str], folders: list[Path]) -> str | None:
    """Why a restore may not go ahead without ``force`` (None: the target is empty)."""
    parts = []
    if tables:
        parts.append(f"the database holds rows in {_named(tables)}")
    if folders:
        parts.append(f"the data directory holds {_named([str(f) for f in folders])}")
    if not parts:
        return None
    return ("cannot restore over a store that is not empty: " + "; ".join(parts)
            + ". Restore into an empty database and data directory, or give --force to "
            "replace them")


@contextmanager
def products_exclusive(engine: Engine, wait_seconds: float, steps: Steps) -> Iterator[None]:
    """Hold the products lock exclusively inside the block (no build runs meanwhile)."""
    conn = engine.connect()
    try:
        driver = _driver(conn)
        with driver.cursor() as cursor:
            cursor.execute(backup_sql.try_products_lock())
            taken = cursor.fetchone()
            if not (taken and taken[0]):
                steps.start("waiting for running builds to finish")
                cursor.execute(backup_sql.lock_timeout(), (f"{int(wait_seconds * 1000)}ms",))
                try:
                    cursor.execute(backup_sql.products_lock())
                except psycopg.errors.LockNotAvailable as exc:
                    raise BackupError(
                        f"a build (twin build ...) is still running after {wait_seconds:g} s; "
                        "run the backup again when it is done, or wait longer (--wait)"
                    ) from exc
        conn.commit()
        yield
    finally:
        conn.invalidate()  # closing the session releases its advisory locks
        conn.close()


# --- backup ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class BackupReport:
    path: Path
    database_bytes: int
    files: int
    file_bytes: int
    external_files: int


def product_files(data_dir: Path) -> Iterator[tuple[str, Path]]:
    """(path in the backup, source) of every product file, hidden and partial ones aside."""
    for folder in PRODUCT_FOLDERS:
        root = data_dir / folder
        if not root.is_dir():
            continue
        for dirpath, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name.startswith(".") or name.endswith(".partial"):
                    continue
                source = Path(dirpath) / name
                yield f"{FILES}/{folder}/{source.relative_to(root).as_posix()}", source


def _copy_hashed(source: Path, target: Path, steps: Steps) -> tuple[str, int]:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        def written() -> Iterator[bytes]:
            for block in _blocks(source, steps):
                out.write(block)
                yield block

        return sha256_stream(written())


def _identity(stat: os.stat_result) -> tuple[int, int, int]:
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def copy_product(source: Path, target: Path, steps: Steps) -> tuple[str, int, int] | None:
    """Copy one file as it was at one instant: size and mtime are compared around the copy
    and it is copied again when a writer changed it meanwhile; None when it vanished (a
    cache dropped by its owner is no longer part of the data directory)."""
    for _ in range(COPY_ATTEMPTS):
        try:
            before = _identity(source.stat())
            digest, size = _copy_hashed(source, target, steps)
            after = _identity(source.stat())
        except FileNotFoundError:
            target.unlink(missing_ok=True)
            return None
        if before == after and size == after[1]:
            os.utime(target, ns=(after[2], after[2]))
            return digest, size, after[2]
    raise BackupError(f"{source} kept changing while it was copied; run the backup again")


def _check_backup_target(target: Path, data_dir: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} already exists and is not an empty folder: back up into "
                          "a new folder (a backup is never written over another)")
    for folder in (data_dir / name for name in (*PRODUCT_FOLDERS, "postgres")):
        if target == folder or target.is_relative_to(folder):
            raise BackupError(f"{target} is inside {folder}, which the backup reads or "
                              "the database lives in: choose a folder outside it")


def external_files(conn: Connection) -> list[ExternalFile]:
    rows = conn.execute(select(lidar_file.c.path, lidar_file.c.checksum)
                        .order_by(lidar_file.c.path)).all()
    return [ExternalFile(str(path), str(checksum)) for path, checksum in rows]


def backup(engine: Engine, url: str, data_dir: Path, target: Path, *,
           steps: Steps | None = None, wait_seconds: float = 300.0) -> BackupReport:
    """Write a backup of the store at ``url`` and the products of ``data_dir`` to ``target``
    (absent or an empty folder); see the module's docstring for what and how."""
    reporter = steps or QuietSteps()
    data_dir, target = data_dir.resolve(), target.absolute()
    _check_backup_target(target, data_dir)
    with engine.connect() as conn:
        version = server_version(conn)
        installed = extensions(conn)
        outside = external_files(conn)
    tools = pg_tools(version // 10000)
    conninfo, env = libpq_target(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    staging.chmod(0o700)  # closed layers, key hashes and the pseudonym key are in it
    try:
        with products_exclusive(engine, wait_seconds, reporter):
            reporter.start("dumping the database (pg_dump, one snapshot)")
            _run_tool([str(tools.pg_dump), "--format=custom", "--file", str(staging / DUMP),
                       "--dbname", conninfo], env, "pg_dump of the database")
            sources = list(product_files(data_dir))
            total = sum(_size_or_zero(source) for _, source in sources)
            reporter.start(f"copying {len(sources)} product files", total)
            entries = []
            for relative, source in sources:
                copied = copy_product(source, staging / relative, reporter)
                if copied is not None:
                    entries.append(FileEntry(relative, copied[1], copied[0], copied[2]))
        reporter.start("checksumming the dump", (staging / DUMP).stat().st_size)
        dump_digest, dump_size = sha256_stream(_blocks(staging / DUMP, reporter))
        manifest = Manifest(
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            server_version=version, pg_dump_major=tools.major, data_dir=str(data_dir),
            extensions=tuple(installed),
            files=(FileEntry(DUMP, dump_size, dump_digest), *entries),
            external_files=tuple(outside))
        (staging / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BackupReport(target, dump_size, len(entries), sum(e.size for e in entries),
                        len(outside))


def _size_or_zero(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


# --- restore --------------------------------------------------------------------------------
@dataclass(frozen=True)
class TocEntry:
    """One line of ``pg_restore --list``: its dump id and its description."""

    line: str
    kind: str
    name: str


TOC_LINE = re.compile(r"^\d+; \d+ \d+ (?P<desc>.*)$")


def table_of_contents(listing: str) -> list[TocEntry]:
    """Parse ``pg_restore --list``: the kind of each entry (SCHEMA, EXTENSION, COMMENT on an
    extension, ...) and the name of the schemas and extensions (our names hold no spaces)."""
    entries = []
    for line in listing.splitlines():
        found = TOC_LINE.match(line)
        if found is None:
            continue
        words = found.group("desc").split()
        if words[:2] == ["SCHEMA", "-"] and len(words) > 2:
            entries.append(TocEntry(line, "SCHEMA", words[2]))
        elif words[:2] == ["EXTENSION", "-"] and len(words) > 2:
            entries.append(TocEntry(line, "EXTENSION", words[2]))
        elif words[:3] == ["COMMENT", "-", "EXTENSION"] and len(words) > 3:
            entries.append(TocEntry(line, "EXTENSION COMMENT", words[3]))
        else:
            entries.append(TocEntry(line, "OTHER", ""))
    return entries


def restore_list(entries: list[TocEntry], skip_extensions: set[str]) -> str:
    """The list pg_restore is given (``-L``): every entry, those of the extensions the target
    already has where the dump wants them commented out."""
    lines = []
    for entry in entries:
        skipped = entry.kind in ("EXTENSION", "EXTENSION COMMENT") and entry.name in \
            skip_extensions
        lines.append(f";{entry.line}" if skipped else entry.line)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class RestoreReport:
    path: Path
    schemas: tuple[str, ...]
    files: int
    file_bytes: int
    extensions: tuple[str, ...]
    missing_external: tuple[str, ...] = field(default_factory=tuple)


def _stage_folder(backup_dir: Path, manifest: Manifest, folder: str, target: Path,
                  steps: Steps) -> Path:
    """Copy one product folder of the backup beside ``target`` while checking each file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.restore-", dir=target.parent))
    staging.chmod(0o755)
    try:
        prefix = f"{FILES}/{folder}/"
        for entry in manifest.files:
            if not entry.path.startswith(prefix):
                continue
            source = backup_dir / entry.path
            if not source.is_file():
                raise BackupCorrupted(f"{source}: missing from the backup")
            copy = staging / entry.path[len(prefix):]
            digest, size = _copy_hashed(source, copy, steps)
            if (digest, size) != (entry.sha256, entry.size):
                raise BackupCorrupted(
                    f"{source}: SHA-256 {digest} ({size} bytes) differs from the manifest's "
                    f"{entry.sha256} ({entry.size} bytes): the backup is damaged")
            if entry.mtime_ns:
                os.utime(copy, ns=(entry.mtime_ns, entry.mtime_ns))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _swap_in(staging: Path, target: Path) -> None:
    retired = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)


def _reconcile_extensions(conn: Connection, wanted: tuple[Extension, ...]) -> set[str]:
    """Make the target's extensions fit the dump; the names pg_restore must not create."""
    driver = _driver(conn)
    with driver.cursor() as cursor:
        cursor.execute(backup_sql.AVAILABLE_EXTENSIONS, ([e.name for e in wanted],))
        available = {str(row[0]) for row in cursor.fetchall()}
    missing = [e.name for e in wanted if e.name not in available]
    if missing:
        raise BackupError(f"the database server lacks the extensions {', '.join(missing)} the "
                          "backup needs: install them (scripts/install-system-deps.sh) first")
    present = {e.name: e for e in extensions(conn)}
    keep = set()
    for extension in wanted:
        installed = present.get(extension.name)
        if installed is None:
            continue
        if installed.schema == extension.schema:
            keep.add(extension.name)
            continue
        try:
            with driver.cursor() as cursor:
                cursor.execute(backup_sql.drop_extension(extension.name))
        except psycopg.errors.DependentObjectsStillExist as exc:
            raise BackupError(
                f"extension {extension.name} is installed in schema {installed.schema} of the "
                f"target database and objects depend on it; the backup has it in schema "
                f"{extension.schema}: restore into a new database") from exc
    return keep


def restore(engine: Engine, url: str, data_dir: Path, source: Path, *, force: bool = False,
            steps: Steps | None = None) -> RestoreReport:
    """Bring the backup in ``source`` back into the database at ``url`` and ``data_dir``;
    see the module's docstring for the order of things and what ``force`` replaces."""
    reporter = steps or QuietSteps()
    data_dir, source = data_dir.resolve(), source.absolute()
    manifest = read_manifest(source)
    with engine.connect() as conn:
        problem = refusal(tables_with_rows(conn), folders_with_files(data_dir))
        version = server_version(conn)
    if problem is not None and not force:
        raise RestoreRefused(problem)
    tools = pg_tools(version // 10000)
    if tools.major < manifest.pg_dump_major:
        raise BackupError(f"the backup was written by pg_dump {manifest.pg_dump_major}; "
                          f"{tools.pg_restore} ({tools.major}) cannot read it: install "
                          f"postgresql-client-{manifest.pg_dump_major}")
    extra = unexpected_files(source, manifest)
    if extra:
        raise BackupCorrupted(f"{source / extra[0]}: not in the manifest")
    dump = manifest.entry(DUMP)
    if dump is None:
        raise BackupCorrupted(f"{source / MANIFEST}: lists no {DUMP}")
    files = [f for f in manifest.files if f.path != DUMP]
    reporter.start("verifying the backup while staging its files",
                   dump.size + sum(f.size for f in files))
    staged: dict[str, Path] = {}
    try:
        check_file(source, dump, reporter)
        for folder in PRODUCT_FOLDERS:
            if any(f.path.startswith(f"{FILES}/{folder}/") for f in files):
                staged[folder] = _stage_folder(source, manifest, folder, data_dir / folder,
                                               reporter)
        schemas = _restore_database(engine, url, tools, source / DUMP, manifest,
                                    data_dir, reporter)
        reporter.start("moving the products into the data directory")
        for folder in PRODUCT_FOLDERS:
            target = data_dir / folder
            if folder in staged:
                _swap_in(staged.pop(folder), target)
            elif target.exists() and force:
                shutil.rmtree(target)  # --force: the store is the backup's, nothing else
    finally:
        for leftover in staged.values():
            shutil.rmtree(leftover, ignore_errors=True)
    missing = tuple(f.path for f in manifest.external_files if not Path(f.path).is_file())
    return RestoreReport(source, schemas, len(files), sum(f.size for f in files),
                         tuple(e.name for e in manifest.extensions), missing)


def _restore_database(engine: Engine, url: str, tools: PgTools, dump: Path,
                      manifest: Manifest, data_dir: Path, steps: Steps) -> tuple[str, ...]:
    conninfo, env = libpq_target(url)
    toc = table_of_contents(_run_tool([str(tools.pg_restore), "--list", str(dump)], env,
                                      "reading the dump's table of contents"))
    schemas = tuple(e.name for e in toc if e.kind == "SCHEMA")
    steps.start("emptying the target database")
    try:
        with engine.begin() as conn:
            driver = _driver(conn)
            with driver.cursor() as cursor:
                for schema in schemas:
                    cursor.execute(backup_sql.drop_schema(schema))
            skip = _reconcile_extensions(conn, manifest.extensions)
    except DBAPIError as exc:
        raise BackupError(f"cannot empty the target database: {exc.orig}") from exc
    engine.dispose()  # pooled sessions may have cached the dropped objects
    with tempfile.TemporaryDirectory(prefix="twin-restore-") as folder:
        listing = Path(folder) / "restore.list"
        listing.write_text(restore_list(toc, skip), encoding="utf-8")
        steps.start("restoring the database (pg_restore, one transaction)")
        _run_tool([str(tools.pg_restore), "--single-transaction", "--exit-on-error",
                   "--no-owner", "--no-acl", "--use-list", str(listing), "--dbname", conninfo,
                   str(dump)], env, "pg_restore of the database")
    steps.start("pointing the registry at the restored rasters, analysing")
    with engine.begin() as conn:
        conn.execute(backup_sql.relocate_raster_paths(
            manifest.data_dir.rstrip("/") + "/", f"{data_dir}/"))
        conn.exec_driver_sql("ANALYZE")
    return schemas
