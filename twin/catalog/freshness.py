"""Freshness: the declared update frequency against the last successful load.

A layer is overdue when more than its nominal period (`gis.vocab.FREQUENCY_DAYS`) has
passed since its last successful load, or when it was never loaded. Irregular or unplanned
frequencies are never overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gis import vocab
from gis.model import Layer


@dataclass(frozen=True)
class Freshness:
    layer_id: str
    frequency: str
    last_load: datetime | None
    due: datetime | None
    overdue_days: float | None

    @property
    def overdue(self) -> bool:
        return self.overdue_days is not None and self.overdue_days > 0


def freshness(layer: Layer, now: datetime | None = None) -> Freshness:
    now = now or datetime.now(UTC)
    code = vocab.short_code(layer.spec.update_frequency)
    period = vocab.FREQUENCY_DAYS.get(code)
    if period is None:
        return Freshness(layer.id, code, layer.last_load, None, None)
    if layer.last_load is None:
        return Freshness(layer.id, code, None, None, float("inf"))
    due = layer.last_load + timedelta(days=period)
    late = (now - due).total_seconds() / 86400
    return Freshness(layer.id, code, layer.last_load, due, late)


def overdue_layers(layers: list[Layer], now: datetime | None = None) -> list[Freshness]:
    """The overdue layers, most overdue first."""
    found = [f for f in (freshness(layer, now) for layer in layers) if f.overdue]
    return sorted(found, key=lambda f: -(f.overdue_days or 0))
