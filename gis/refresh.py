"""Refresh a layer from its declared ``source_url``: fetch, load atomically, tell what changed.

A producer that publishes its data (a file on a web server, a WFS 2.0, an OGC API Features
collection) should not need someone to download it and run ``twin ingest vector`` every
month. `refresh_layer`:

1. fetches the source into a temporary file: a plain file with a conditional GET
   (``If-None-Match`` / ``If-Modified-Since`` from the validators the last successful
   refresh stored), a WFS with one GetFeature (GeoJSON when the capabilities offer it, else
   GML: GDAL reads both), an OGC API collection page by page (``f=json``, ``next`` links)
   into one FeatureCollection. A 304, or bytes whose SHA-256 is the current version's
   checksum, is *unchanged*: no new version (a version says the data changed, not that
   someone looked);
2. loads it through `gis.ingest.ingest_vector`, the very function ``twin ingest vector``
   calls: the same checks, and the same atomicity (a failure leaves the previous version
   current and records the failed load);
3. computes the version's change set against the previous version in SQL
   (`gis.refresh_sql`): by the declared ``source_id_field`` (else ``id_field``), or by a
   digest of geometry and attributes when the source has no stable id, and stores counts
   and bounded id lists (`MAX_IDS`) in ``twin.version_change``.

Every attempt is recorded per layer (``twin.layer_refresh``): the validators, last attempt,
success and failure with its reason; a failure marks the layer *late* until a refresh
succeeds. Telling the layer's contact point is the caller's (the service's mail settings are
not the store's business): the outcome carries the reason.

Credentials never come from the manifest: the caller passes the settings' secrets by host
(``host`` or ``host:port``); a value ``user:password`` is sent as HTTP Basic, anything else
as a Bearer token. `due_layers` decides from the declared ``update_frequency`` (the EU
vocabulary's nominal period, `gis.vocab.FREQUENCY_DAYS`) and the last successful refresh
or load which layers a scheduled ``twin refresh --due`` should fetch.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import SQLAlchemyError

from gis import refresh_sql, registry, vocab
from gis.errors import GisError, RefreshError
from gis.files import sha256_file
from gis.model import Layer
from gis.schema import DATA_SCHEMA, HISTORY_SCHEMA, Relation, history_table
from gis.schema.tables import layer_refresh, layer_version, version_change

if TYPE_CHECKING:  # imported where a fetch runs: `twin layers` reads change sets without it
    import httpx

log = logging.getLogger(__name__)

#: ids kept per list (added, removed, changed) of a change set: the counts are exact, the
#: lists say which features without growing the registry with the size of a layer
MAX_IDS = 1000
#: OGC API page size asked for, and the most pages followed (a loop of ``next`` links ends)
OGC_PAGE_LIMIT = 1000
OGC_MAX_PAGES = 10_000
#: seconds to connect and between bytes: a hung source must not hold the cron job forever
TIMEOUT_SECONDS = 60.0
CONNECT_TIMEOUT_SECONDS = 15.0
GML_32 = "application/gml+xml; version=3.2"

Status = Literal["updated", "unchanged", "failed"]
Protocol = Literal["file", "wfs", "ogcapi"]


@dataclass(frozen=True)
class ChangeSet:
    """What a version changed against the previous one: exact counts, bounded id lists
    (the source's ids, or the store's ``fid`` of each version when matched by digest)."""

    version: int
    previous_version: int | None
    keyed_by: str  # the id attribute, or "digest"
    added: int
    removed: int
    changed: int
    added_ids: list[str] = field(default_factory=list)
    removed_ids: list[str] = field(default_factory=list)
    changed_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RefreshOutcome:
    """One refresh: a new version with its change set, nothing new, or why it failed."""

    layer_id: str
    status: Status
    source_url: str
    version: int | None = None
    change: ChangeSet | None = None
    error: str | None = None


@dataclass(frozen=True)
class RefreshState:
    """What the registry remembers of a layer's refreshes."""

    layer_id: str
    source_url: str
    etag: str | None
    last_modified: str | None
    last_attempt_at: datetime
    last_success_at: datetime | None
    last_failure_at: datetime | None
    last_error: str | None
    late: bool


@dataclass(frozen=True)
class VersionEntry:
    """A published version as a feed lists it (its change set when a refresh loaded it)."""

    layer_id: str
    version: int
    published: datetime
    feature_count: int | None
    change: ChangeSet | None


@dataclass(frozen=True)
class _Fetched:
    """A fetched source: the temporary file, or None when the source said 304."""

    path: Path | None
    etag: str | None
    last_modified: str | None


# --- what the registry holds -------------------------------------------------------------
def refresh_states(conn: Connection, layer_ids: Iterable[str] | None = None
                   ) -> dict[str, RefreshState]:
    """The refresh record of each layer that was ever refreshed."""
    query = select(layer_refresh)
    if layer_ids is not None:
        query = query.where(layer_refresh.c.layer_id.in_(list(layer_ids)))
    return {row.layer_id: RefreshState(**row._mapping) for row in conn.execute(query)}


def _change_of(row: Any) -> ChangeSet:
    data = row._mapping
    return ChangeSet(
        version=data["version"], previous_version=data["previous_version"],
        keyed_by=data["keyed_by"], added=data["added"], removed=data["removed"],
        changed=data["changed"], added_ids=list(data["added_ids"]),
        removed_ids=list(data["removed_ids"]), changed_ids=list(data["changed_ids"]))


def change_sets(conn: Connection, layer_id: str) -> dict[int, ChangeSet]:
    """The stored change set of each version of a layer a refresh loaded, by version."""
    rows = conn.execute(select(version_change).where(version_change.c.layer_id == layer_id))
    return {row.version: _change_of(row) for row in rows}


def recent_versions(conn: Connection, layer_ids: Iterable[str], limit: int
                    ) -> list[VersionEntry]:
    """The newest ``limit`` published versions of the given layers, newest first, each with
    its change set when it has one (what the Atom feed lists)."""
    v, c = layer_version, version_change
    rows = conn.execute(
        select(v.c.layer_id, v.c.version, func.coalesce(v.c.begin_lifespan, v.c.finished_at),
               v.c.feature_count, c)
        .select_from(v.outerjoin(c, (c.c.layer_id == v.c.layer_id)
                                 & (c.c.version == v.c.version)))
        .where(v.c.version.is_not(None), v.c.layer_id.in_(list(layer_ids)))
        .order_by(func.coalesce(v.c.begin_lifespan, v.c.finished_at).desc(),
                  v.c.layer_id, v.c.version.desc())
        .limit(limit))
    entries = []
    for row in rows:
        change = _change_of(row) if row._mapping["keyed_by"] is not None else None
        entries.append(VersionEntry(row[0], row[1], row[2], row[3], change))
    return entries


def _record(conn: Connection, layer_id: str, url: str, **values: Any) -> None:
    """Upsert the layer's refresh row with this attempt's values."""
    values = {"source_url": url, "last_attempt_at": func.now(), **values}
    statement = pg_insert(layer_refresh).values({"layer_id": layer_id, "late": False, **values})
    conn.execute(statement.on_conflict_do_update(
        index_elements=[layer_refresh.c.layer_id], set_=values))


# --- scheduling ----------------------------------------------------------------------------
def is_due(layer: Layer, state: RefreshState | None, now: datetime) -> bool:
    """Whether the declared frequency says the layer should be fetched now: never refreshed
    nor loaded, or its nominal period elapsed since the last success (a failure does not
    count: a failed layer is retried at every run until it succeeds). Frequencies without a
    period (irregular, unknown, as needed) are never due by schedule."""
    if layer.spec.source_url is None:
        return False
    days = vocab.FREQUENCY_DAYS.get(vocab.short_code(layer.spec.update_frequency))
    if days is None:
        return False
    successes = [t for t in (layer.last_load, state.last_success_at if state else None) if t]
    if not successes:
        return True
    return now - max(successes) >= timedelta(days=days)


def due_layers(conn: Connection, now: datetime | None = None) -> list[Layer]:
    """Vector layers with a ``source_url`` whose frequency says they are due, by id."""
    now = now or datetime.now(UTC)
    layers = [la for la in registry.list_layers(conn, kinds=["vector"]) if la.spec.source_url]
    states = refresh_states(conn, [la.id for la in layers])
    return [la for la in layers if is_due(la, states.get(la.id), now)]


# --- one refresh ---------------------------------------------------------------------------
def refresh_layer(engine: Engine, layer_id: str, *, default_storage_crs: str,
                  secrets: Mapping[str, str] | None = None,
                  transport: httpx.BaseTransport | None = None) -> RefreshOutcome:
    """Fetch the layer's source and load it as its next version when it changed.

    Raises `RefreshError` only when the layer declares no source or is not a vector layer
    (nothing was attempted);
    every other failure is recorded (reason, late flag) and returned as a ``failed``
    outcome, the previous version staying current.
    """
    with engine.connect() as conn:
        layer = registry.get_layer(conn, layer_id)
        state = refresh_states(conn, [layer_id]).get(layer_id)
        current = _current_checksum(conn, layer_id)
    if layer.spec.source_url is None:
        raise RefreshError(f"layer {layer_id!r} declares no source_url to refresh from")
    if layer.spec.kind != "vector":
        raise RefreshError(f"layer {layer_id!r} is a {layer.spec.kind} layer: only vector "
                           "layers are refreshed from a source_url")
    import httpx

    url = str(layer.spec.source_url)
    folder = tempfile.mkdtemp(prefix="twin-refresh-")
    try:
        with _client(url, secrets or {}, transport) as client:
            fetched = _fetch(client, url, Path(folder), layer_id, state)
            if fetched.path is None or sha256_file(fetched.path) == current:
                with engine.begin() as conn:
                    _record(conn, layer_id, url, last_success_at=func.now(), late=False,
                            **_validators(fetched, state))
                return RefreshOutcome(layer_id, "unchanged", url,
                                      version=layer.current_version)
        outcome = _load(engine, layer, url, fetched.path, default_storage_crs)
        with engine.begin() as conn:
            _record(conn, layer_id, url, last_success_at=func.now(), late=False,
                    **_validators(fetched, None))
        return outcome
    except (GisError, httpx.HTTPError, OSError, ValueError) as exc:
        # the temporary file means nothing to the reader of the reason: name the URL
        reason = re.sub(re.escape(folder) + r"/[^\s:]*", url, _reason(exc, url))
        log.warning("refresh of %s failed: %s", layer_id, reason)
        with engine.begin() as conn:
            _record(conn, layer_id, url, last_failure_at=func.now(), last_error=reason,
                    late=True)
            conn.execute(update(layer_version).where(
                layer_version.c.layer_id == layer_id,
                layer_version.c.source.startswith(folder, autoescape=True),
            ).values(source=url, error=reason))
        return RefreshOutcome(layer_id, "failed", url, version=layer.current_version,
                              error=reason)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _reason(exc: BaseException, url: str) -> str:
    """A reason the contact point can act on: httpx's own messages do not name the URL."""
    import httpx

    if isinstance(exc, httpx.HTTPError):
        return f"{url}: {type(exc).__name__}: {exc}"
    return str(exc) or type(exc).__name__


def _validators(fetched: _Fetched, state: RefreshState | None) -> dict[str, str | None]:
    """The validators to keep: the response's, else (a 304 may omit them) the stored ones."""
    return {"etag": fetched.etag or (state.etag if state else None),
            "last_modified": fetched.last_modified or (state.last_modified if state else None)}


def _current_checksum(conn: Connection, layer_id: str) -> str | None:
    return conn.execute(
        select(layer_version.c.checksum).where(layer_version.c.layer_id == layer_id,
                                               layer_version.c.status == "current")
    ).scalar_one_or_none()


def _load(engine: Engine, layer: Layer, url: str, path: Path,
          default_storage_crs: str) -> RefreshOutcome:
    """The atomic ingest, then the change set; the version's source is the URL, not the
    temporary file it was read from."""
    from gis.ingest import ingest_vector  # the ingest stack, only when there is a load

    previous = layer.current_version
    result = ingest_vector(engine, layer.spec, path, default_storage_crs=default_storage_crs)
    with engine.begin() as conn:
        conn.execute(update(layer_version).where(layer_version.c.load_id == result.load_id)
                     .values(source=url))
    try:
        with engine.begin() as conn:
            change = compute_change_set(conn, layer, previous, result.version)
            store_change_set(conn, layer.id, change)
    except (GisError, SQLAlchemyError, psycopg.Error) as exc:
        # the version is loaded and current: a change set that cannot be told (a declared
        # id attribute the data lacks) does not make the refresh a failure
        log.warning("layer %s v%d: no change set: %s", layer.id, result.version, exc)
        return RefreshOutcome(layer.id, "updated", url, version=result.version,
                              error=f"version {result.version} loaded; no change set: {exc}")
    return RefreshOutcome(layer.id, "updated", url, version=result.version, change=change)


def compute_change_set(conn: Connection, layer: Layer, previous: int | None,
                       version: int) -> ChangeSet:
    """The change set of ``version`` (current) against ``previous`` (its history table; a
    pruned or absent one counts as none: every feature is then added)."""
    new: Relation = (DATA_SCHEMA, layer.id)
    old: Relation | None = None
    if previous is not None:
        candidate = (HISTORY_SCHEMA, history_table(layer.id, previous))
        if _columns(conn, candidate):
            old = candidate
    key = _key_column(conn, layer, new, old)
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(refresh_sql.change_set(old, new),
                       {"key": key, "store": refresh_sql.STORE_COLUMNS, "limit": MAX_IDS})
        row = cursor.fetchone()
    assert row is not None
    added, removed, changed, added_ids, removed_ids, changed_ids = row
    return ChangeSet(version=version, previous_version=previous if old else None,
                     keyed_by=key or "digest", added=int(added), removed=int(removed),
                     changed=int(changed), added_ids=list(added_ids),
                     removed_ids=list(removed_ids), changed_ids=list(changed_ids))


def _columns(conn: Connection, relation: Relation) -> list[str]:
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(refresh_sql.attribute_names(), relation)
        return [str(row[0]) for row in cursor.fetchall()]


def _key_column(conn: Connection, layer: Layer, new: Relation, old: Relation | None
                ) -> str | None:
    """The stored name of the declared id attribute, when both versions have it; None
    (match by digest) when none is declared. A declared one missing is an error: matching
    silently by digest would report every changed feature as removed and added."""
    declared = layer.spec.source_id_field or layer.spec.id_field
    if declared is None:
        return None
    for relation in (new, old):
        if relation is None:
            continue
        names = _columns(conn, relation)
        found = next((n for n in names if n == declared), None) or next(
            (n for n in names if n.lower() == declared.lower()), None)
        if found is None:
            raise RefreshError(f"layer {layer.id!r}: the id attribute {declared!r} is not in "
                               f"{'.'.join(relation)}")
        declared = found
    return declared


def store_change_set(conn: Connection, layer_id: str, change: ChangeSet) -> None:
    """Keep a version's change set beside it (replacing one computed before)."""
    values = {"previous_version": change.previous_version, "keyed_by": change.keyed_by,
              "added": change.added, "removed": change.removed, "changed": change.changed,
              "added_ids": change.added_ids, "removed_ids": change.removed_ids,
              "changed_ids": change.changed_ids, "computed_at": func.now()}
    statement = pg_insert(version_change).values(layer_id=layer_id, version=change.version,
                                                  **values)
    conn.execute(statement.on_conflict_do_update(
        index_elements=[version_change.c.layer_id, version_change.c.version], set_=values))


# --- fetching ------------------------------------------------------------------------------
def protocol_of(url: str) -> Protocol:
    """``wfs`` for a URL with ``service=WFS``, ``ogcapi`` for ``.../collections/{id}`` (or
    its ``/items``), else a plain ``file``."""
    parts = urlsplit(url)
    query = {k.lower(): v for k, v in parse_qsl(parts.query)}
    if query.get("service", "").upper() == "WFS":
        return "wfs"
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) >= 2 and (segments[-2] == "collections" or (
            len(segments) >= 3 and segments[-3] == "collections" and segments[-1] == "items")):
        return "ogcapi"
    return "file"


@contextmanager
def _client(url: str, secrets: Mapping[str, str],
            transport: httpx.BaseTransport | None) -> Iterator[httpx.Client]:
    """An HTTP client carrying the credentials the settings give for the URL's host only
    (a redirect elsewhere does not take them along: httpx drops Authorization)."""
    import httpx

    parts = urlsplit(url)
    host = parts.hostname or ""
    secret = secrets.get(f"{host}:{parts.port}") if parts.port else None
    secret = secret or secrets.get(host)
    auth: httpx.Auth | None = None
    headers = {"User-Agent": "commune-twin refresh"}
    if secret and ":" in secret:
        user, _, password = secret.partition(":")
        auth = httpx.BasicAuth(user, password)
    elif secret:
        headers["Authorization"] = f"Bearer {secret}"
    timeout = httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS)
    with httpx.Client(timeout=timeout, follow_redirects=True, auth=auth, headers=headers,
                      transport=transport) as client:
        yield client


def _fetch(client: httpx.Client, url: str, folder: Path, layer_id: str,
           state: RefreshState | None) -> _Fetched:
    conditional: dict[str, str] = {}
    if state is not None and state.source_url == url:  # validators of another URL mean nothing
        if state.etag:
            conditional["If-None-Match"] = state.etag
        if state.last_modified:
            conditional["If-Modified-Since"] = state.last_modified
    protocol = protocol_of(url)
    if protocol == "ogcapi":
        return _fetch_ogcapi(client, url, folder / f"{layer_id}.geojson")
    if protocol == "wfs":
        url = _getfeature_url(client, url)
    return _download(client, url, folder, layer_id, conditional)


def _check(response: httpx.Response, url: str) -> None:
    if response.status_code >= 400:
        raise RefreshError(f"{url}: the source answered HTTP {response.status_code}")


def _suffix(url: str, content_type: str) -> str:
    """A file name suffix GDAL recognises the format by (CSV needs one; GeoJSON, GML and
    GeoPackage are also sniffed, but a right name costs nothing)."""
    suffix = Path(urlsplit(url).path).suffix.lower()
    if suffix in {".geojson", ".json", ".gpkg", ".gml", ".xml", ".csv", ".kml", ".fgb"}:
        return suffix
    media = content_type.lower()
    if "json" in media:
        return ".geojson"
    if "gml" in media or "xml" in media:
        return ".gml"
    if "geopackage" in media or "sqlite" in media:
        return ".gpkg"
    if "csv" in media:
        return ".csv"
    return suffix or ".dat"


def _download(client: httpx.Client, url: str, folder: Path, layer_id: str,
              conditional: Mapping[str, str]) -> _Fetched:
    """Stream one response to a file (memory bounded by a chunk, not the source)."""
    with client.stream("GET", url, headers=dict(conditional)) as response:
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        if response.status_code == 304:
            return _Fetched(None, etag, modified)
        _check(response, url)
        path = folder / f"{layer_id}{_suffix(url, response.headers.get('Content-Type', ''))}"
        with path.open("wb") as out:
            for chunk in response.iter_bytes(1 << 20):
                out.write(chunk)
    if path.stat().st_size == 0:
        raise RefreshError(f"{url}: the source answered an empty body")
    return _Fetched(path, etag, modified)


def _getfeature_url(client: httpx.Client, url: str) -> str:
    """The GetFeature request of a WFS 2.0 URL (its ``typeNames``), in GeoJSON when the
    capabilities offer it, else GML 3.2; other parameters of the URL are kept."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query)
    protocol_keys = {"service", "request", "version", "typenames", "typename", "outputformat"}
    typenames = next((v for k, v in params if k.lower() in {"typenames", "typename"}), None)
    if not typenames:
        raise RefreshError(f"{url}: a WFS source_url names its feature type (typeNames=...)")
    kept = [(k, v) for k, v in params if k.lower() not in protocol_keys]
    base = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    capabilities = client.get(base, params=[*kept, ("SERVICE", "WFS"),
                                            ("REQUEST", "GetCapabilities"),
                                            ("ACCEPTVERSIONS", "2.0.0")])
    _check(capabilities, base)
    formats = _output_formats(capabilities.content, base)
    output = next((f for f in formats if "json" in f.lower()), GML_32)
    query = urlencode([*kept, ("SERVICE", "WFS"), ("VERSION", "2.0.0"),
                       ("REQUEST", "GetFeature"), ("TYPENAMES", typenames),
                       ("OUTPUTFORMAT", output)])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _output_formats(document: bytes, url: str) -> list[str]:
    """The GetFeature ``outputFormat`` values a WFS 2.0 capabilities document allows."""
    try:
        root = ET.fromstring(document)  # expat: no external entities are fetched
    except ET.ParseError as exc:
        raise RefreshError(f"{url}: the capabilities are not XML ({exc})") from exc
    formats: list[str] = []
    for operation in root.iter():
        if not operation.tag.endswith("}Operation") or operation.get("name") != "GetFeature":
            continue
        for parameter in operation.iter():
            if parameter.tag.endswith("}Parameter") and \
                    (parameter.get("name") or "").lower() == "outputformat":
                formats += [value.text.strip() for value in parameter.iter()
                            if value.tag.endswith("}Value") and value.text]
    return formats


def _fetch_ogcapi(client: httpx.Client, url: str, path: Path) -> _Fetched:
    """Every feature of an OGC API collection (``items`` pages followed through their
    ``next`` links) as one GeoJSON FeatureCollection: only the features are kept, so the
    pages' time stamps do not make an unchanged collection look changed."""
    parts = urlsplit(url)
    items_path = parts.path.rstrip("/")
    if not items_path.endswith("/items"):
        items_path += "/items"
    params = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in {"f", "limit"}]
    query = urlencode([*params, ("f", "json"), ("limit", str(OGC_PAGE_LIMIT))])
    next_url: str | None = urlunsplit((parts.scheme, parts.netloc, items_path, query, ""))
    features: list[Any] = []
    for _ in range(OGC_MAX_PAGES):
        if next_url is None:
            break
        response = client.get(next_url, headers={"Accept": "application/geo+json"})
        _check(response, next_url)
        try:
            page = response.json()
        except ValueError as exc:
            raise RefreshError(f"{next_url}: the items page is not JSON") from exc
        if not isinstance(page, dict) or not isinstance(page.get("features"), list):
            raise RefreshError(f"{next_url}: the items page is not a FeatureCollection")
        features += page["features"]
        next_url = next((link["href"] for link in page.get("links", [])
                         if isinstance(link, dict) and link.get("rel") == "next"
                         and "href" in link), None)
    else:
        raise RefreshError(f"{url}: more than {OGC_MAX_PAGES} pages of items")
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return _Fetched(path, None, None)
