"""Building heights and building tiles on a Dask cluster (``--scheduler``) give what the
in-process path gives: the same heights and flags, the same tiles."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from buildings_support import delft_buildings
from sqlalchemy import Engine
from tile_digests import digests
from typer.testing import CliRunner

from tiles.engine.cluster import local_cluster_client
from twin.cli import build_app


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    client = local_cluster_client(2)
    yield str(client.scheduler.address)
    cluster = client.cluster
    client.close()
    cluster.close()


def _twin(args: list[str], database_url: str, data_dir: Path) -> str:
    env = {"TWIN_DATABASE_URL": database_url, "TWIN_DATA_DIR": str(data_dir)}
    result = CliRunner().invoke(build_app(), args, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _without_version(folder: Path) -> dict[str, Any]:
    document = json.loads((folder / "tileset.json").read_text())
    document["asset"].pop("tilesetVersion")
    return {"tileset": document,
            "content": {k: v for k, v in digests(folder).items() if k != "tileset.json"}}


def test_heights_and_building_tiles_on_a_cluster(
        scheduler: str, engine: Engine, database_url: str, tmp_path: Path) -> None:
    prefix = f"t_dask_city_{uuid.uuid4().hex[:6]}"
    delft_buildings(engine, prefix)
    heights = ["build", "heights", f"{prefix}_pand", "--lidar", f"{prefix}_ahn3"]
    local = " ".join(_twin(heights, database_url, tmp_path / "a").split())
    clustered = " ".join(_twin([*heights, "--scheduler", scheduler], database_url,
                               tmp_path / "b").split())
    report = local[local.index(f"layer {prefix}_pand: "):]
    assert "buildings with a height" in report
    assert "flags: ok" in report
    assert clustered.endswith(report)  # measured count, method and every flag's count

    tiles = ["build", "buildings", f"{prefix}_pand", "--max-features", "40"]
    _twin(tiles, database_url, tmp_path / "a")
    _twin([*tiles, "--scheduler", scheduler], database_url, tmp_path / "b")
    reference = _without_version(tmp_path / "a" / "tiles" / f"{prefix}_pand")
    assert len(reference["content"]) > 1
    assert _without_version(tmp_path / "b" / "tiles" / f"{prefix}_pand") == reference
