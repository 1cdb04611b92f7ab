"""One resolver for what a load declares and how it loads: manifest > CLI flags > defaults.

Every ingest path (``twin ingest vector``, ``twin ingest lidar``, ``twin ingest all``) and
``twin layers register`` states what the user gave and calls `resolve`; none decides
precedence itself, so the same manifest and flags give the same layer whichever command
loads it. Field by field, highest first:

| layer is...                | 1st                  | 2nd  | 3rd                          |
|----------------------------|----------------------|------|------------------------------|
| declared in the manifest   | the manifest's value | flag | built-in default             |
| only registered (by flags) | flag                 | the registered declaration          |
| neither                    | flag                 | manifest ``defaults:``, built-ins   |

* The manifest is the producer's declaration: a flag that contradicts a value it sets (its
  entry or its ``defaults:``) is an error naming the field, never silently dropped; a flag
  for a field it leaves unset applies (and is registered). Fields the manifest stops setting
  fall back to the defaults, not to what an earlier load registered: the manifest is the
  source of truth for the layers it declares.
* A layer the manifest does not declare was declared by flags: its registered declaration
  is kept, and flags change its fields for this and later loads. The manifest's
  ``defaults:`` fill a new one, except its access (see `UNINHERITED`).
* Built-in defaults: access ``closed`` (nothing is published by accident), frequency
  ``UNKNOWN``, the storage CRS of the settings (``TWIN_STORAGE_CRS``), lenient quality.
* ``--crs`` (the source's CRS) is a load option, never registered: a later file may carry
  its own. The manifest's ``source_crs`` wins over it, the registered one yields to it.
* The path given on the command line is what is loaded; a manifest ``source`` naming
  another file is reported in the notes (loading this month's delivery is normal).

`resolve` is pure (no database, no files: unit-tested field by field); `read_manifest` and
`registered_spec` fetch its inputs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from sqlalchemy import Connection

from gis import registry
from gis.errors import InvalidLayerSpec, LayerNotFound
from gis.model import AccessLevel, LayerKind, LayerSpec

Origin = Literal["manifest", "flag", "registry", "default"]
OsmMapping = Literal["roads", "facilities"]

#: Declaration fields a flag sets, and the flag that sets each (named in messages).
FLAGS: dict[str, str] = {
    "kind": "the command",
    "title": "--title",
    "licence": "--licence",
    "access_level": "--access",
    "update_frequency": "--frequency",
    "producer": "--producer",
    "contact_point": "--contact-name/--contact-email",
    "storage_crs": "--storage-crs",
    "id_field": "--id-field",
    "source_layer": "--source-layer",
    "osm_mapping": "--osm-mapping",
    "inspire_themes": "--inspire-theme",
}
#: Fields a layer the manifest does not declare never takes from the manifest's
#: ``defaults:``: who may read a layer is decided for that layer, not for the manifest.
UNINHERITED = frozenset({"access_level", "shared_with"})
#: What a new layer needs that no built-in default gives, and the flag giving each.
REQUIRED: dict[str, str] = {
    "title": "--title", "licence": "--licence", "producer": "--producer",
    "contact_point": "--contact-email",
}
#: Fields whose flag sets one part of a mapping (an English title, a contact's e-mail):
#: merged into what a lower tier holds instead of replacing it.
MERGED = frozenset({"title", "contact_point"})


@dataclass(frozen=True)
class GivenOptions:
    """What the user gave on the command line: ``None`` means not given (so it does not
    override anything)."""

    kind: LayerKind | None = None
    title: str | None = None
    licence: str | None = None
    access: AccessLevel | None = None
    frequency: str | None = None
    producer: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    storage_crs: str | None = None
    id_field: str | None = None
    source_layer: str | None = None
    osm_mapping: OsmMapping | None = None
    source: str | None = None
    source_crs: str | None = None
    strict: bool | None = None
    #: INSPIRE theme codes (repeatable flag); empty means not given, so it overrides nothing
    inspire_themes: tuple[str, ...] = ()

    def spec_fields(self) -> dict[str, Any]:
        """The declaration fields the flags set, shaped as in a manifest entry."""
        contact = {key: value for key, value in (("name", self.contact_name),
                                                 ("email", self.contact_email)) if value}
        fields: dict[str, Any] = {
            "kind": self.kind, "title": {"en": self.title} if self.title else None,
            "licence": self.licence, "access_level": self.access,
            "update_frequency": self.frequency, "producer": self.producer,
            "contact_point": contact or None, "storage_crs": self.storage_crs,
            "id_field": self.id_field, "source_layer": self.source_layer,
            "osm_mapping": self.osm_mapping,
            "inspire_themes": list(self.inspire_themes) or None,
        }
        return {key: value for key, value in fields.items() if value is not None}


@dataclass(frozen=True)
class Defaults:
    """The lowest tier: the deployment's settings and the built-in choices."""

    storage_crs: str
    access_level: AccessLevel = "closed"
    update_frequency: str = "UNKNOWN"
    title: str | None = None  # a command may name new layers itself (LiDAR does)

    def fields(self, layer_id: str) -> dict[str, Any]:
        values: dict[str, Any] = {"id": layer_id, "access_level": self.access_level,
                                  "update_frequency": self.update_frequency}
        if self.title:
            values["title"] = {"en": self.title}
        return values


@dataclass(frozen=True)
class Manifest:
    """A layer manifest: its declared layers by id and its ``defaults:`` block."""

    name: str  # the path as given, for messages
    layers: Mapping[str, LayerSpec]
    defaults: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LoadOptions:
    """How this load runs (not registered with the layer)."""

    source: str | None  # the file as the user gave it (command line or manifest)
    source_crs: str | None
    default_storage_crs: str
    strict: bool


@dataclass(frozen=True)
class Resolution:
    """The declaration to register, the load's options, where each field came from, and
    what the user should know (changes to a registered declaration, another source)."""

    spec: LayerSpec
    load: LoadOptions
    origins: Mapping[str, Origin]
    notes: tuple[str, ...] = ()


def resolve(layer_id: str, given: GivenOptions, defaults: Defaults, *,
            manifest: Manifest | None = None, registered: LayerSpec | None = None
            ) -> Resolution:
    """The layer's declaration and load options: manifest > flags > defaults (see the
    module's table). Raises `InvalidLayerSpec` naming the field when a flag contradicts
    the manifest, when the command's kind is not the layer's, or when a new layer lacks a
    required field."""
    declared = manifest.layers.get(layer_id) if manifest is not None else None
    flags = given.spec_fields()
    tiers: list[tuple[Origin, dict[str, Any]]]
    _check_kind(layer_id, given.kind, declared, registered, manifest)
    if declared is not None:
        assert manifest is not None
        _check_conflicts(layer_id, flags, declared, manifest.name)
        tiers = [("default", defaults.fields(layer_id)), ("flag", flags),
                 ("manifest", _set_fields(declared))]
    elif registered is not None:
        tiers = [("registry", registered.model_dump(mode="json")), ("flag", flags)]
    else:
        inherited = {key: value for key, value in (manifest.defaults if manifest else {}).items()
                     if key not in UNINHERITED}
        tiers = [("default", {**defaults.fields(layer_id), **inherited}), ("flag", flags)]
    merged, origins = _merge(tiers)
    if declared is None and registered is None:
        _require(layer_id, merged, manifest)
    spec = registry.parse_spec(merged, where=_where(declared, manifest))
    load = _load_options(given, defaults, declared, registered)
    return Resolution(spec=spec, load=load, origins=origins,
                      notes=_notes(spec, origins, given, declared, registered))


def _set_fields(spec: LayerSpec) -> dict[str, Any]:
    """The fields a manifest entry (or its ``defaults:``) sets itself, not model defaults."""
    dumped = spec.model_dump(mode="json")
    return {key: dumped[key] for key in spec.model_fields_set}


def _merge(tiers: list[tuple[Origin, dict[str, Any]]]) -> tuple[dict[str, Any],
                                                                  dict[str, Origin]]:
    """Lowest tier first; a flag setting part of a mapping (`MERGED`) keeps the rest."""
    merged: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    for origin, values in tiers:
        for key, value in values.items():
            below = merged.get(key)
            if origin == "flag" and key in MERGED and isinstance(below, dict):
                value = {**below, **value}
            merged[key] = value
            origins[key] = origin
    if isinstance(merged.get("contact_point"), dict):
        merged["contact_point"] = {"name": "", **merged["contact_point"]}
    return merged, origins


def _check_kind(layer_id: str, kind: LayerKind | None, declared: LayerSpec | None,
                registered: LayerSpec | None, manifest: Manifest | None) -> None:
    """A command loads one kind of layer: refuse a layer declared or stored as another."""
    if kind is None:
        return
    if declared is not None and "kind" in declared.model_fields_set and declared.kind != kind:
        where = manifest.name if manifest is not None else "the manifest"
        raise InvalidLayerSpec(f"layer {layer_id!r} is declared kind: {declared.kind} in "
                               f"{where}; this command loads {kind} layers")
    if declared is None and registered is not None and registered.kind != kind:
        raise InvalidLayerSpec(f"layer {layer_id!r} is a registered {registered.kind} layer; "
                               f"this command loads {kind} layers")


def _check_conflicts(layer_id: str, flags: Mapping[str, Any], declared: LayerSpec,
                     manifest_name: str) -> None:
    """The manifest wins, loudly: a flag contradicting a value it sets is an error."""
    for name, value in flags.items():
        if name == "kind" or name not in declared.model_fields_set:
            continue  # the kind has its own message (`_check_kind`)
        if not _agrees(declared, name, value):
            current = _shown(declared.model_dump(mode="json")[name])
            raise InvalidLayerSpec(
                f"layer {layer_id!r}: {FLAGS[name]} {_shown(value)} conflicts with "
                f"{name}: {current} in {manifest_name} (the manifest wins): change the "
                "manifest or drop the flag")


def _agrees(declared: LayerSpec, name: str, value: Any) -> bool:
    """Whether a flag says what the manifest says (codes compared once expanded)."""
    if name == "title":
        return bool(declared.title.get("en") == value["en"])
    if name == "contact_point":
        contact = declared.contact_point
        return all(getattr(contact, key) == part for key, part in value.items())
    candidate = registry.parse_spec({**declared.model_dump(mode="json"), name: value},
                                    where=FLAGS[name])
    return bool(getattr(candidate, name) == getattr(declared, name))


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key}={part}" for key, part in value.items())
    return str(value)


def _require(layer_id: str, merged: Mapping[str, Any], manifest: Manifest | None) -> None:
    """A new layer declared by flags alone names every missing flag at once."""
    missing = [flag for key, flag in REQUIRED.items()
               if not merged.get(key) or (key == "contact_point"
                                          and not merged[key].get("email"))]
    if missing:
        where = manifest.name if manifest is not None else "a manifest"
        raise InvalidLayerSpec(f"layer {layer_id!r} is neither registered nor in {where}: "
                               f"declare it there or give {', '.join(missing)}")


def _where(declared: LayerSpec | None, manifest: Manifest | None) -> str:
    if declared is not None and manifest is not None:
        return f"{manifest.name} with the command line"
    return "command line"


def _load_options(given: GivenOptions, defaults: Defaults, declared: LayerSpec | None,
                  registered: LayerSpec | None) -> LoadOptions:
    return LoadOptions(
        source=given.source or (declared.source if declared is not None else None),
        source_crs=_source_crs(given, declared, registered),
        default_storage_crs=defaults.storage_crs,
        strict=bool(given.strict),
    )


def _source_crs(given: GivenOptions, declared: LayerSpec | None,
                registered: LayerSpec | None) -> str | None:
    """The manifest's ``source_crs`` > ``--crs`` > the registered one (see the module)."""
    if declared is not None and declared.source_crs is not None:
        if given.source_crs is not None and _crs_key(given.source_crs) != _crs_key(
                declared.source_crs):
            raise InvalidLayerSpec(
                f"layer {declared.id!r}: --crs {given.source_crs} conflicts with source_crs: "
                f"{declared.source_crs} in the manifest (the manifest wins): change the "
                "manifest or drop the flag")
        return declared.source_crs
    if given.source_crs is not None:
        return given.source_crs
    base = declared if declared is not None else registered
    return base.source_crs if base is not None else None


def _crs_key(value: str) -> str:
    return "".join(value.split()).upper()


def _notes(spec: LayerSpec, origins: Mapping[str, Origin], given: GivenOptions,
           declared: LayerSpec | None, registered: LayerSpec | None) -> tuple[str, ...]:
    """What changes in a registered declaration (and why), and a source other than the
    manifest's: said, never silent."""
    notes: list[str] = []
    if registered is not None:
        before, after = registered.model_dump(mode="json"), spec.model_dump(mode="json")
        for key, value in after.items():
            if before.get(key) != value:
                notes.append(f"{key}: {_shown(before.get(key))} -> {_shown(value)} "
                             f"({_origin_label(key, origins)})")
    if (declared is not None and declared.source and given.source
            and os.path.abspath(declared.source) != os.path.abspath(given.source)):
        notes.append(f"loading {given.source}, not the manifest's source {declared.source}")
    return tuple(notes)


def _origin_label(key: str, origins: Mapping[str, Origin]) -> str:
    origin = origins.get(key, "default")
    return FLAGS.get(key, origin) if origin == "flag" else origin


# --- the resolver's inputs ------------------------------------------------------------------
def read_manifest(path: Path) -> Manifest:
    """A manifest's layers (validated, errors naming the entry) and its ``defaults:``."""
    specs = registry.load_manifest(path)
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    defaults = (document.get("defaults") or {}) if isinstance(document, dict) else {}
    return Manifest(name=str(path), layers={spec.id: spec for spec in specs},
                    defaults=dict(defaults))


def find_manifest(given: Path | None, default: Path) -> Manifest | None:
    """The manifest named on the command line (it must exist), else the deployment's when
    there is one."""
    if given is not None:
        return read_manifest(given)
    return read_manifest(default) if default.is_file() else None


def registered_spec(conn: Connection, layer_id: str) -> LayerSpec | None:
    """The layer's registered declaration, if it has one."""
    try:
        return registry.get_layer(conn, layer_id).spec
    except LayerNotFound:
        return None
