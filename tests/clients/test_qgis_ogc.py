"""Real QGIS 3.22 (Debian python3-qgis, headless, as a subprocess) as the GIS staff use it:
OAPIF layers with every feature, attribute and CRS; a bbox-restricted layer that holds exactly
what the server's bbox answer holds; vector tiles with the style.json, rendered to a PNG.

QGIS must be present when CI is set (the test fails); without CI a missing QGIS skips.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from ogc_support import OgcLayers

pytestmark = pytest.mark.clients

PROBE = Path(__file__).with_name("qgis_ogc_probe.py")
SYSTEM_PYTHON = "/usr/bin/python3"
BOX = (4.676, 50.855, 4.685, 50.862)
#: the style's fill (#fdbb84 at opacity 0.6) drawn over a white background
FILL_ON_WHITE = "#fed6b5"


def _qgis_present() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    found = subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True,
                           check=False, timeout=120)
    return found.returncode == 0


@pytest.fixture(scope="module")
def qgis_python() -> str:
    if not _qgis_present():
        if os.environ.get("CI"):
            pytest.fail("QGIS (python3-qgis) is missing; .ci/run installs it")
        pytest.skip("QGIS (python3-qgis) is not installed")
    return SYSTEM_PYTHON


def _probe(python: str, tmp_path: Path, *args: str) -> dict[str, Any]:
    """Run QGIS with its own profile and cache (its HTTP cache honours Cache-Control)."""
    home = tmp_path / "qgis-home"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / "config"), "XDG_CACHE_HOME": str(home / "cache"),
           "XDG_DATA_HOME": str(home / "data"), "XDG_RUNTIME_DIR": str(home / "run")}
    (home / "run").mkdir(parents=True, exist_ok=True)
    done = subprocess.run([python, str(PROBE), *args], capture_output=True, text=True,
                          env=env, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _server_items(base: str, collection: str, **params: Any) -> list[dict[str, Any]]:
    answer = httpx.get(f"{base}/collections/{collection}/items",
                       params={"limit": 10000, **params}, timeout=60).json()
    assert answer["numberReturned"] == answer["numberMatched"]
    features: list[dict[str, Any]] = answer["features"]
    return features


def test_qgis_opens_the_collection_with_every_feature(
    qgis_python: str, ogc_server: str, ogc_layers: OgcLayers, tmp_path: Path,
) -> None:
    result = _probe(qgis_python, tmp_path, "features", ogc_server, ogc_layers.open)
    assert result["valid"]
    assert result["crs"] in ("EPSG:4326", "OGC:CRS84")
    expected = _server_items(ogc_server, ogc_layers.open)
    assert set(result["fields"]) >= set(expected[0]["properties"])
    got = {f["attributes"]["CAPAKEY"]: f for f in result["features"]}
    assert len(result["features"]) == len(expected) == 321
    for feature in expected:
        mine = got[feature["properties"]["CAPAKEY"]]["attributes"]
        for name in ("UIDN", "OIDN", "VERSIE", "CANU", "NISCODE", "BGNINV", "LBLBHRDR"):
            assert mine[name] == feature["properties"][name], name
    for feature in result["features"]:
        assert feature["wkb_type"] in (3, 6)  # (Multi)Polygon
        lon, lat = feature["centroid"]
        assert 4.6 < lon < 4.8
        assert 50.8 < lat < 51.0


def test_qgis_bbox_request_matches_the_server(
    qgis_python: str, ogc_server: str, ogc_layers: OgcLayers, tmp_path: Path,
) -> None:
    result = _probe(qgis_python, tmp_path, "features", ogc_server, ogc_layers.open,
                    *map(str, BOX))
    assert result["valid"]
    expected = _server_items(ogc_server, ogc_layers.open, bbox=",".join(map(str, BOX)))
    assert 0 < len(expected) < 321
    assert sorted(f["attributes"]["CAPAKEY"] for f in result["features"]) == sorted(
        f["properties"]["CAPAKEY"] for f in expected)


def test_qgis_renders_the_vector_tiles_with_the_style(
    qgis_python: str, ogc_server: str, ogc_layers: OgcLayers, tmp_path: Path,
) -> None:
    base = f"{ogc_server}/collections/{ogc_layers.open}"
    template = httpx.get(f"{base}/tilejson.json", timeout=30).json()["tiles"][0]
    png = tmp_path / "tiles.png"
    extent = ("520530", "6595685", "521532", "6596919")  # BOX in EPSG:3857
    result = _probe(qgis_python, tmp_path, "tiles", template, f"{base}/style.json", str(png),
                    *extent)
    assert result["valid"], result
    assert result["errors"] == []
    assert png.stat().st_size > 1000
    colours = result["colours"]
    total = sum(colours.values())
    background = colours.get("#ffffff", 0)
    assert background < total * 0.95, "nothing was drawn"
    fill = sum(n for c, n in colours.items() if _near(c, FILL_ON_WHITE, 40))
    assert fill > total * 0.05, f"the style's fill colour is missing: {sorted(colours)[:10]}"


def _near(colour: str, target: str, tolerance: int) -> bool:
    a = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(target[i:i + 2], 16) for i in (1, 3, 5)]
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) <= tolerance
