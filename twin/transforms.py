"""Which reprojections of this deployment the database does exactly, and which the service.

The service reprojects between each layer's storage CRS and the CRSs it offers (OGC API
``crs``/``bbox-crs``/``filter-crs``; WGS 84 and Web Mercator for the serving columns). Those
pairs are probed (`gis.server_transforms`) at ``twin db migrate``, at the service's start-up
and by ``twin doctor``, so a PostGIS without the grids is reported at once, by name, instead
of answering 13 cm off; requests then route the inexact pairs through the service.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from gis import registry
from gis.geodesy import epsg_code, parse_crs
from gis.server_transforms import Pair, PairProbe, ServerTransforms, store_pairs
from twin.ogc.crs import OFFERED_SRIDS
from twin.settings import Settings

log = logging.getLogger(__name__)

#: The serving columns every vector layer keeps besides its storage geometry.
SERVING_SRIDS = (4326, 3857)


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
        if not probe.exact:
            log.warning("database transform not grid-exact: %s", probe.describe())
    return probes


def inexact(probes: list[PairProbe]) -> list[PairProbe]:
    return [p for p in probes if not p.exact]
