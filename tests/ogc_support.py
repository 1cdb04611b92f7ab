"""Shared set-up of the OGC API tests: real layers loaded by the real vector ingest.

The parcels are GRB Leuven (data/leuven_be, EPSG:31370, 321 polygons), loaded exactly as
``twin ingest vector`` loads them; a second copy is closed and a third shared, so every test
can check that those do not exist for an anonymous caller.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, TextClause, text

from gis import registry
from gis.anonymise import refresh_published_view
from gis.ingest.loader import ingest_vector
from gis.model import LayerSpec
from twin.app import create_app
from twin.settings import Settings

REPO = Path(__file__).resolve().parent.parent
PARCELS = REPO / "data" / "leuven_be" / "leuven_grb_adp_parcels_321.geojson"
CAPAKEY = REPO / "data" / "leuven_be" / "leuven_grb_adp_capakey_408.geojson"


@dataclass(frozen=True)
class OgcLayers:
    """Ids of the layers every OGC test works with."""

    open: str
    closed: str
    shared: str


def open_spec(layer_id: str, **extra: Any) -> LayerSpec:
    """An open layer's declaration with the least the registry asks for, plus ``extra``."""
    return LayerSpec.model_validate({
        "id": layer_id, "title": {"en": layer_id}, "producer": "tests",
        "contact_point": {"name": "t", "email": "t@example.org"}, "licence": "CC0",
        "update_frequency": "ANNUAL", "access_level": "open", **extra})


def all_features(client: TestClient, layer_id: str, **params: str) -> list[dict[str, Any]]:
    """Every feature (up to 10,000, without geometry) an items query answers."""
    response = client.get(f"/collections/{layer_id}/items",
                          params={"limit": "10000", "skipGeometry": "true", **params})
    assert response.status_code == 200, response.text
    features: list[dict[str, Any]] = response.json()["features"]
    return features


def spec(layer_id: str, access: str = "open", shared_with: list[str] | None = None) -> LayerSpec:
    return LayerSpec.model_validate({
        "id": layer_id,
        "title": {"en": "Parcels of Leuven", "nl": "Percelen van Leuven",
                  "fr": "Parcelles de Louvain"},
        "description": {"en": "GRB administrative parcels (test copy)"},
        "keywords": ["parcels", "cadastre"],
        "producer": "Informatie Vlaanderen",
        "contact_point": {"name": "GIS", "email": "gis@example.org"},
        "licence": "CC_BY_4_0",
        "access_level": access,
        "shared_with": shared_with or [],
        "update_frequency": "ANNUAL",
    })


def ingest(engine: Engine, layer_id: str, path: Path = PARCELS, access: str = "open",
           shared_with: list[str] | None = None) -> None:
    ingest_vector(engine, spec(layer_id, access, shared_with), path,
                  default_storage_crs="EPSG:31370")
    with engine.begin() as conn:  # the rule-applied view outside callers read
        refresh_published_view(conn, registry.get_layer(conn, layer_id))


def load_ogc_layers(engine: Engine) -> OgcLayers:
    suffix = uuid.uuid4().hex[:8]
    layers = OgcLayers(f"ogc_open_{suffix}", f"ogc_closed_{suffix}", f"ogc_shared_{suffix}")
    ingest(engine, layers.open)
    ingest(engine, layers.closed, access="closed")
    ingest(engine, layers.shared, access="shared", shared_with=["planning"])
    return layers


def app_settings(database_url: str, base_url: str = "http://testserver") -> Settings:
    return Settings(database_url=database_url, config_dir=REPO / "config",
                    public_url=base_url, ogc_registry_ttl=0.0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(database_url: str) -> Iterator[str]:
    """A real uvicorn server on a free loopback port, for clients that need real HTTP."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app: FastAPI = create_app(app_settings(database_url, base))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def ogc_layers(engine: Engine) -> OgcLayers:
    """An open, a closed and a shared copy of the Leuven parcels, ingested for real."""
    return load_ogc_layers(engine)


@pytest.fixture(scope="session")
def ogc_client(database_url: str, ogc_layers: OgcLayers) -> Iterator[TestClient]:
    """The whole app over HTTP (in process), as an anonymous caller."""
    with TestClient(create_app(app_settings(database_url))) as client:
        yield client


@pytest.fixture(scope="session")
def ogc_server(database_url: str, ogc_layers: OgcLayers) -> Iterator[str]:
    """The base URL of a real uvicorn server (for OWSLib, ogctests and QGIS)."""
    with running_server(database_url) as base:
        yield base


def layer_sql(query: str, layer: str, where: str = "TRUE") -> TextClause:
    """A ground-truth query over a layer table: ``{table}`` becomes its quoted name and
    ``{where}`` the test's own (trusted) condition."""
    return text(query.replace("{table}", f'data."{layer}"').replace("{where}", where))


def resolve_ref(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """``node`` of an OpenAPI ``document`` with its internal ``$ref``s followed."""
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node
