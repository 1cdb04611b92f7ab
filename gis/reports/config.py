"""The commune's declaration of reports (``config/reports.yml``): categories, limits, layer.

The layer's anonymisation rules are not left to the file: a report's e-mail and description
are personal (a description often names people) and the point is snapped to the declared
grid, so `layer_spec` always adds them -- a deployment cannot publish them by omission.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gis.errors import InvalidLayerSpec
from gis.model import AnonymisationRule, LayerSpec

#: the columns of the reports layer (besides fid and the geometries) and their SQL types
COLUMNS: dict[str, str] = {
    "category": "text", "status": "text", "description": "text", "email": "text",
    "location_source": "text", "has_photo": "boolean", "photo_published": "boolean",
    "created_at": "timestamptz", "updated_at": "timestamptz",
}
PERSONAL = ("description", "email", "has_photo")


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description_chars: int = Field(default=2000, ge=10)
    photo_bytes: int = Field(default=5_000_000, ge=1000)
    photo_pixels: int = Field(default=40_000_000, ge=10_000)


class Locator(BaseModel):
    """Where the no-JavaScript form finds a place typed by the citizen: a published field of
    one of the commune's layers (a parcel's CaPaKey, an address's full text)."""

    model_config = ConfigDict(extra="forbid")
    layer: str
    field: str


class ReportsConfig(BaseModel):
    """What ``config/reports.yml`` declares."""

    model_config = ConfigDict(extra="forbid")
    categories: dict[str, dict[str, str]]
    limits: Limits = Field(default_factory=Limits)
    public_grid_m: float = Field(default=50.0, gt=0)
    locate: Locator | None = None
    #: the commune's territory in WGS 84 (west, south, east, north): a report outside is
    #: refused, and it is the reports layer's extent in the catalogue (INSPIRE requires one)
    area: tuple[float, float, float, float] | None = None
    layer: dict[str, Any]

    @field_validator("area")
    @classmethod
    def _ordered_area(cls, value: tuple[float, float, float, float] | None
                      ) -> tuple[float, float, float, float] | None:
        if value is not None and not (-180 <= value[0] < value[2] <= 180
                                      and -90 <= value[1] < value[3] <= 90):
            raise ValueError("area: west, south, east, north in degrees (WGS 84) expected")
        return value

    def covers(self, lon: float, lat: float) -> bool:
        """Whether a location lies in the commune's declared area (any, when undeclared)."""
        if self.area is None:
            return True
        west, south, east, north = self.area
        return west <= lon <= east and south <= lat <= north

    @property
    def layer_id(self) -> str:
        return str(self.layer["id"])

    def category_label(self, category: str, lang: str) -> str:
        labels = self.categories.get(category, {})
        return labels.get(lang) or labels.get("en") or category

    def layer_spec(self) -> LayerSpec:
        """The layer's declaration with the rules that keep reporters anonymous."""
        rules = {name: AnonymisationRule(rule="drop") for name in PERSONAL}
        rules["geom"] = AnonymisationRule(rule="generalise",
                                          params={"grid": self.public_grid_m})
        try:
            return LayerSpec.model_validate(
                {**self.layer, "kind": "vector", "personal_fields": rules})
        except ValidationError as exc:
            raise InvalidLayerSpec(f"reports layer: {exc.errors()[0]['msg']}") from None


def load_config(path: Path) -> ReportsConfig:
    """Read and validate the file; errors name it and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidLayerSpec(f"{path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise InvalidLayerSpec(f"{path}: not YAML ({exc})") from None
    try:
        config = ReportsConfig.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise InvalidLayerSpec(f"{path}: {where}: {error['msg']}") from None
    if not config.categories:
        raise InvalidLayerSpec(f"{path}: categories: at least one is needed")
    return config
