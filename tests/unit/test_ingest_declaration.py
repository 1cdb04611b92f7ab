"""The one resolver of every ingest path: manifest > CLI flags > defaults, field by field.

Pure: no database, no files. Each declaration field a flag can set is checked in each of the
three situations of `gis.ingest.declaration` (declared in the manifest, only registered,
new), plus the load options (``--crs``, the source path, ``--strict``, the storage CRS).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gis import vocab
from gis.errors import InvalidLayerSpec
from gis.ingest.declaration import (
    Defaults,
    GivenOptions,
    Manifest,
    read_manifest,
    resolve,
)
from gis.model import LayerSpec

LAYER = "parcels"
DEFAULTS = Defaults(storage_crs="EPSG:31370")
REQUIRED: dict[str, Any] = {
    "title": {"en": "Parcels", "fr": "Parcelles"}, "producer": "SIG",
    "contact_point": {"name": "SIG", "email": "sig@commune.example.be"},
    "licence": "CC_BY_4_0", "update_frequency": "MONTHLY",
}


def spec(**fields: Any) -> LayerSpec:
    """A valid declaration; ``fields`` are the ones it sets (``model_fields_set``)."""
    return LayerSpec.model_validate({"id": LAYER, **REQUIRED, **fields})


def manifest(*specs: LayerSpec, defaults: dict[str, Any] | None = None) -> Manifest:
    return Manifest(name="config/layers.yml", layers={s.id: s for s in specs},
                    defaults=defaults or {})


@dataclass(frozen=True)
class Field:
    """One declaration field: the manifest's value, a flag giving another one, and how to
    read the outcome from the resolved spec."""

    name: str
    declared: Any
    flag: dict[str, Any]
    read: Callable[[LayerSpec], Any]
    declared_read: Any
    flag_read: Any

    def __str__(self) -> str:
        return self.name


def _code(iri: str) -> str:
    return vocab.short_code(iri)


FIELDS = [
    Field("title", {"en": "Parcels", "fr": "Parcelles"}, {"title": "Plots"},
          lambda s: s.title["en"], "Parcels", "Plots"),
    Field("licence", "CC_BY_4_0", {"licence": "CC0"}, lambda s: _code(s.licence),
          "CC_BY_4_0", "CC0"),
    Field("access_level", "open", {"access": "shared"}, lambda s: s.access_level,
          "open", "shared"),
    Field("update_frequency", "MONTHLY", {"frequency": "WEEKLY"},
          lambda s: _code(s.update_frequency), "MONTHLY", "WEEKLY"),
    Field("producer", "SIG", {"producer": "GIS team"}, lambda s: s.producer, "SIG",
          "GIS team"),
    Field("contact_point", {"name": "SIG", "email": "sig@commune.example.be"},
          {"contact_email": "gis@commune.example.be"}, lambda s: s.contact_point.email,
          "sig@commune.example.be", "gis@commune.example.be"),
    Field("storage_crs", "EPSG:3812", {"storage_crs": "EPSG:31370"},
          lambda s: s.storage_crs, "EPSG:3812", "EPSG:31370"),
    Field("id_field", "OIDN", {"id_field": "capakey"}, lambda s: s.id_field, "OIDN",
          "capakey"),
    Field("source_layer", "parcels", {"source_layer": "plots"}, lambda s: s.source_layer,
          "parcels", "plots"),
    Field("osm_mapping", "roads", {"osm_mapping": "facilities"}, lambda s: s.osm_mapping,
          "roads", "facilities"),
]
#: Fields a manifest entry may leave unset (the others every declaration needs).
OPTIONAL = [f for f in FIELDS if f.name in {"access_level", "storage_crs", "id_field",
                                            "source_layer", "osm_mapping"}]


FIELD_FLAGS: dict[str, tuple[str, ...]] = {
    "title": ("--title",), "licence": ("--licence",), "access_level": ("--access",),
    "update_frequency": ("--frequency",), "producer": ("--producer",),
    "contact_point": ("--contact-email", "--contact-name/--contact-email"),
    "storage_crs": ("--storage-crs",), "id_field": ("--id-field",),
    "source_layer": ("--source-layer",), "osm_mapping": ("--osm-mapping",),
}



# --- a layer the manifest declares: manifest > flag > default ------------------------------
@pytest.mark.parametrize("field", FIELDS, ids=str)
def test_the_manifest_wins_and_a_contradicting_flag_is_an_error(field: Field) -> None:
    declared = manifest(spec(**{field.name: field.declared}))
    alone = resolve(LAYER, GivenOptions(), DEFAULTS, manifest=declared)
    assert field.read(alone.spec) == field.declared_read
    assert alone.origins[field.name] == "manifest"
    flag = next(iter(FIELD_FLAGS[field.name]))
    with pytest.raises(InvalidLayerSpec) as caught:
        resolve(LAYER, GivenOptions(**field.flag), DEFAULTS, manifest=declared)
    message = str(caught.value)
    assert field.name in message
    assert flag in message
    assert "config/layers.yml" in message


@pytest.mark.parametrize("field", OPTIONAL, ids=str)
def test_a_flag_fills_what_the_manifest_leaves_unset(field: Field) -> None:
    declared = manifest(spec())
    resolved = resolve(LAYER, GivenOptions(**field.flag), DEFAULTS, manifest=declared)
    assert field.read(resolved.spec) == field.flag_read
    assert resolved.origins[field.name] == "flag"


def test_defaults_fill_what_neither_gives() -> None:
    resolved = resolve(LAYER, GivenOptions(), DEFAULTS, manifest=manifest(spec()))
    assert resolved.spec.access_level == "closed"  # nothing is published by accident
    assert resolved.origins["access_level"] == "default"
    assert resolved.spec.storage_crs is None
    assert resolved.load.default_storage_crs == "EPSG:31370"
    assert resolved.load.strict is False


def test_a_flag_saying_what_the_manifest_says_is_no_conflict() -> None:
    declared = manifest(spec(access_level="open"))
    same = GivenOptions(
        title="Parcels", access="open", contact_email="sig@commune.example.be",
        licence="http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
        frequency="monthly")
    resolved = resolve(LAYER, same, DEFAULTS, manifest=declared)
    assert resolved.spec.title == {"en": "Parcels", "fr": "Parcelles"}
    assert resolved.spec.access_level == "open"


def test_the_manifest_defaults_block_is_part_of_the_manifest(tmp_path: Path) -> None:
    path = tmp_path / "layers.yml"
    path.write_text(
        "defaults: {producer: SIG, contact_point: {name: SIG, email: sig@x.be},"
        " licence: CC0, update_frequency: ANNUAL, access_level: open}\n"
        f"layers:\n  - {{id: {LAYER}, title: {{en: Parcels}}}}\n", encoding="utf-8")
    declared = read_manifest(path)
    assert declared.defaults["access_level"] == "open"
    with pytest.raises(InvalidLayerSpec, match="--access closed conflicts with access_level"):
        resolve(LAYER, GivenOptions(access="closed"), DEFAULTS, manifest=declared)


# --- a layer declared earlier by flags: flag > registered ----------------------------------
@pytest.mark.parametrize("field", FIELDS, ids=str)
def test_flags_change_a_registered_declaration(field: Field) -> None:
    registered = spec(**{field.name: field.declared})
    kept = resolve(LAYER, GivenOptions(), DEFAULTS, registered=registered)
    assert field.read(kept.spec) == field.declared_read
    assert kept.origins[field.name] == "registry"
    assert kept.notes == ()
    changed = resolve(LAYER, GivenOptions(**field.flag), DEFAULTS, registered=registered)
    assert field.read(changed.spec) == field.flag_read
    assert changed.origins[field.name] == "flag"
    assert any(note.startswith(f"{field.name}: ") for note in changed.notes)


def test_an_english_title_flag_keeps_the_other_languages() -> None:
    resolved = resolve(LAYER, GivenOptions(title="Plots"), DEFAULTS, registered=spec())
    assert resolved.spec.title == {"en": "Plots", "fr": "Parcelles"}


def test_a_registered_layer_outside_the_manifest_ignores_its_defaults() -> None:
    registered = spec(access_level="shared", shared_with=["notaries"])
    other = manifest(spec().model_copy(update={"id": "other"}),
                     defaults={"access_level": "open", "producer": "Someone else"})
    resolved = resolve(LAYER, GivenOptions(), DEFAULTS, manifest=other, registered=registered)
    assert resolved.spec.access_level == "shared"
    assert resolved.spec.producer == "SIG"


# --- a new layer: flag > manifest defaults (not access) > built-in --------------------------
def test_a_new_layer_from_flags_alone_is_closed() -> None:
    given = GivenOptions(title="Points", licence="CC0", producer="GIS",
                         contact_name="GIS", contact_email="gis@commune.example.be")
    resolved = resolve(LAYER, given, DEFAULTS)
    assert resolved.spec.access_level == "closed"
    assert _code(resolved.spec.update_frequency) == "UNKNOWN"
    assert resolved.spec.contact_point.name == "GIS"
    assert resolved.origins["title"] == "flag"
    assert resolved.origins["access_level"] == "default"
    opened = resolve(LAYER, GivenOptions(**{**given.__dict__, "access": "open"}), DEFAULTS)
    assert opened.spec.access_level == "open"


def test_a_new_layer_takes_the_manifest_defaults_but_not_its_access() -> None:
    defaults_only = manifest(defaults={
        "producer": "SIG", "contact_point": {"name": "SIG", "email": "sig@x.be"},
        "licence": "CC0", "update_frequency": "ANNUAL", "access_level": "open",
        "shared_with": ["notaries"]})
    lidar_defaults = Defaults(storage_crs="EPSG:31370", title="LiDAR point cloud parcels")
    resolved = resolve(LAYER, GivenOptions(kind="lidar"), lidar_defaults,
                       manifest=defaults_only)
    assert resolved.spec.kind == "lidar"
    assert resolved.spec.title == {"en": "LiDAR point cloud parcels"}
    assert resolved.spec.producer == "SIG"
    assert _code(resolved.spec.update_frequency) == "ANNUAL"
    assert resolved.spec.access_level == "closed"
    flagged = resolve(LAYER, GivenOptions(kind="lidar", producer="GIS", frequency="DAILY"),
                      lidar_defaults, manifest=defaults_only)
    assert (flagged.spec.producer, _code(flagged.spec.update_frequency)) == ("GIS", "DAILY")


def test_a_new_layer_without_flags_names_every_missing_one() -> None:
    with pytest.raises(InvalidLayerSpec) as caught:
        resolve(LAYER, GivenOptions(licence="CC0"), DEFAULTS)
    message = str(caught.value)
    for flag in ("--title", "--producer", "--contact-email"):
        assert flag in message
    assert "--licence" not in message


# --- the command's kind ---------------------------------------------------------------------
def test_a_command_refuses_a_layer_of_another_kind() -> None:
    with pytest.raises(InvalidLayerSpec, match="declared kind: lidar"):
        resolve(LAYER, GivenOptions(kind="vector"), DEFAULTS,
                manifest=manifest(spec(kind="lidar")))
    with pytest.raises(InvalidLayerSpec, match="registered lidar layer"):
        resolve(LAYER, GivenOptions(kind="vector"), DEFAULTS, registered=spec(kind="lidar"))
    lidar = resolve(LAYER, GivenOptions(kind="lidar"), DEFAULTS, manifest=manifest(spec()))
    assert lidar.spec.kind == "lidar"  # an entry that does not say takes the command's


# --- load options ---------------------------------------------------------------------------
def test_source_crs_is_manifest_then_flag_then_registered() -> None:
    declared = manifest(spec(source_crs="EPSG:3812"))
    assert resolve(LAYER, GivenOptions(), DEFAULTS,
                   manifest=declared).load.source_crs == "EPSG:3812"
    same = resolve(LAYER, GivenOptions(source_crs="epsg:3812"), DEFAULTS, manifest=declared)
    assert same.load.source_crs == "EPSG:3812"
    with pytest.raises(InvalidLayerSpec, match="--crs EPSG:31370 conflicts with source_crs"):
        resolve(LAYER, GivenOptions(source_crs="EPSG:31370"), DEFAULTS, manifest=declared)
    registered = spec(source_crs="EPSG:3812")
    flagged = resolve(LAYER, GivenOptions(source_crs="EPSG:31370"), DEFAULTS,
                      registered=registered)
    assert flagged.load.source_crs == "EPSG:31370"
    assert flagged.spec.source_crs == "EPSG:3812"  # --crs is this load's, never registered
    assert resolve(LAYER, GivenOptions(), DEFAULTS,
                   registered=registered).load.source_crs == "EPSG:3812"


def test_the_source_is_the_path_given_else_the_manifests() -> None:
    declared = manifest(spec(source="data/parcels.gpkg"))
    from_manifest = resolve(LAYER, GivenOptions(), DEFAULTS, manifest=declared)
    assert from_manifest.load.source == "data/parcels.gpkg"
    assert from_manifest.notes == ()
    delivery = resolve(LAYER, GivenOptions(source="incoming/parcels-2025.gpkg"), DEFAULTS,
                       manifest=declared)
    assert delivery.load.source == "incoming/parcels-2025.gpkg"
    assert delivery.spec.source == "data/parcels.gpkg"
    assert delivery.notes == ("loading incoming/parcels-2025.gpkg, not the manifest's "
                              "source data/parcels.gpkg",)


def test_strict_and_the_storage_crs_default() -> None:
    resolved = resolve(LAYER, GivenOptions(strict=True), Defaults(storage_crs="EPSG:3812"),
                       registered=spec())
    assert resolved.load.strict is True
    assert resolved.load.default_storage_crs == "EPSG:3812"


def test_a_manifest_change_to_a_registered_layer_is_noted() -> None:
    resolved = resolve(LAYER, GivenOptions(), DEFAULTS,
                       manifest=manifest(spec(access_level="open")),
                       registered=spec(access_level="closed"))
    assert resolved.spec.access_level == "open"
    assert resolved.notes == ("access_level: closed -> open (manifest)",)
