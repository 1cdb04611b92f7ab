"""The registry's declarations: vocabularies expanded, mistakes refused with the field named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gis import vocab
from gis.errors import InvalidLayerSpec
from gis.model import AnonymisationRule, QualityIssue, QualityReport
from gis.registry import load_manifest, parse_spec

REPO = Path(__file__).resolve().parents[2]


def spec_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "parcels",
        "title": {"fr": "Parcelles", "nl": "Percelen"},
        "producer": "Service SIG",
        "contact_point": {"name": "SIG", "email": "sig@commune.example.be"},
        "licence": "CC_BY_4_0",
        "update_frequency": "MONTHLY",
    }
    data.update(overrides)
    return data


def test_short_codes_become_eu_vocabulary_iris() -> None:
    spec = parse_spec(spec_data(theme=["regi"]))
    assert spec.licence == vocab.LICENCE + "CC_BY_4_0"
    assert spec.update_frequency == vocab.FREQUENCY + "MONTHLY"
    assert spec.theme == [vocab.DATA_THEME + "REGI"]


def test_full_iris_are_kept() -> None:
    spec = parse_spec(spec_data(licence=vocab.LICENCE + "CC0"))
    assert spec.licence == vocab.LICENCE + "CC0"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id", "Parcels!", "layer id"),
        ("licence", "WTFPL", "licence"),
        ("licence", "https://example.org/licence/CC0", "not an IRI of"),
        ("update_frequency", "SOMETIMES", "update_frequency"),
        ("access_level", "secret", "access_level"),
        ("title", {}, "title"),
        ("contact_point", {"name": "x", "email": "nobody"}, "e-mail"),
        ("theme", ["SPORTS"], "theme"),
        ("temporal_property", " ", "temporal_property"),
        ("temporal_property", "geom", "temporal_property"),
    ],
)
def test_bad_declarations_name_the_field(field: str, value: Any, message: str) -> None:
    with pytest.raises(InvalidLayerSpec) as excinfo:
        parse_spec(spec_data(**{field: value}), where="layers.yml: layers[3]")
    text = str(excinfo.value)
    assert "layers.yml: layers[3]" in text
    assert message in text


def test_shared_with_requires_shared_access() -> None:
    with pytest.raises(InvalidLayerSpec, match="shared_with"):
        parse_spec(spec_data(shared_with=["notaries"]))
    assert parse_spec(spec_data(access_level="shared", shared_with=["notaries"])).shared_with


def test_generalise_rule_needs_a_target() -> None:
    with pytest.raises(ValueError, match="generalise"):
        AnonymisationRule(rule="generalise")
    assert AnonymisationRule(rule="generalise", params={"to": "year"}).params == {"to": "year"}


def test_label_prefers_english_then_french() -> None:
    assert parse_spec(spec_data()).label() == "Parcelles"
    assert parse_spec(spec_data(title={"nl": "Percelen", "en": "Parcels"})).label() == "Parcels"


def test_quality_report_keeps_counts_beyond_the_detail_cap() -> None:
    report = QualityReport(source="x.gpkg", MAX_ISSUES=2)
    for index in range(5):
        report.add(QualityIssue(code="invalid_geometry", message="ring self-intersection",
                                feature=str(index), action="repaired"))
    assert report.counts == {"invalid_geometry": 5}
    assert len(report.issues) == 2
    assert report.issues_truncated == 3


def test_demo_manifest_is_valid_and_resolves_sources() -> None:
    specs = load_manifest(REPO / "config" / "layers.yml")
    assert len({s.id for s in specs}) == len(specs) >= 6
    for spec in specs:
        if spec.source and not spec.source.startswith("/vsi"):
            assert Path(spec.source).exists(), spec.source


def test_manifest_errors_name_file_and_entry(tmp_path: Path) -> None:
    manifest = tmp_path / "layers.yml"
    manifest.write_text(
        "defaults: {producer: SIG, contact_point: {name: SIG, email: sig@x.be},"
        " licence: CC0, update_frequency: ANNUAL}\n"
        "layers:\n  - {id: ok, title: {en: Ok}}\n  - {id: bad, title: {en: Bad}, licence: nope}\n"
    )
    with pytest.raises(InvalidLayerSpec, match=r"layers\.yml: layers\[1\] \(bad\): licence"):
        load_manifest(manifest)


def test_manifest_refuses_duplicate_ids(tmp_path: Path) -> None:
    manifest = tmp_path / "layers.yml"
    manifest.write_text(
        "defaults: {producer: SIG, contact_point: {name: SIG, email: sig@x.be},"
        " licence: CC0, update_frequency: ANNUAL}\n"
        "layers:\n  - {id: a, title: {en: A}}\n  - {id: a, title: {en: A again}}\n"
    )
    with pytest.raises(InvalidLayerSpec, match="declared twice: a"):
        load_manifest(manifest)


def test_cluster_moves_out_of_folders_postgres_cannot_reach(tmp_path: Path) -> None:
    import os

    from gis.cluster import FALLBACK_PARENT, Cluster

    hidden = tmp_path / "private"
    hidden.mkdir(mode=0o700)
    cluster = Cluster(root=hidden / "project" / "postgres", port=5999)
    if os.geteuid() == 0:
        assert cluster.home.parent == FALLBACK_PARENT
        assert cluster.home == Cluster(root=hidden / "project" / "postgres", port=1).home
    else:
        assert cluster.home == cluster.root
    assert cluster.pgdata == cluster.home / "data"


def test_the_records_collection_id_is_reserved() -> None:
    with pytest.raises(InvalidLayerSpec, match="OGC API Records"):
        parse_spec(spec_data(id="catalog"))
