"""The OGC catalogue's cached registry (`Catalog.registered`), which map-tile and terrain
routes check access with instead of a registry read per tile: every kind of layer, a
change seen on the registry stamp once the TTL has passed, never before."""

from __future__ import annotations

import uuid

import pytest
from access_support import spec
from sqlalchemy import Engine

from gis import registry
from gis.model import LayerSpec
from twin.ogc.catalog import Catalog

pytestmark = pytest.mark.integration


def _raster(layer_id: str, access_level: str) -> LayerSpec:
    return spec(layer_id, access_level).model_copy(update={"kind": "raster"})


def _register(engine: Engine, layer: LayerSpec) -> None:
    with engine.begin() as conn:
        registry.register(conn, layer, "EPSG:31370")


def test_registered_layers_follow_the_registry_stamp(engine: Engine) -> None:
    layer_id = f"t_cat_raster_{uuid.uuid4().hex[:8]}"
    polled, cached = Catalog(engine, ttl=0.0), Catalog(engine, ttl=3600.0)
    assert layer_id not in polled.registered()
    assert layer_id not in cached.registered()  # polled once now: kept for an hour
    _register(engine, _raster(layer_id, "open"))
    found = polled.registered()[layer_id]
    assert (found.spec.kind, found.spec.access_level) == ("raster", "open")
    assert layer_id not in cached.registered()  # within the TTL: the previous poll
    _register(engine, _raster(layer_id, "closed"))
    assert polled.registered()[layer_id].spec.access_level == "closed"  # stays closed
    cached.expire()
    assert cached.registered()[layer_id].spec.access_level == "closed"
