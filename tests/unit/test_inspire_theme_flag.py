"""``--inspire-theme``: the repeatable flag reaches the declaration, validated like the
manifest's ``inspire_themes`` and overruled by it (manifest > flags > defaults)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from gis.errors import InvalidLayerSpec
from gis.ingest.declaration import Defaults, GivenOptions, Manifest, resolve
from gis.model import LayerSpec
from twin.cli import build_app

DEFAULTS = Defaults(storage_crs="EPSG:31370")
NEW = GivenOptions(kind="vector", title="Roads", licence="CC0", producer="Works",
                   contact_email="works@example.be", source="roads.gpkg")


def test_flag_sets_the_themes_of_a_new_layer() -> None:
    given = GivenOptions(**{**NEW.__dict__, "inspire_themes": ("TN", "us", "tn")})
    resolution = resolve("roads", given, DEFAULTS)
    assert resolution.spec.inspire_themes == ["tn", "us"]
    assert resolution.origins["inspire_themes"] == "flag"


def test_no_flag_changes_nothing() -> None:
    assert "inspire_themes" not in NEW.spec_fields()
    registered = resolve("roads", GivenOptions(**{**NEW.__dict__, "inspire_themes": ("tn",)}),
                         DEFAULTS).spec
    again = resolve("roads", GivenOptions(kind="vector"), DEFAULTS, registered=registered)
    assert again.spec.inspire_themes == ["tn"]


def test_unknown_code_is_refused() -> None:
    with pytest.raises(InvalidLayerSpec, match="INSPIRE theme"):
        resolve("roads", GivenOptions(**{**NEW.__dict__, "inspire_themes": ("roads",)}),
                DEFAULTS)


def test_manifest_wins_loudly() -> None:
    declared = LayerSpec.model_validate({
        "id": "roads", "title": {"en": "Roads"}, "producer": "Works", "licence": "CC0",
        "contact_point": {"name": "W", "email": "works@example.be"},
        "update_frequency": "ANNUAL", "inspire_themes": ["tn"]})
    manifest = Manifest("layers.yml", {"roads": declared})
    with pytest.raises(InvalidLayerSpec, match="--inspire-theme"):
        resolve("roads", GivenOptions(kind="vector", inspire_themes=("bu",)), DEFAULTS,
                manifest=manifest)
    agreed = resolve("roads", GivenOptions(kind="vector", inspire_themes=("TN",)), DEFAULTS,
                     manifest=manifest)
    assert agreed.spec.inspire_themes == ["tn"]


def test_commands_offer_the_flag() -> None:
    runner = CliRunner()
    for command in (["ingest", "vector", "--help"], ["ingest", "lidar", "--help"]):
        result = runner.invoke(build_app(), command, env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        assert "--inspire-theme" in result.output
