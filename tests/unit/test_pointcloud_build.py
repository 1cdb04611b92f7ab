"""Point-cloud 3D Tiles from the real Delft and French files (no database needed).

Checks what the official schemas see and what they cannot: containment, decreasing errors,
leaves at 0, conserved counts and attributes, and placement with the geoid.
"""

from __future__ import annotations

import json
import struct
from collections import Counter
from pathlib import Path
from typing import Any

import laspy
import numpy as np
import pytest
from lidar_support import DELFT, LIDARPROD, MONTPELLIER, truncated_copy
from tileset_checks import content_files, decode, schema_errors, semantic_errors, tiles

from gis.geodesy import transformer
from tiles.errors import BuildInputError
from tiles.pointcloud.build import build_pointcloud, sources_from_headers
from tiles.pointcloud.lasfile import read_layout
from tiles.pointcloud.partition import PointSource

NAP = "EPSG:28992+5709"


@pytest.fixture(scope="module")
def delft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pc") / "delft"
    build_pointcloud(sources_from_headers(DELFT, NAP), out, workers=2)
    return out


def test_tileset_validates_against_the_official_schemas(delft: Path) -> None:
    assert delft.stat().st_mode & 0o777 == 0o755  # readable by a server of another user
    document = json.loads((delft / "tileset.json").read_text())
    assert schema_errors(document) == []
    assert document["asset"]["version"] == "1.1"


def test_what_schemas_cannot_see_holds(delft: Path) -> None:
    document = json.loads((delft / "tileset.json").read_text())
    assert semantic_errors(document) == []
    all_tiles = [tile for tile, _ in tiles(document["root"])]
    assert len(all_tiles) > 5
    assert all(t["refine"] == "ADD" for t in all_tiles)
    assert document["root"]["geometricError"] > 0
    assert len(document["root"]["transform"]) == 16


def test_every_point_is_in_exactly_one_tile_with_its_attributes(delft: Path) -> None:
    document = json.loads((delft / "tileset.json").read_text())
    classes: Counter[int] = Counter()
    total = 0
    intensity_sum = 0
    for path in content_files(delft, document):
        points = decode(path)
        assert np.isfinite(points["local"]).all()
        total += len(points["local"])
        classes.update(points["classification"].tolist())
        intensity_sum += int(points["intensity"].astype(np.int64).sum())
    expected: Counter[int] = Counter()
    expected_intensity = 0
    for path in DELFT:
        las = laspy.read(path)
        expected.update(np.asarray(las.classification).tolist())
        expected_intensity += int(np.asarray(las.intensity).astype(np.int64).sum())
    assert total == 640510 + 208432
    assert classes == expected
    assert intensity_sum == expected_intensity


def test_content_lies_inside_its_tile_box(delft: Path) -> None:
    document = json.loads((delft / "tileset.json").read_text())
    for tile, _ in tiles(document["root"]):
        points = decode(delft / tile["content"]["uri"])["local"]
        box = np.asarray(tile["boundingVolume"]["box"])
        half = np.array([box[3], box[7], box[11]])
        assert (np.abs(points - box[:3]) <= half + 1e-3).all(), tile["content"]["uri"]


def _to_ecef(document: dict[str, Any], local: np.ndarray) -> np.ndarray:
    matrix = np.asarray(document["root"]["transform"]).reshape(4, 4).T
    return local @ matrix[:3, :3].T + matrix[:3, 3]


def test_a_delft_ground_point_lands_at_its_ellipsoidal_height(delft: Path) -> None:
    las = laspy.read(DELFT[0])
    ground = np.flatnonzero(np.asarray(las.classification) == 2)[1234]
    x, y, nap = (float(np.asarray(v)[ground]) for v in (las.x, las.y, las.z))
    lon, lat, h = transformer(NAP, "EPSG:4979").transform(x, y, nap)
    assert 42.5 < h - nap < 44.0  # the NLGEO2018 geoid in Delft: about 43 m
    expected = np.array(transformer("EPSG:4979", "EPSG:4978").transform(lon, lat, h))
    document = json.loads((delft / "tileset.json").read_text())
    best = np.inf
    found = np.zeros(3)
    for path in content_files(delft, document):
        ecef = _to_ecef(document, decode(path)["local"])
        distance = np.linalg.norm(ecef - expected, axis=1)
        if distance.min() < best:
            best, found = float(distance.min()), ecef[int(distance.argmin())]
    assert best < 0.002  # millimetre quantisation
    got_lon, got_lat, got_h = transformer("EPSG:4978", "EPSG:4979").transform(*found)
    assert got_lon == pytest.approx(lon, abs=1e-7)
    assert got_lat == pytest.approx(lat, abs=1e-7)
    assert got_h == pytest.approx(nap + (h - nap), abs=0.002)


def test_colour_of_16_bit_files_is_kept(tmp_path: Path) -> None:
    sources = [PointSource(s.path, "EPSG:2154+5720", s.point_count, s.bounds, 256)
               for s in sources_from_headers(LIDARPROD, "EPSG:2154+5720")]
    build_pointcloud(sources, tmp_path / "lp", workers=1)
    document = json.loads((tmp_path / "lp" / "tileset.json").read_text())
    assert schema_errors(document) == []
    assert semantic_errors(document) == []
    colours = np.concatenate([decode(p)["rgb"] for p in content_files(tmp_path / "lp", document)])
    las = laspy.read(LIDARPROD[0])
    assert len(colours) == 70840
    assert colours[:, 0].astype(np.int64).sum() == (np.asarray(las.red) // 256).sum()


def test_montpellier_builds_with_ign69_heights(tmp_path: Path) -> None:
    result = build_pointcloud(sources_from_headers(MONTPELLIER, "EPSG:2154+5720"),
                              tmp_path / "mtp", workers=2)
    assert result.points == sum(laspy.open(p).header.point_count for p in MONTPELLIER)
    document = json.loads((tmp_path / "mtp" / "tileset.json").read_text())
    assert schema_errors(document) == []
    assert semantic_errors(document) == []
    lon, lat, _ = transformer("EPSG:4978", "EPSG:4979").transform(
        *document["root"]["transform"][12:15])
    assert 3.8 < lon < 3.9
    assert 43.5 < lat < 43.7


def test_a_mislabelled_crs_fails_instead_of_writing_nan(tmp_path: Path) -> None:
    # Lambert-93 coordinates read as Dutch RD: far outside the NLGEO2018 geoid grid
    with pytest.raises(BuildInputError):
        build_pointcloud(sources_from_headers(MONTPELLIER[:1], NAP), tmp_path / "bad",
                         workers=1)
    assert not (tmp_path / "bad").exists()


def test_any_executor_builds_the_same_tiles(tmp_path: Path) -> None:
    """Tasks are plain functions over files: a thread pool (or a Dask client's executor)
    gives the same tiles as the default process pool (binary chunks byte for byte)."""
    from concurrent.futures import ThreadPoolExecutor

    sources = sources_from_headers(MONTPELLIER[:2], "EPSG:2154+5720")
    build_pointcloud(sources, tmp_path / "processes", workers=2)
    with ThreadPoolExecutor(2) as threads:
        build_pointcloud(sources, tmp_path / "threads", executor=threads, workers=2)
    first = sorted((tmp_path / "processes").rglob("*.*"))
    second = sorted((tmp_path / "threads").rglob("*.*"))
    assert [p.relative_to(tmp_path / "processes") for p in first] == [
        p.relative_to(tmp_path / "threads") for p in second]
    differ = [a.name for a, b in zip(first, second, strict=True)
              if _content(a) != _content(b)]
    assert differ == []


def _rounded(value: Any) -> Any:
    """JSON with floats to the micrometre: float64 sums may differ in the last bit by process."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _content(path: Path) -> Any:
    """A tile file as data: glb JSON (rounded) and its exact binary chunk; JSON rounded."""
    data = path.read_bytes()
    if path.suffix == ".glb":
        size = struct.unpack("<I", data[12:16])[0]
        return _rounded(json.loads(data[20:20 + size])), data[20 + size:]
    if path.suffix == ".json":
        return _rounded(json.loads(data))
    return data


def test_a_damaged_file_fails_cleanly_naming_it(tmp_path: Path) -> None:
    """Read errors surface from any lane (this process or a spawned one); the other tasks are
    stopped before the staging folder goes, so nothing is left behind."""
    damaged = truncated_copy(DELFT[0], tmp_path / "cut.laz", keep=0.5)
    good = sources_from_headers([DELFT[1]], NAP)[0]
    layout = read_layout(DELFT[0])
    bad = PointSource(str(damaged), NAP, layout.point_count, (*layout.mins, *layout.maxs), None)
    for workers in (2, 1):
        with pytest.raises(BuildInputError, match=r"cut\.laz: cannot read points"):
            build_pointcloud([good, bad], tmp_path / "out", workers=workers)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.laz"]
