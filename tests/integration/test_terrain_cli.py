"""``twin build terrain`` end to end: a second LiDAR tile joins the mosaic, the DTM is rebuilt,
and the terrain rebuild remakes only the tiles the new data touches."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import numpy as np
import pytest
import rasterio
from lidar_support import DELFT, REPO
from typer.testing import CliRunner

from gis.geodesy import transformer
from tiles.terrain.scheme import TileId, tile_bounds
from twin.cli import build_app


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> Path:
    monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TWIN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TWIN_CONFIG_DIR", str(REPO / "config"))
    return tmp_path / "var"


def counts(output: str) -> tuple[int, int]:
    found = re.search(r"(\d+) tiles written, (\d+) unchanged", output)
    assert found, output
    return int(found.group(1)), int(found.group(2))


def test_a_new_lidar_tile_rebuilds_only_the_terrain_it_touches(cli_env: Path) -> None:
    runner, app = CliRunner(), build_app()
    layer = f"tr_cli_{uuid.uuid4().hex[:8]}"
    ingest = ["ingest", "lidar", str(DELFT[0]), "--layer", layer, "--crs", "EPSG:28992+5709",
              "--title", "Delft LiDAR (terrain CLI test)"]
    for step in (ingest, ["build", "dem", layer, "--resolution", "0.5", "--products", "dtm"]):
        result = runner.invoke(app, step)
        assert result.exit_code == 0, result.output
    first = runner.invoke(app, ["build", "terrain", f"{layer}_dtm", "--id", layer])
    assert first.exit_code == 0, first.output
    written, kept = counts(first.output)
    assert written > 0
    assert kept == 0
    out = cli_env.resolve() / "terrain" / layer
    assert json.loads((out / "source.json").read_text()) == {"layers": [f"{layer}_dtm"]}
    assert (out / "layer.json").is_file()
    again = runner.invoke(app, ["build", "terrain", f"{layer}_dtm", "--id", layer])
    assert counts(again.output) == (0, written)

    before = json.loads((out / "build.json").read_text())["tiles"]
    dtm = cli_env.resolve() / "rasters" / f"{layer}_dtm.tif"
    with rasterio.open(dtm) as dataset:
        old_cells, transform = dataset.read(1), dataset.transform
    grown = [*ingest[:2], str(DELFT[1]), *ingest[3:]]  # a strip east of the first tile
    for step in (grown, ["build", "dem", layer, "--resolution", "0.5", "--products", "dtm"]):
        result = runner.invoke(app, step)
        assert result.exit_code == 0, result.output
    rebuilt = runner.invoke(app, ["build", "terrain", f"{layer}_dtm", "--id", layer])
    assert rebuilt.exit_code == 0, rebuilt.output
    remade, unchanged = counts(rebuilt.output)
    assert remade > 0
    after = json.loads((out / "build.json").read_text())["tiles"]
    with rasterio.open(dtm) as dataset:
        new_cells = dataset.read(1)
    # the first changed column: the new strip, and gaps its data now fills differently
    changed = np.nonzero((new_cells[:, :old_cells.shape[1]] != old_cells).any(axis=0))[0]
    first_x = transform.c + (changed.min() - 1) * transform.a
    lon, _, _ = transformer("EPSG:28992+5709", "EPSG:4979").transform(
        [first_x] * 2, [transform.f, transform.f - 1000], [0.0, 0.0])
    finest = max(int(key.split("/")[0]) for key in after)
    away = [key for key in before if key in after and key.startswith(f"{finest}/")
            and tile_bounds(TileId(*map(int, key.split("/"))))[2] < min(lon)]
    assert away  # finest tiles the change does not reach...
    assert all(before[key] == after[key] for key in away)  # ...were kept as they were
    assert unchanged >= len(away)


def test_a_raster_that_is_not_built_is_one_clear_line(cli_env: Path) -> None:
    result = CliRunner().invoke(build_app(), ["build", "terrain", "no_such_dtm_layer"])
    assert result.exit_code == 1
    assert "no_such_dtm_layer: no such layer" in result.output
