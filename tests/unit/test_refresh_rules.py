"""What `gis.refresh` decides without a database or a network: the source's protocol, when a
layer is due, where credentials may (not) come from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gis.errors import InvalidLayerSpec
from gis.model import Layer, LayerSpec
from gis.refresh import RefreshState, is_due, protocol_of
from gis.registry import parse_spec
from twin.settings import Settings

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


def layer(frequency: str, last_load: datetime | None = None, **extra: Any) -> Layer:
    spec = LayerSpec.model_validate({
        "id": "roads", "title": {"en": "Roads"}, "producer": "p", "licence": "CC0",
        "contact_point": {"name": "n", "email": "n@example.org"},
        "update_frequency": frequency, "source_url": "https://geo.example.be/roads.geojson",
        **extra})
    return Layer(spec=spec, storage_srid=31370, last_load=last_load)


def state(success: datetime | None, late: bool = False) -> RefreshState:
    return RefreshState("roads", "https://geo.example.be/roads.geojson", None, None, NOW,
                        success, None, None, late)


@pytest.mark.parametrize(("url", "protocol"), [
    ("https://geo.example.be/roads.geojson", "file"),
    ("https://geo.example.be/wfs?SERVICE=WFS&typeNames=ns:roads", "wfs"),
    ("https://geo.example.be/ows?service=wfs&request=GetFeature&typeName=roads", "wfs"),
    ("https://api.example.be/collections/roads", "ogcapi"),
    ("https://api.example.be/ogc/collections/roads/items?f=json", "ogcapi"),
    ("https://api.example.be/collections", "file"),
])
def test_protocol_of(url: str, protocol: str) -> None:
    assert protocol_of(url) == protocol


def test_due_after_the_frequency_period_since_the_last_success() -> None:
    monthly = layer("MONTHLY", last_load=NOW - timedelta(days=40))
    assert is_due(monthly, None, NOW)  # loaded 40 days ago, never refreshed
    assert not is_due(monthly, state(NOW - timedelta(days=3)), NOW)
    assert is_due(monthly, state(NOW - timedelta(days=31)), NOW)
    assert is_due(layer("DAILY"), None, NOW)  # never loaded
    assert is_due(layer("CONT", last_load=NOW), None, NOW)  # continuous: always


def test_frequencies_without_a_period_and_layers_without_a_source_are_never_due() -> None:
    for code in ("IRREG", "UNKNOWN", "AS_NEEDED", "NEVER"):
        assert not is_due(layer(code), None, NOW)
    no_source = layer("DAILY").model_copy(update={"spec": LayerSpec.model_validate({
        **layer("DAILY").spec.model_dump(mode="json"), "source_url": None})})
    assert not is_due(no_source, None, NOW)


def test_credentials_never_come_from_the_manifest() -> None:
    entry = layer("DAILY").spec.model_dump(mode="json")
    entry["source_url"] = "https://user:secret@geo.example.be/roads.geojson"
    with pytest.raises(InvalidLayerSpec, match="TWIN_SOURCE_CREDENTIALS"):
        parse_spec(entry)


def test_credentials_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWIN_SOURCE_CREDENTIALS", '{"geo.example.be": "user:secret"}')
    settings = Settings()
    assert settings.source_secrets == {"geo.example.be": "user:secret"}
    assert "secret" not in repr(settings)
    monkeypatch.setenv("TWIN_SOURCE_CREDENTIALS", "")  # compose passes empty variables
    monkeypatch.setenv("TWIN_SMTP_HOST", "")
    empty = Settings()
    assert empty.source_secrets == {}
    assert empty.smtp_host is None
