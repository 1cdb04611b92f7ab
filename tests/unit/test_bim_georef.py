"""Georeferencing read from real IFC files and checked by an independent computation; bad
files refused with their name and the problem."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import shapely
from bim_support import (
    BRIDGE,
    DUPLEX,
    DUPLEX_AXIS,
    DUPLEX_EASTINGS,
    DUPLEX_HEIGHT,
    DUPLEX_NORTHINGS,
    OPENHOUSE,
)
from pyproj import Transformer
from shapely import affinity

from gis.bim.georef import read_placement, require_placement, user_placement
from gis.bim.ifcfile import open_model
from gis.errors import IngestError


def test_duplex_epset_map_conversion_places_the_origin_where_the_file_says() -> None:
    placement = read_placement(open_model(DUPLEX), str(DUPLEX))
    assert placement is not None
    assert placement.method == "epset_map_conversion"
    assert (placement.crs, placement.vertical_crs) == ("EPSG:2169", "EPSG:5774")  # EPSG:9897
    local = np.array([[0.0, 0.0, 0.0], [10.0, 0.0, 0.0], [3.0, -7.5, 2.0]])
    placed = placement.apply(local)
    # independent: shapely's affine transform from the angle of the file's x axis
    angle = math.degrees(math.atan2(DUPLEX_AXIS[1], DUPLEX_AXIS[0]))
    for (x, y, z), got in zip(local, placed, strict=True):
        point = affinity.translate(affinity.rotate(shapely.Point(x, y), angle, origin=(0, 0)),
                                   DUPLEX_EASTINGS, DUPLEX_NORTHINGS)
        assert got[0] == pytest.approx(point.x, abs=1e-6)
        assert got[1] == pytest.approx(point.y, abs=1e-6)
        assert got[2] == pytest.approx(DUPLEX_HEIGHT + z, abs=1e-6)
    lon, lat = Transformer.from_crs("EPSG:2169", "EPSG:4326", always_xy=True).transform(
        placed[0, 0], placed[0, 1])
    assert 5.7 < lon < 6.6 and 49.4 < lat < 50.2  # Luxembourg, as LUREF says  # noqa: PT018


def test_ifc4x3_map_conversion() -> None:
    placement = read_placement(open_model(BRIDGE), str(BRIDGE))
    assert placement is not None
    assert (placement.method, placement.crs) == ("map_conversion", "EPSG:28992")
    assert (placement.eastings, placement.northings) == (96400.0, 435000.0)
    assert placement.rotation_degrees == pytest.approx(
        math.degrees(math.atan2(0.391534271631608, 0.920163525759366)))


def test_a_model_without_georeferencing_is_refused_naming_the_flags() -> None:
    assert read_placement(open_model(OPENHOUSE), str(OPENHOUSE)) is None
    with pytest.raises(IngestError, match=r"ifcopenhouse.*--origin E,N,H --crs"):
        require_placement(None, None, str(OPENHOUSE))
    user = user_placement("152000,170000,30", "EPSG:31370+5710", 90.0)
    assert require_placement(None, user, str(OPENHOUSE)) is user
    assert user.compound_crs == "EPSG:31370+5710"
    assert user.apply(np.array([[1.0, 0.0, 0.0]]))[0] == pytest.approx([152000, 170001, 30])


def test_user_placement_flags_are_checked() -> None:
    with pytest.raises(IngestError, match="--origin"):
        user_placement("152000,170000", "EPSG:31370", 0.0)
    with pytest.raises(IngestError, match="--crs"):
        user_placement("1,2,3", "EPSG:4326", 0.0)


@pytest.mark.parametrize(("content", "problem"), [
    (b"%PDF-1.7 not a model", "not an IFC file"),
    (None, "truncated"),
    (b"schema", "unsupported IFC schema"),
])
def test_bad_files_are_refused_with_their_name(tmp_path: Path, content: bytes | None,
                                               problem: str) -> None:
    source = OPENHOUSE.read_bytes()
    if content is None:
        data = source[: len(source) // 2]
    elif content == b"schema":
        data = source.replace(b"FILE_SCHEMA(('IFC4'))", b"FILE_SCHEMA(('IFC5'))")
    else:
        data = content
    path = tmp_path / "submission.ifc"
    path.write_bytes(data)
    with pytest.raises(IngestError, match=rf"submission\.ifc.*{problem}"):
        open_model(path)
