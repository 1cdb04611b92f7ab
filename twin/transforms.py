"""Which reprojections of this deployment the database does exactly, and which the service.

The service reprojects between each layer's storage CRS and the CRSs it offers (OGC API
``crs``/``bbox-crs``/``filter-crs``; WGS 84 and Web Mercator for the serving columns). Those
pairs are probed (`gis.server_transforms`) at ``twin db migrate``, at the service's start-up
and by ``twin doctor``, so a PostGIS without the grids is reported at once, by name, instead
of answering 13 cm off; requests then route the inexact pairs through the service.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from gis import registry
from gis.errors import GeodesyError
from gis.geodesy import epsg_code, parse_crs, transformer
from gis.server_transforms import Pair, PairProbe, ServerTransforms, store_pairs
from twin.ogc.crs import OFFERED_SRIDS
from twin.settings import Settings

log = logging.getLogger(__name__)

#: The serving columns every vector layer keeps besides its storage geometry.
SERVING_SRIDS = (4326, 3857)
#: The issue's reference: EPSG:31370 (150000, 170000) is this in EPSG:3812 with the grid.
REFERENCE = ("EPSG:31370", "EPSG:3812", (150000.0, 170000.0), (649999.720, 670000.537))


def service_pairs(engine: Engine, settings: Settings) -> set[Pair]:
    """Both directions between every storage CRS in use (and the default one for new
    layers) and every CRS the service offers."""
    with engine.connect() as conn:
        storage = {layer.storage_srid for layer in registry.list_layers(conn)}
    storage.add(epsg_code(parse_crs(settings.storage_crs)))
    return store_pairs(storage, {*OFFERED_SRIDS, *SERVING_SRIDS})


def probe_service(transforms: ServerTransforms, engine: Engine,
                  settings: Settings) -> list[PairProbe]:
    """Probe every pair the service uses; log the ones the service will do itself."""
    probes = transforms.probe(service_pairs(engine, settings))
    for probe in probes:
        if probe.wrong:
            log.warning("database transform not grid-exact: %s", probe.describe())
        elif not probe.exact:
            log.info("database transform not probed: %s", probe.describe())
    return probes


def inexact(probes: list[PairProbe]) -> list[PairProbe]:
    """The pairs the server was measured to get wrong (or refused)."""
    return [p for p in probes if p.wrong]


def probe_at_startup(transforms: ServerTransforms, engine: Engine, settings: Settings) -> None:
    """`probe_service` when the service starts, so the first requests pay no probe and the
    log says at once which pairs the service reprojects; a database not reachable yet is
    probed pair by pair on first use instead (``/ready`` reports it meanwhile)."""
    try:
        probes = probe_service(transforms, engine, settings)
    except DBAPIError as exc:
        log.warning("database transforms not probed at start-up: %s", exc.orig)
        return
    log.info("database transforms probed: %d pairs, %d reprojected by the service",
             len(probes), len(inexact(probes)))


@lru_cache(maxsize=1)
def service_grids_exact() -> tuple[bool, str]:
    """Whether the service's own transforms run on the official grids (the reference point
    within a millimetre): what every inexact database pair falls back to. Grids do not
    change under a running process, so it is checked once."""
    source, target, point, expected = REFERENCE
    try:
        x, y = transformer(source, target).transform(*point)
    except GeodesyError as exc:
        return False, f"grids unusable: {exc}"
    off = max(abs(x - expected[0]), abs(y - expected[1]))
    if off > 0.001:
        return False, f"{source} -> {target} is {off * 100:.1f} cm off the official grid"
    return True, "the service's transforms use the official grids"
