"""Downloads re-read with pyogrio and compared with the source; stable URLs, ETags, CRSs."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from access_support import PARCELS, make_cadastral_layer
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gis.geodesy import transformer
from twin.app import create_app
from twin.settings import Settings

pytestmark = pytest.mark.api


@dataclass
class Downloads:
    client: TestClient
    layer_id: str
    folder: Path


@pytest.fixture(scope="module")
def downloads(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[Downloads]:
    layer_id = f"dl_{uuid.uuid4().hex[:8]}"
    make_cadastral_layer(engine, layer_id, "open", limit=None,
                         folder=tmp_path_factory.mktemp("cadastre"))
    settings = Settings(database_url=database_url, public_url="http://testserver",
                        data_dir=Path(tmp_path_factory.mktemp("var")), ogc_registry_ttl=0.0)
    with TestClient(create_app(settings)) as client:
        yield Downloads(client, layer_id, tmp_path_factory.mktemp("downloaded"))


def _source() -> tuple[np.ndarray, list[str]]:
    _, _, wkb, fields = pyogrio.raw.read(PARCELS)
    return shapely.from_wkb(wkb), [str(v) for v in fields[1]]


def _fetch(d: Downloads, fmt: str, crs: str) -> Path:
    response = d.client.get(f"/downloads/{d.layer_id}.{fmt}?crs={crs}")
    assert response.status_code == 200, response.text
    target = d.folder / f"{crs}.{fmt}"
    target.write_bytes(response.content)
    return target


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
@pytest.mark.parametrize("crs", ["storage", "4326"])
def test_download_matches_the_source(downloads: Downloads, fmt: str, crs: str) -> None:
    path = _fetch(downloads, fmt, crs)
    geometries, capakeys = _source()
    if fmt == "csv":
        import csv

        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        read = shapely.from_wkt([r["wkt"] for r in rows])
        keys = [r["capakey"] for r in rows]
        columns = set(rows[0])
    else:
        meta, _, wkb, fields = pyogrio.raw.read(path)
        read = shapely.from_wkb(wkb)
        names = list(meta["fields"])
        keys = [str(v) for v in fields[names.index("capakey")]]
        columns = set(names)
        assert meta["crs"] == ("EPSG:31370" if crs == "storage" else "EPSG:4326")
    assert len(read) == len(geometries) == 408
    assert keys == capakeys
    assert not columns & {"owner_name", "owner_number"}
    if crs == "4326":
        to_wgs84 = transformer(31370, 4326)  # the grid-accurate operation
        geometries = shapely.transform(geometries, lambda xy: np.column_stack(
            to_wgs84.transform(xy[:, 0], xy[:, 1])))
        tolerance = 1e-7
    else:
        tolerance = 0.001
    distances = shapely.hausdorff_distance(read, geometries)
    assert float(np.max(distances)) < tolerance


def test_stable_url_etag_and_head(downloads: Downloads) -> None:
    url = f"/downloads/{downloads.layer_id}.geojson"
    first = downloads.client.get(url)
    again = downloads.client.get(url)
    assert first.content == again.content
    assert first.headers["etag"] == again.headers["etag"]
    assert first.headers["content-type"].startswith("application/geo+json")
    assert downloads.client.get(url, headers={"If-None-Match": first.headers["etag"]}
                                ).status_code == 304
    head = downloads.client.head(url)
    assert head.status_code == 200
    assert int(head.headers["content-length"]) == len(first.content)


@pytest.mark.parametrize("path", ["/downloads/nothing_here.geojson", "/downloads/x.shp",
                                  "/downloads/noextension"])
def test_unknown_downloads_are_404(downloads: Downloads, path: str) -> None:
    response = downloads.client.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


def test_bad_crs_is_400(downloads: Downloads) -> None:
    response = downloads.client.get(f"/downloads/{downloads.layer_id}.csv?crs=3857")
    assert response.status_code == 400
