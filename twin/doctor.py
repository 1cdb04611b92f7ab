"""``twin doctor``: what is wrong with this deployment, and how to fix it.

One pass over everything the service needs -- settings and data directory, database and
extensions, schema, the grids of the service's own transforms (positions and heights), the
database's transforms, built 3D Tiles, the viewer's client assets -- each finding with a
status and, when not ok, the command or change that fixes it. A failure is something the
service cannot work around (exit 1); a warning is something it works around (the database
lacks a grid: the service reprojects those pairs itself) or that a user may not expect.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from gis import migrate, registry
from gis.db import extensions, ping
from gis.errors import GisError
from gis.geodesy import GEOID_GRIDS, grid_dir, transformer
from gis.lidar.index import indexed_files
from gis.server_transforms import ServerTransforms
from twin.settings import Settings
from twin.transforms import probe_service

Status = Literal["ok", "warn", "fail"]

#: Free space below which the data directory is a warning (tiles and downloads grow).
LOW_DISK_BYTES = 2 * 1024**3
#: The horizontal grids the shipped operations use, beside the geoids of `GEOID_GRIDS`.
HORIZONTAL_GRIDS = ("be_ign_bd72lb72_etrs89lb08.tif", "nl_nsgi_rdtrans2018.tif")
#: A reference point per horizontal grid: source, target, point, expected (1 mm).
HORIZONTAL_REFERENCES = (
    ("EPSG:31370", "EPSG:3812", (150000.0, 170000.0), (649999.720, 670000.537)),
)
#: A point inside each geoid's area, in the horizontal CRS its country uses with it, and the
#: range its geoid undulation (ellipsoidal height of height 0) lies in, in metres.
GEOID_REFERENCES: dict[int, tuple[int, tuple[float, float], tuple[float, float]]] = {
    5710: (31370, (150000.0, 170000.0), (40.0, 50.0)),  # Ostend height, Brussels
    5709: (28992, (85000.0, 445000.0), (40.0, 46.0)),  # NAP, Delft
    5720: (2154, (652000.0, 6862000.0), (40.0, 50.0)),  # NGF-IGN69, Paris
}


@dataclass(frozen=True)
class Finding:
    area: str
    status: Status
    detail: str
    fix: str = ""


def diagnose(settings: Settings, engine: Engine) -> list[Finding]:
    """Every finding, in the order a person would fix them."""
    findings = [*_data_directory(settings), *_service_grids(), *_client_assets(settings)]
    try:
        version = ping(engine)
    except GisError as exc:
        return [*findings, Finding(
            "database", "fail", str(exc),
            "start the private cluster (twin db up) or correct TWIN_DATABASE_URL")]
    except DBAPIError:  # reachable, but no PostGIS in it: the extension check says so
        version = "PostgreSQL without PostGIS"
    findings.append(Finding("database", "ok", f"{version} at {engine.url!r}"))
    extension_findings = list(_extensions(engine))
    findings += extension_findings
    if any(f.area == "extension postgis" and f.status == "fail" for f in extension_findings):
        return findings
    schema = list(_schema(engine))
    findings += schema
    if any(f.status == "fail" for f in schema):
        return findings  # the checks below read the registry
    findings += _database_transforms(settings, engine)
    findings += _heights_in_use(engine)
    findings += _tilesets(settings, engine)
    return findings


def _data_directory(settings: Settings) -> Iterator[Finding]:
    folder = settings.data_dir.resolve()
    if not folder.exists():
        yield Finding("data directory", "warn", f"{folder} does not exist yet",
                      f"mkdir -p {folder} (twin db up and every build create it too)")
        return
    if not os.access(folder, os.W_OK | os.X_OK):
        yield Finding("data directory", "fail", f"{folder} is not writable by this user",
                      f"chown -R {os.getuid()} {folder}, or set TWIN_DATA_DIR")
        return
    free = shutil.disk_usage(folder).free
    status: Status = "ok" if free >= LOW_DISK_BYTES else "warn"
    yield Finding("data directory", status, f"{folder}: {free / 1024**3:.1f} GB free",
                  "" if status == "ok" else "free disk space: tiles and downloads grow")


def _service_grids() -> Iterator[Finding]:
    """The grids the service's own (pyproj) transforms need, present and used."""
    folder = grid_dir()
    missing = [g for g in (*HORIZONTAL_GRIDS, *GEOID_GRIDS.values())
               if not (folder / g).is_file()]
    if missing:
        yield Finding("grids", "fail", f"missing in {folder}: {', '.join(missing)}",
                      "reinstall the package (the grids ship in gis/proj_data) or correct "
                      "TWIN_PROJ_GRID_DIR")
        return
    for source, target, point, expected in HORIZONTAL_REFERENCES:
        try:
            x, y = transformer(source, target).transform(*point)
        except GisError as exc:
            yield Finding("grids", "fail", str(exc), "check TWIN_PROJ_GRID_DIR and PROJ_DATA")
            continue
        off = max(abs(x - expected[0]), abs(y - expected[1]))
        if off > 0.001:
            yield Finding("grids", "fail", f"{source} -> {target} is {off * 100:.1f} cm off "
                          "the official grid's result", "check TWIN_PROJ_GRID_DIR and PROJ_DATA")
            return
    yield Finding("grids", "ok", f"service transforms use the official grids in {folder}")
    for vertical, (horizontal, point, (low, high)) in GEOID_REFERENCES.items():
        yield _geoid(vertical, horizontal, point, low, high)


def _geoid(vertical: int, horizontal: int, point: tuple[float, float], low: float,
           high: float) -> Finding:
    area = f"heights EPSG:{vertical}"
    try:
        to_ellipsoid = transformer(f"EPSG:{horizontal}+{vertical}", "EPSG:4979")
        _, _, height = to_ellipsoid.transform(point[0], point[1], 0.0)
    except GisError as exc:
        return Finding(area, "fail", str(exc), "check TWIN_PROJ_GRID_DIR and PROJ_DATA")
    if not low <= height <= high:
        return Finding(area, "fail", f"height 0 is {height:.3f} m above the ellipsoid, not in "
                       f"[{low}, {high}]: the geoid {GEOID_GRIDS[vertical]} is not used",
                       "check TWIN_PROJ_GRID_DIR and PROJ_DATA")
    return Finding(area, "ok", f"geoid {GEOID_GRIDS[vertical]}: height 0 is {height:.3f} m "
                   "above the ellipsoid")


def _client_assets(settings: Settings) -> Iterator[Finding]:
    cesium = settings.cesium_dir / "Cesium.js"
    if cesium.is_file():
        yield Finding("viewer", "ok", f"CesiumJS at {settings.cesium_dir}")
    else:
        yield Finding("viewer", "fail", f"no CesiumJS build at {settings.cesium_dir}: "
                      "the 3D viewer's page would load nothing",
                      "npm ci in the repository (package-lock.json), or set TWIN_CESIUM_DIR "
                      "to a Build/Cesium folder")


def _extensions(engine: Engine) -> Iterator[Finding]:
    installed = extensions(engine)
    for name, why in (("postgis", "geometries"), ("unaccent", "CQL2 ACCENTI")):
        if name in installed:
            yield Finding(f"extension {name}", "ok", f"version {installed[name]}")
        else:
            yield Finding(f"extension {name}", "fail", f"not installed ({why} need it)",
                          "twin db up, then twin db migrate (they create it; the server "
                          f"needs the {'postgis' if name == 'postgis' else 'contrib'} "
                          "package)")


def _schema(engine: Engine) -> Iterator[Finding]:
    try:
        with engine.connect() as conn:
            missing = migrate.missing_heads(conn, migrate.heads())
    except DBAPIError as exc:
        yield Finding("schema", "fail", f"cannot read it: {str(exc.orig).splitlines()[0]}",
                      "twin db migrate")
        return
    if missing:
        yield Finding("schema", "fail", f"migrations not applied: {', '.join(sorted(missing))}",
                      "twin db migrate")
    else:
        yield Finding("schema", "ok", f"at {', '.join(sorted(migrate.heads()))}")


def _database_transforms(settings: Settings, engine: Engine) -> Iterator[Finding]:
    probes = probe_service(ServerTransforms(engine), engine, settings)
    inexact = [p for p in probes if p.wrong]
    unprobed = [p for p in probes if not p.exact and not p.wrong]
    if unprobed:
        yield Finding("database transforms", "ok",
                      f"{len(unprobed)} pairs of CRSs with no common area, reprojected by the "
                      "service: " + ", ".join(f"EPSG:{p.source}->EPSG:{p.target}"
                                              for p in unprobed))
    if not inexact:
        yield Finding("database transforms", "ok",
                      f"all {len(probes) - len(unprobed)} pairs the service uses are "
                      "grid-exact in PostGIS")
        return
    for probe in inexact:
        yield Finding("database transforms", "warn", probe.describe(),
                      f"copy {grid_dir()}/*.tif into the database server's PROJ data folder "
                      "(PROJ_DATA of the server, often /usr/share/proj) and restart it, so "
                      "PostGIS does these itself")


def _heights_in_use(engine: Engine) -> Iterator[Finding]:
    """Which vertical datums the LiDAR layers declare, and whether the service has their
    geoid (their heights become ellipsoidal in the 3D Tiles)."""
    with engine.connect() as conn:
        layers = registry.list_layers(conn, kinds=["lidar"])
        used = {f["vertical_epsg"] for layer in layers for f in indexed_files(conn, layer.id)}
    for vertical in sorted(v for v in used if v is not None):
        if vertical not in GEOID_GRIDS:
            yield Finding(f"heights EPSG:{vertical}", "warn",
                          "LiDAR heights in a vertical datum without a shipped geoid",
                          "ship its geoid grid in gis/proj_data (GEOID_GRIDS)")


def _tilesets(settings: Settings, engine: Engine) -> Iterator[Finding]:
    """Every folder under the tiles directory is a readable tileset of a registry layer."""
    root = settings.tiles_dir
    if not root.is_dir():
        return
    with engine.connect() as conn:
        known = {layer.id for layer in registry.list_layers(conn)}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        yield _tileset(folder, folder.name in known)


def _tileset(folder: Path, registered: bool) -> Finding:
    area = f"3D Tiles {folder.name}"
    document = folder / "tileset.json"
    try:
        parsed = json.loads(document.read_text(encoding="utf-8"))
        version = parsed["asset"]["version"]
        parsed["root"]["boundingVolume"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Finding(area, "fail", f"{document} unreadable ({type(exc).__name__}: {exc})",
                       f"rebuild it (twin build ... {folder.name})")
    if not registered:
        return Finding(area, "warn", "no registry layer of that id: it is never served",
                       f"remove {folder} or load the layer")
    return Finding(area, "ok", f"tileset {version}")
