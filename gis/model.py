"""The registry's data contracts: what a layer is (its spec) and what it currently holds.

A `LayerSpec` is what a service declares (manifest or CLI flags); a `Layer` adds what the
store knows after loads (version, counts, extent, quality). Every output of the product --
OGC API collections, tiles, catalogue records, downloads -- is derived from these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from gis import inspire_themes, vocab
from gis.schema import RESERVED_COLUMNS

LAYER_ID = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
#: ids the service uses for collections of its own (the OGC API Records catalogue, the
#: SensorThings Things with their latest values)
RESERVED_LAYER_IDS = frozenset({"catalog", "sensors"})
Language = Literal["fr", "nl", "en", "de"]
AccessLevel = Literal["open", "shared", "closed"]
LayerKind = Literal["vector", "lidar", "raster", "table", "bim"]
#: kinds whose data are features with geometries in a layer table (versions, published view,
#: OGC API items and tiles, vector downloads): a BIM model is one feature per element
FEATURE_KINDS: frozenset[str] = frozenset({"vector", "bim"})
#: kinds served and downloaded row by row from a layer table, with or without geometry
ROW_KINDS: frozenset[str] = FEATURE_KINDS | {"table"}
RuleName = Literal["drop", "generalise", "hash", "suppress"]


class AnonymisationRule(BaseModel):
    """How one personal field is treated before data leaves the store.

    ``drop`` removes it; ``generalise`` coarsens it (``{"to": "year"}`` for dates,
    ``{"grid": 100}`` metres for points, ``{"classes": [0, 100000, ...]}`` for numbers);
    ``hash`` is a keyed pseudonym (shared level only: it is not anonymisation);
    ``suppress`` hides aggregate cells smaller than ``{"min_count": k}``.
    """

    model_config = ConfigDict(extra="forbid")

    rule: RuleName
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_params(self) -> AnonymisationRule:
        if self.rule == "generalise" and not ({"to", "grid", "classes"} & self.params.keys()):
            raise ValueError("generalise needs one of: to (year|month), grid (metres), classes")
        return self


class ContactPoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    email: str
    url: str | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if "@" not in value:
            raise ValueError(f"{value!r} is not an e-mail address")
        return value


class JoinSpec(BaseModel):
    """A table published on the geometries of a spatial layer: its rows whose ``on`` column
    equals the spatial layer's ``to`` column (``on`` when not given), as a view with the
    spatial layer's geometries; ``style_column`` is the numeric column its choropleth shows."""

    model_config = ConfigDict(extra="forbid")

    layer: str
    on: str
    to: str | None = None
    style_column: str | None = None

    @property
    def target_column(self) -> str:
        return self.to or self.on


class LayerSpec(BaseModel):
    """A layer as declared by its producer service."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: LayerKind = "vector"
    title: dict[Language, str]
    description: dict[Language, str] = Field(default_factory=dict)
    theme: list[str] = Field(default_factory=list)
    #: INSPIRE spatial data themes (codes such as ``cp``, ``tn``, ``bu``; `gis.inspire_themes`):
    #: the keyword from "GEMET - INSPIRE themes" every INSPIRE metadata record needs
    inspire_themes: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    producer: str
    contact_point: ContactPoint
    licence: str
    access_level: AccessLevel = "open"
    shared_with: list[str] = Field(default_factory=list)
    update_frequency: str
    personal_fields: dict[str, AnonymisationRule] = Field(default_factory=dict)
    source: str | None = None
    source_layer: str | None = None
    source_crs: str | None = None
    storage_crs: str | None = None
    id_field: str | None = None
    osm_mapping: Literal["roads", "facilities"] | None = None
    #: a table layer published on a spatial layer's geometries (`JoinSpec`)
    join: JoinSpec | None = None
    #: the date or timestamp attribute that places a feature in time: OGC API ``datetime``
    #: filters on it and the collection's temporal extent is its range
    temporal_property: str | None = None
    #: where ``twin refresh`` fetches the layer (an HTTP(S) file, a WFS 2.0 endpoint with its
    #: ``typeNames``, or an OGC API Features collection); never carries credentials, which come
    #: from the settings (``TWIN_SOURCE_CREDENTIALS``) by host
    source_url: AnyHttpUrl | None = None
    #: the source attribute that identifies a feature across versions (the change set matches
    #: on it); without it features are matched by a hash of geometry and attributes
    source_id_field: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not LAYER_ID.match(value):
            raise ValueError(
                f"{value!r}: a layer id is 1-48 lower-case letters, digits or _, "
                "starting with a letter"
            )
        if value in RESERVED_LAYER_IDS:
            raise ValueError(f"{value!r} is the service's own collection (OGC API Records): "
                             "choose another layer id")
        return value

    @field_validator("temporal_property")
    @classmethod
    def _temporal_property(cls, value: str | None) -> str | None:
        """A name an attribute can have: the store's own columns (id, geometries) carry no
        time, and a blank name would silently turn ``datetime`` filtering off."""
        if value is None:
            return None
        if not value.strip() or value != value.strip():
            raise ValueError(f"temporal_property {value!r}: give an attribute name")
        if value in RESERVED_COLUMNS:
            raise ValueError(f"temporal_property {value!r}: a column of the store, not an "
                             "attribute of the data")
        return value

    @field_validator("source_url")
    @classmethod
    def _source_url(cls, value: AnyHttpUrl | None) -> AnyHttpUrl | None:
        """A manifest is versioned and shared: a password in it would leak, so credentials
        are refused here and taken from the settings by host instead."""
        if value is not None and (value.username or value.password):
            raise ValueError("source_url may not carry credentials: set TWIN_SOURCE_CREDENTIALS")
        return value

    @field_validator("title")
    @classmethod
    def _title(cls, value: dict[Language, str]) -> dict[Language, str]:
        if not value or not any(v.strip() for v in value.values()):
            raise ValueError("a layer needs a title in at least one language")
        return value

    @field_validator("licence")
    @classmethod
    def _licence(cls, value: str) -> str:
        return vocab.expand(value, vocab.LICENCE, vocab.LICENCES)

    @field_validator("update_frequency")
    @classmethod
    def _frequency(cls, value: str) -> str:
        return vocab.expand(value, vocab.FREQUENCY, set(vocab.FREQUENCY_DAYS))

    @field_validator("inspire_themes")
    @classmethod
    def _inspire_themes(cls, value: list[str]) -> list[str]:
        return inspire_themes.check_codes(value)

    @field_validator("theme")
    @classmethod
    def _theme(cls, value: list[str]) -> list[str]:
        return [vocab.expand(v, vocab.DATA_THEME, vocab.DATA_THEMES) for v in value]

    @model_validator(mode="after")
    def _access(self) -> LayerSpec:
        if self.shared_with and self.access_level != "shared":
            raise ValueError("shared_with is only meaningful for access_level 'shared'")
        return self

    def label(self, preferred: tuple[str, ...] = ("en", "fr", "nl", "de")) -> str:
        """The title in the first preferred language present."""
        for language in preferred:
            if language in self.title:
                return self.title[language]
        return next(iter(self.title.values()))


class QualityIssue(BaseModel):
    """One problem found in a source: where (file, feature index or id) and what."""

    code: str
    message: str
    feature: str | None = None
    action: Literal["repaired", "rejected", "kept", "fatal"] = "rejected"


class QualityReport(BaseModel):
    """What a load read, kept, repaired and refused, with the reasons."""

    source: str
    features_read: int = 0
    features_loaded: int = 0
    repaired: int = 0
    rejected: int = 0
    counts: dict[str, int] = Field(default_factory=dict)
    issues: list[QualityIssue] = Field(default_factory=list)
    issues_truncated: int = 0

    MAX_ISSUES: int = Field(default=1000, exclude=True)

    def add(self, issue: QualityIssue) -> None:
        """Count an issue and keep its detail (up to `MAX_ISSUES`, then only counts)."""
        self.counts[issue.code] = self.counts.get(issue.code, 0) + 1
        if len(self.issues) < self.MAX_ISSUES:
            self.issues.append(issue)
        else:
            self.issues_truncated += 1

    def summary(self) -> dict[str, Any]:
        return {
            "features_read": self.features_read,
            "features_loaded": self.features_loaded,
            "repaired": self.repaired,
            "rejected": self.rejected,
            "counts": self.counts,
        }


class LayerVersion(BaseModel):
    """One load of a layer: a new version when it succeeded, a record of why when it failed."""

    layer_id: str
    load_id: int
    version: int | None
    status: Literal["loading", "current", "superseded", "pruned", "failed"]
    source: str | None
    checksum: str | None
    started_at: datetime
    finished_at: datetime | None
    begin_lifespan: datetime | None
    end_lifespan: datetime | None
    feature_count: int | None
    geometry_type: str | None
    extent: tuple[float, float, float, float] | None
    extent_4326: tuple[float, float, float, float] | None
    quality: dict[str, Any] | None
    error: str | None


class Layer(BaseModel):
    """A registered layer: its spec plus what the store holds now."""

    spec: LayerSpec
    storage_srid: int
    current_version: int | None = None
    feature_count: int | None = None
    geometry_type: str | None = None
    extent: tuple[float, float, float, float] | None = None
    extent_4326: tuple[float, float, float, float] | None = None
    last_load: datetime | None = None
    quality: dict[str, Any] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    #: feature edits since the layer was created (OGC API Features Part 4), see `edit_seq`
    edit_seq: int = 0

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def table(self) -> str:
        """Name of the current data table in the ``data`` schema."""
        return self.spec.id


@dataclass(frozen=True)
class VersionStats:
    """What a successful load publishes with its version (`gis.registry.publish_version`):
    counts and extents the catalogue and the OGC API serve without scanning the data, and
    the load's report as stored JSON -- a vector load's `QualityReport`, a LiDAR layer's
    files, a raster's cells: its shape is the layer kind's, so it stays a JSON document."""

    feature_count: int
    geometry_type: str
    extent: list[float] | None
    extent_4326: list[float] | None
    quality: dict[str, Any] | None
    checksum: str | None = None
    #: record ``extent_4326`` as the version's footprint polygon (vector loads)
    with_footprint: bool = False

    def columns(self) -> dict[str, Any]:
        """The ``layer_version`` columns these set (the footprint is the registry's SQL)."""
        values: dict[str, Any] = {
            "feature_count": self.feature_count, "geometry_type": self.geometry_type,
            "extent": self.extent, "extent_4326": self.extent_4326, "quality": self.quality,
        }
        if self.checksum is not None:
            values["checksum"] = self.checksum
        return values
