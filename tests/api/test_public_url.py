"""TWIN_PUBLIC_URL in every link: behind a reverse proxy at a path, nothing points elsewhere.

The app is built with ``public_url="https://twin.example.org/commune"`` and asked directly
(as the proxy would, the prefix stripped) through a client whose own address is
``http://testserver``. Every absolute URL of this service in the OGC API (landing page,
conformance, OpenAPI, collections, one collection, an items page, a feature, queryables,
TileMatrixSets), TileJSON and style, a 3D tileset, the catalogue (Turtle, JSON-LD, HTML,
paging Link headers), a dataset page with its downloads and the viewer's page and config must
start with the public URL; none may name the client's address, the bind address or the
default one, and no link may be root-relative (``/collections`` would drop the prefix).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from tiles.buildings.build import build_tileset
from twin.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ogc_support import OgcLayers, app_settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "unit"))
from test_buildings_tiles import synthetic_set

pytestmark = pytest.mark.api

PUBLIC = "https://twin.example.org/commune"
#: Addresses a link built from the request, the bind address or the defaults would carry.
WRONG_HOSTS = {"testserver", "0.0.0.0", "127.0.0.1", "localhost", "[::]"}
URL_TEXT = re.compile(r"""https?://[^\s"'<>\\)]+""")
HTML_ATTRIBUTE = re.compile(r"""\b(?:href|src|action)\s*=\s*["']([^"']*)["']""", re.I)


@pytest.fixture(scope="module")
def public(database_url: str, ogc_layers: OgcLayers, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[TestClient, str]]:
    """The app at the public URL, with the open parcels and a built 3D tileset of them."""
    data_dir = tmp_path_factory.mktemp("public_url")
    build_tileset(synthetic_set(10), data_dir / "tiles" / ogc_layers.open,
                  executor=ThreadPoolExecutor(1))
    settings = app_settings(database_url, PUBLIC).model_copy(update={"data_dir": data_dir})
    with TestClient(create_app(settings)) as client:
        yield client, ogc_layers.open


def ours(url: str) -> bool:
    """Whether an absolute URL names this service (by the public host or a wrong one)."""
    host = urlsplit(url).hostname or ""
    return host == urlsplit(PUBLIC).hostname or host in WRONG_HOSTS or (
        f"[{host}]" in WRONG_HOSTS)


def strings(document: Any) -> Iterator[str]:
    """Every string of a JSON document, keys and values."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield key
            yield from strings(value)
    elif isinstance(document, list):
        for item in document:
            yield from strings(item)
    elif isinstance(document, str):
        yield document


def values_of(name: str, document: Any) -> Iterator[str]:
    """The values of every ``name`` key of a JSON document (``href`` of OGC API links,
    ``uri`` of 3D Tiles content)."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key == name and isinstance(value, str):
                yield value
            else:
                yield from values_of(name, value)
    elif isinstance(document, list):
        for item in document:
            yield from values_of(name, item)


def check_urls(where: str, urls: list[str], minimum: int = 1) -> None:
    """Every URL of ours starts with the public URL, and there are at least ``minimum``."""
    mine = [u for u in urls if ours(u)]
    wrong = sorted({u for u in mine if not (u == PUBLIC or u.startswith((f"{PUBLIC}/",
                                                                          f"{PUBLIC}?")))})
    assert not wrong, f"{where}: links not under {PUBLIC}: {wrong[:5]}"
    assert len(mine) >= minimum, f"{where}: expected links to the service, found {urls[:5]}"


def check_json(where: str, document: Any, minimum: int = 1) -> None:
    found = [u for s in strings(document) for u in URL_TEXT.findall(s)]
    check_urls(where, found, minimum)
    relative = sorted({h for h in values_of("href", document) if h.startswith("/")})
    assert not relative, f"{where}: root-relative links drop the public path: {relative[:5]}"


def check_html(where: str, page: str, minimum: int = 1) -> None:
    attributes = HTML_ATTRIBUTE.findall(page)
    relative = sorted({a for a in attributes if a.startswith("/") and not a.startswith("//")})
    assert not relative, f"{where}: root-relative links drop the public path: {relative[:5]}"
    check_urls(where, URL_TEXT.findall(page), minimum)


def get_json(client: TestClient, path: str) -> tuple[Any, dict[str, str]]:
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 200, (path, response.text[:300])
    return response.json(), dict(response.headers)


def link_header_urls(headers: dict[str, str]) -> list[str]:
    return re.findall(r"<([^>]+)>", headers.get("link", ""))


def test_the_checks_catch_links_that_ignore_the_public_url() -> None:
    """The helpers fail on each way a link can go wrong (so the tests below can fail)."""
    bad_documents: list[Any] = [
        {"links": [{"href": "http://testserver/collections"}]},
        {"links": [{"href": "https://twin.example.org/collections"}]},  # prefix lost
        {"links": [{"href": "/collections"}]},
        {"tiles": ["http://0.0.0.0:8000/collections/x/tiles/{z}/{y}/{x}"]},
        {"links": []},  # no link at all where some are expected
    ]
    for document in bad_documents:
        with pytest.raises(AssertionError):
            check_json("bad", document)
    with pytest.raises(AssertionError):
        check_html("bad", '<script src="/viewer/cesium/Cesium.js"></script>'
                   f'<a href="{PUBLIC}/">home</a>')
    check_json("good", {"links": [{"href": f"{PUBLIC}/collections"},
                                  {"href": "http://www.opengis.net/def/rel/ogc/1.0/x"}]})


def test_ogc_api_links(public: tuple[TestClient, str]) -> None:
    client, layer = public
    for path, minimum in (("/?f=json", 4), ("/conformance?f=json", 0),
                          ("/collections?f=json", 4), (f"/collections/{layer}?f=json", 3),
                          (f"/collections/{layer}/items?f=json&limit=2", 3),
                          (f"/collections/{layer}/queryables?f=json", 1),
                          ("/TileMatrixSets?f=json", 1),
                          (f"/collections/{layer}/tiles?f=json", 2)):
        document, headers = get_json(client, path)
        check_json(path, document, minimum)
        check_urls(f"{path} Link header", link_header_urls(headers), 0)
    items, _ = get_json(client, f"/collections/{layer}/items?f=json&limit=2")
    next_page = [link["href"] for link in items["links"] if link["rel"] == "next"]
    assert next_page
    assert next_page[0].startswith(f"{PUBLIC}/collections/{layer}/items?")
    fid = items["features"][0]["id"]
    feature, _ = get_json(client, f"/collections/{layer}/items/{fid}?f=json")
    check_json("feature", feature, 2)


def test_openapi_servers_are_the_public_url(public: tuple[TestClient, str]) -> None:
    client, _ = public
    document, _ = get_json(client, "/openapi?f=json")
    assert [server["url"] for server in document["servers"]] == [PUBLIC]


def test_landing_page_html(public: tuple[TestClient, str]) -> None:
    client, layer = public
    for path in ("/?f=html", f"/collections/{layer}?f=html"):
        response = client.get(path)
        assert response.status_code == 200
        check_urls(path, [a for a in HTML_ATTRIBUTE.findall(response.text)
                          if a.startswith("http")], 2)


def test_tilejson_and_style(public: tuple[TestClient, str]) -> None:
    client, layer = public
    tilejson, _ = get_json(client, f"/collections/{layer}/tilejson.json")
    check_json("TileJSON", tilejson, 1)
    assert all(t.startswith(f"{PUBLIC}/collections/{layer}/tiles/") for t in tilejson["tiles"])
    style, _ = get_json(client, f"/collections/{layer}/style.json")
    check_json("style", style, 1)


def test_3d_tiles_content_is_relative_or_public(public: tuple[TestClient, str]) -> None:
    """Content URIs of a tileset resolve against the tileset's own (public) URL."""
    client, layer = public
    tileset, _ = get_json(client, f"/3dtiles/{layer}/tileset.json")
    uris = list(values_of("uri", tileset))
    assert uris, "the tileset names no content"
    check_urls("tileset.json", uris, 0)
    assert not [u for u in uris if u.startswith("/")], "root-relative content drops the prefix"


def test_catalogue_turtle_and_json_ld(public: tuple[TestClient, str]) -> None:
    client, layer = public
    for extension, rdf_format in (("ttl", "turtle"), ("jsonld", "json-ld")):
        response = client.get(f"/catalog.{extension}")
        assert response.status_code == 200
        graph = Graph().parse(data=response.text, format=rdf_format)
        nodes = [str(n) for triple in graph for n in triple if isinstance(n, URIRef)]
        check_urls(f"catalog.{extension}", nodes, 10)
        assert f"{PUBLIC}/catalog/datasets/{layer}" in nodes
        assert f"{PUBLIC}/downloads/{layer}.geojson" in nodes
        check_urls(f"catalog.{extension} Link header",
                   link_header_urls(dict(response.headers)), 2)


def test_catalogue_html_and_dataset_downloads(public: tuple[TestClient, str]) -> None:
    client, layer = public
    page = client.get("/catalog.html")
    assert page.status_code == 200
    check_html("catalog.html", page.text, 2)
    dataset = client.get(f"/catalog/datasets/{layer}.html")
    assert dataset.status_code == 200
    check_html("dataset page", dataset.text, 3)
    downloads = sorted({a for a in HTML_ATTRIBUTE.findall(dataset.text)
                        if a.startswith(f"{PUBLIC}/downloads/")})
    assert downloads, "the dataset page lists no downloads"
    # the link, its prefix stripped as the proxy does, is a real download
    geojson = next(u for u in downloads if ".geojson" in u)
    response = client.get(geojson.removeprefix(PUBLIC))
    assert response.status_code == 200
    assert response.json()["type"] == "FeatureCollection"


def test_viewer_page_and_config(public: tuple[TestClient, str]) -> None:
    client, layer = public
    response = client.get("/viewer")
    assert response.status_code == 200
    check_html("viewer page", response.text, 4)
    found = re.search(r'<script id="twin-config" type="application/json">(.*?)</script>',
                      response.text, re.S)
    assert found
    config = json.loads(found.group(1))
    check_json("viewer config", config, 2)
    assert config["cesiumBase"] == f"{PUBLIC}/viewer/cesium/"
    by_id = {entry["id"]: entry for entry in config["layers"]}
    assert by_id[layer]["url"] == f"{PUBLIC}/3dtiles/{layer}/tileset.json"
