"""OWSLib's OGC API Features client against a real server: what Python GIS scripts do."""

from __future__ import annotations

import pytest
from ogc_support import OgcLayers
from owslib.ogcapi.features import Features

pytestmark = pytest.mark.api


def test_owslib_reads_the_service(ogc_server: str, ogc_layers: OgcLayers) -> None:
    service = Features(ogc_server)
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in \
        service.conformance()["conformsTo"]
    ids = {c["id"] for c in service.collections()["collections"]}
    assert ogc_layers.open in ids
    assert ogc_layers.closed not in ids
    collection = service.collection(ogc_layers.open)
    assert collection["title"] == "Parcels of Leuven"
    queryables = service.collection_queryables(ogc_layers.open)
    assert "CAPAKEY" in queryables["properties"]


def test_owslib_pages_items_and_filters(ogc_server: str, ogc_layers: OgcLayers) -> None:
    service = Features(ogc_server)
    page = service.collection_items(ogc_layers.open, limit=50, offset=300)
    assert page["numberReturned"] == 21
    assert page["numberMatched"] == 321
    boxed = service.collection_items(ogc_layers.open, bbox=[4.676, 50.855, 4.685, 50.862],
                                     limit=1000)
    assert 0 < boxed["numberReturned"] < 321
    filtered = service.collection_items(ogc_layers.open, filter="BGNINV = 13", limit=1000)
    assert filtered["numberReturned"] == 109
    assert all(f["properties"]["BGNINV"] == 13 for f in filtered["features"])
    item = service.collection_item(ogc_layers.open, "3")
    assert item["id"] == 3
