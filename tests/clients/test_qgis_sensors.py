"""Real QGIS (Debian python3-qgis, headless) loads the collection ``sensors`` as a GIS user
does: an OAPIF point layer with one feature per visible Thing and its latest values as
attribute columns; a closed Thing is not in an anonymous user's layer.

QGIS must be present when CI is set (the test fails); without CI a missing QGIS skips.
"""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import httpx
import pytest
from ingest_support import spec
from ogc_support import running_server
from sensor_support import TRAFFIC, thing
from sqlalchemy import Engine
from test_qgis_ogc import _probe, qgis_python  # noqa: F401  (the fixture)

from gis import access, registry

pytestmark = pytest.mark.clients


def _thing(name: str, lon: float, lat: float, value: float, layer: str | None = None
           ) -> dict[str, object]:
    return thing(name, "traffic counter", lon, lat, TRAFFIC,
                 [("2026-11-30T07:00:00Z", value - 1), ("2026-11-30T08:00:00Z", value)],
                 location="pole", layer=layer)


def test_qgis_loads_the_live_sensors_layer(qgis_python: str, engine: Engine,  # noqa: F811
                                           database_url: str, tmp_path: Path) -> None:
    closed = f"qgis_sensors_closed_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        registry.register(conn, spec(closed, access_level="closed"), "EPSG:31370")
        _, key = access.create_key(conn, "staff", can_write=True, label="qgis sensors")
    lon, lat = -150 + random.random() * 100, -50 + random.random() * 40
    with running_server(database_url) as base:
        for i, (value, layer) in enumerate([(410.0, None), (95.0, None), (7.0, closed)]):
            created = httpx.post(f"{base}/sta/v1.1/Things", headers={"X-API-Key": key},
                                 json=_thing(f"counter {i}", lon + 0.01 * i, lat, value, layer))
            assert created.status_code == 201, created.text
        box = (lon - 0.001, lat - 0.001, lon + 0.025, lat + 0.001)
        result = _probe(qgis_python, tmp_path, "features", base, "sensors", *map(str, box))
    assert result["valid"]
    assert {"name", "traffic", "traffic_unit", "traffic_time"} <= set(result["fields"])
    rows = sorted(result["features"], key=lambda f: f["attributes"]["name"])
    assert [f["attributes"]["name"] for f in rows] == ["counter 0", "counter 1"]
    assert [f["attributes"]["traffic"] for f in rows] == [410, 95]
    assert rows[0]["attributes"]["traffic_unit"] == "veh/h"
    assert str(rows[0]["attributes"]["traffic_time"]).startswith("2026-11-30")
    assert all(f["wkb_type"] == 1 for f in rows)  # Point
    assert rows[1]["centroid"] == pytest.approx([lon + 0.01, lat], abs=1e-6)
