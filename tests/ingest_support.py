"""Helpers of the vector-ingest tests: layer specs, small source files, what a layer holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from gis import registry
from gis.ingest import LoadResult, ingest_vector
from gis.model import LayerSpec

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


def spec(layer_id: str, **overrides: Any) -> LayerSpec:
    data: dict[str, Any] = {
        "id": layer_id,
        "title": {"en": "Test layer"},
        "producer": "Service SIG",
        "contact_point": {"name": "SIG", "email": "sig@commune.example.be"},
        "licence": "CC_BY_4_0",
        "update_frequency": "MONTHLY",
    }
    data.update(overrides)
    return LayerSpec.model_validate(data)


def load(engine: Engine, layer_spec: LayerSpec, path: Path | str, **options: Any) -> LoadResult:
    options.setdefault("default_storage_crs", "EPSG:31370")
    return ingest_vector(engine, layer_spec, path, **options)


def rows(engine: Engine, query: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(query), params))


def count(engine: Engine, layer_id: str) -> int:
    return int(rows(engine, f'SELECT count(*) FROM data."{layer_id}"')[0][0])  # noqa: S608


def versions(engine: Engine, layer_id: str) -> list[tuple[int | None, str, str | None]]:
    """(version, status, error) of every load, oldest first."""
    with engine.connect() as conn:
        history = registry.history(conn, layer_id)
    return [(v.version, v.status, v.error) for v in reversed(history)]


def geojson(path: Path, features: list[dict[str, Any]], crs: str | None = None) -> Path:
    """A GeoJSON file (optionally with a legacy ``crs`` member, which GDAL honours)."""
    document: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if crs:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def feature(geometry: dict[str, Any] | None, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def square(x: float, y: float, size: float = 10.0) -> dict[str, Any]:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def leuven_squares(path: Path, n: int = 5, **extra: Any) -> Path:
    """``n`` valid 10 m squares in Leuven (EPSG:31370), ids 1..n."""
    features = [feature(square(173000 + 20 * i, 174000), id=i + 1, name=f"p{i + 1}", **extra)
                for i in range(n)]
    return geojson(path, features, crs="urn:ogc:def:crs:EPSG::31370")


#: A self-intersecting "bowtie" parcel in Leuven, the classic invalid polygon.
BOWTIE_GEOJSON = json.dumps({
    "type": "FeatureCollection",
    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31370"}},
    "features": [feature({"type": "Polygon", "coordinates": [[
        [173000, 174000], [173010, 174010], [173010, 174000], [173000, 174010],
        [173000, 174000]]]}, id=1)],
})
