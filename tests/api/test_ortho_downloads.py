"""An orthophoto is a product like a DTM/DSM: its COG is indexed in ``twin.raster`` at ingest,
downloadable with HTTP range requests, a DCAT distribution of its dataset, closed to the
public when its layer is, and still served as map tiles in the ``image`` style."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import rasterio
from fastapi.testclient import TestClient
from lidar_support import REPO
from rasterio.io import MemoryFile
from rasterio.windows import Window
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT
from sqlalchemy import Engine

from gis.model import LayerSpec
from gis.raster.index import raster_file
from gis.raster.ortho import ingest_ortho
from twin.app import create_app
from twin.settings import Settings

pytestmark = pytest.mark.api
BASE = "http://testserver"
#: the picture the orthophoto ingest tests make, from a real IGN 50 cm DSM tile
MONTPELLIER_DSM = REPO / "data" / "lidar_fr" / "montpellier_rasters" / "DSM_77055_627760_50CM.tif"
SIDE = 160  # pixels: small, but several COG blocks' worth of bytes


@dataclass
class Ortho:
    client: TestClient
    open_id: str
    closed_id: str


def _small_ortho(target: Path) -> Path:
    """An 8-bit RGB GeoTIFF (shaded heights) on a corner of the DSM's grid."""
    window = Window(0, 0, SIDE, SIDE)
    with rasterio.open(MONTPELLIER_DSM) as source:
        heights = source.read(1, window=window).astype(np.float64)
        profile = source.profile
        transform = source.window_transform(window)
    grey = ((heights - heights.min()) / (np.ptp(heights) or 1.0) * 255).astype(np.uint8)
    profile.update(driver="GTiff", dtype="uint8", count=3, nodata=None, width=SIDE,
                   height=SIDE, transform=transform, tiled=False, compress="deflate")
    profile.pop("blockxsize", None)
    profile.pop("blockysize", None)
    with rasterio.open(target, "w", **profile) as out:
        out.write(np.stack([grey, 255 - grey, grey // 2]))
    return target


def _spec(layer_id: str, access_level: str) -> LayerSpec:
    return LayerSpec.model_validate({
        "id": layer_id, "kind": "raster", "title": {"en": f"Orthophoto {layer_id}"},
        "producer": "tests", "contact_point": {"name": "t", "email": "t@example.org"},
        "licence": "CC0", "update_frequency": "IRREG", "access_level": access_level,
    })


@pytest.fixture(scope="module")
def ortho(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Ortho]:
    suffix = uuid.uuid4().hex[:8]
    settings = Settings(database_url=database_url, public_url=BASE, catalog_page_size=100,
                        data_dir=tmp_path_factory.mktemp("var"), ogc_registry_ttl=0.0)
    image = _small_ortho(tmp_path_factory.mktemp("ortho") / "ortho.tif")
    rasters = settings.data_dir.resolve() / "rasters"
    open_id, closed_id = f"ortho_open_{suffix}", f"ortho_closed_{suffix}"
    ingest_ortho(engine, _spec(open_id, "open"), image, rasters)
    ingest_ortho(engine, _spec(closed_id, "closed"), image, rasters)
    with TestClient(create_app(settings)) as client:
        yield Ortho(client, open_id, closed_id)


def test_ingest_indexes_the_cog_as_an_ortho_product(ortho: Ortho, engine: Engine) -> None:
    with engine.connect() as conn:
        row = raster_file(conn, ortho.open_id)
    assert row is not None
    assert row["product"] == "ortho"
    assert (row["width"], row["height"], row["srid"]) == (SIDE, SIDE, 2154)
    assert row["source_layer_id"] == ortho.open_id
    assert row["source_version"] == 1


def test_cog_download_answers_range_requests(ortho: Ortho) -> None:
    url = f"/downloads/rasters/{ortho.open_id}.tif"
    full = ortho.client.get(url)
    assert full.status_code == 200
    assert full.headers["content-type"] == "image/tiff"
    with MemoryFile(full.content) as memory, memory.open() as dataset:
        assert dataset.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        assert (dataset.count, dataset.width) == (3, SIDE)
    part = ortho.client.get(url, headers={"Range": "bytes=100-299"})
    assert part.status_code == 206
    assert part.content == full.content[100:300]
    assert part.headers["content-range"] == f"bytes 100-299/{len(full.content)}"


def test_catalogue_lists_the_cog_distribution(ortho: Ortho) -> None:
    response = ortho.client.get(f"/catalog/datasets/{ortho.open_id}.ttl")
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    dataset = URIRef(f"{BASE}/catalog/datasets/{ortho.open_id}")
    urls = {str(graph.value(d, DCAT.downloadURL))
            for d in graph.objects(dataset, DCAT.distribution)}
    cog = f"{BASE}/downloads/rasters/{ortho.open_id}.tif"
    assert cog in urls
    assert ortho.client.get(cog.removeprefix(BASE)).status_code == 200


def test_closed_orthophoto_is_hidden_from_the_public(ortho: Ortho) -> None:
    assert ortho.client.get(f"/downloads/rasters/{ortho.closed_id}.tif").status_code == 404
    assert ortho.client.get(f"/catalog/datasets/{ortho.closed_id}.ttl").status_code == 404


def test_map_tiles_keep_the_image_style(ortho: Ortho) -> None:
    """Being in the raster index does not make the picture a height model."""
    meta = ortho.client.get(f"/collections/{ortho.open_id}/map/tiles/WebMercatorQuad")
    assert meta.status_code == 200
    assert meta.json()["styles"] == ["image"]

