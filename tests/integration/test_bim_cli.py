"""``twin check ifc`` and ``twin ingest ifc --ids`` against the commune's IDS (real runner,
real PostGIS)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bim_support import DUPLEX
from ingest_support import count
from sqlalchemy import Engine
from typer.testing import CliRunner

from gis.bim.synthetic import write_model
from twin.cli import build_app

PERMIT_IDS = Path(__file__).resolve().parents[2] / "config" / "ids" / "commune_permit.ids"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("TWIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TWIN_CONFIG_DIR", str(tmp_path / "no-config"))
    monkeypatch.setenv("TWIN_DATA_DIR", str(tmp_path / "var"))
    return CliRunner()


def test_check_passes_a_complete_submission_and_writes_html(cli: CliRunner,
                                                           tmp_path: Path) -> None:
    model = write_model(tmp_path / "permit.ifc", walls=3)
    html = tmp_path / "reports" / "report.html"  # its folder is made
    result = cli.invoke(build_app(), ["check", "ifc", str(model), "--ids", str(PERMIT_IDS),
                                      "--html", str(html), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["passed"] is True
    assert {s["name"] for s in report["specifications"]} >= {
        "Every space has a name", "Every wall has a fire rating"}
    assert "Every wall has a fire rating" in html.read_text(encoding="utf-8")


def test_check_reports_each_failed_requirement_with_global_ids(cli: CliRunner) -> None:
    result = cli.invoke(build_app(), ["check", "ifc", str(DUPLEX), "--ids", str(PERMIT_IDS),
                                      "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    failed = {s["name"]: s for s in report["specifications"] if not s["passed"]}
    assert set(failed) == {"Every space has a net floor area", "Every wall has a fire rating",
                           "Every standard-case wall has a fire rating"}
    walls = failed["Every standard-case wall has a fire rating"]
    assert walls["failed"] == walls["applicable"] == 56
    assert len(walls["failed_global_ids"][0]) == 22


def test_ingest_refuses_a_model_failing_the_ids_unless_forced(
        cli: CliRunner, engine: Engine, layer_id: str, tmp_path: Path) -> None:
    model = write_model(tmp_path / "no_rating.ifc", walls=2, fire_rating=False)
    args = ["ingest", "ifc", str(model), "--layer", layer_id, "--ids", str(PERMIT_IDS),
            "--title", "Permit model", "--access", "shared", "--licence", "CC_BY_4_0",
            "--producer", "Urbanisme", "--contact-email", "urba@commune.example.be",
            "--frequency", "IRREG"]
    refused = cli.invoke(build_app(), args)
    assert refused.exit_code == 1
    assert "no_rating.ifc" in refused.output
    assert "Every wall has a fire rating (2 of 2 elements)" in " ".join(refused.output.split())
    forced = cli.invoke(build_app(), [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert count(engine, layer_id) == 3


def _cityjson_validator() -> Any:
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource

    folder = Path(__file__).resolve().parents[1] / "schemas" / "cityjson-2.0.2"
    resources = []
    for path in folder.glob("*.schema.json"):
        document = json.loads(path.read_text())
        resources.append((document["$id"], Resource.from_contents(document)))
    root = json.loads((folder / "cityjson.schema.json").read_text())
    return Draft7Validator(root, registry=Registry().with_resources(resources))


def test_build_bim_writes_tiles_and_the_building_as_cityjson(
        cli: CliRunner, layer_id: str, tmp_path: Path) -> None:
    model = write_model(tmp_path / "permit.ifc", walls=3)
    loaded = cli.invoke(build_app(), [
        "ingest", "ifc", str(model), "--layer", layer_id, "--title", "Permit model",
        "--licence", "CC_BY_4_0", "--producer", "Urbanisme", "--frequency", "IRREG",
        "--contact-email", "urba@commune.example.be"])
    assert loaded.exit_code == 0, loaded.output
    target = tmp_path / "building.city.json"
    built = cli.invoke(build_app(), ["build", "bim", layer_id, "--cityjson", str(target)])
    assert built.exit_code == 0, built.output
    assert (tmp_path / "var" / "tiles" / layer_id / "tileset.json").is_file()
    document = json.loads(target.read_text())
    errors = list(_cityjson_validator().iter_errors(document))
    assert errors == []
    building = document["CityObjects"][layer_id]
    assert building["type"] == "Building"
    assert building["attributes"]["layerVersion"] == 1
    assert document["metadata"]["referenceSystem"].endswith("/EPSG/0/6190")  # 31370 + 5710
    geometry = building["geometry"][0]
    assert geometry["lod"] == "3"
    assert len(geometry["boundaries"]) == 3 * 12  # three walls of 12 triangles
    assert set(geometry["semantics"]["values"]) == {0}  # WallSurface
