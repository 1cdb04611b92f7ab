"""Retention and downsampling per Datastream (`twin sensors maintain`), on real partitions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from gis.sensors.entities import SETS
from gis.sensors.maintain import maintain
from gis.sensors.observations import NewObservation, insert_observations
from gis.sensors.scope import SYSTEM
from gis.sensors.write import Writer

pytestmark = pytest.mark.integration
NOW = datetime(2031, 6, 15, 12, tzinfo=UTC)


def _stream(engine: Engine, properties: dict[str, object]) -> int:
    body = {"name": f"m-{uuid.uuid4().hex[:6]}", "description": "",
            "Locations": [{"name": "x", "description": "", "encodingType":
                           "application/geo+json",
                           "location": {"type": "Point", "coordinates": [4.7, 50.9]}}],
            "Datastreams": [{"name": "no2", "description": "", "observationType": "m",
                             "unitOfMeasurement": {"symbol": "ug/m3"}, "properties": properties,
                             "Sensor": {"name": "s", "description": "",
                                        "encodingType": "text/plain", "metadata": "-"},
                             "ObservedProperty": {"name": "NO2", "definition": "urn:no2",
                                                  "description": ""}}]}
    with engine.begin() as conn:
        writer = Writer(conn, SYSTEM)
        writer.create(SETS["Things"], body)
        return next(i for name, i in writer.created.entities if name == "Datastreams")


def test_downsampling_then_retention(engine: Engine) -> None:
    stream = _stream(engine, {"retention_days": 60,
                              "downsample": {"after_days": 7, "seconds": 3600}})
    times = [NOW - timedelta(days=90, minutes=m) for m in range(0, 30, 10)]  # dropped
    times += [NOW - timedelta(days=10, minutes=m) for m in (1, 11, 21, 31)]  # one hour: mean
    times += [NOW - timedelta(days=1, minutes=m) for m in (0, 5)]  # kept as they are
    with engine.begin() as conn:
        insert_observations(conn, [NewObservation(stream, moment, None, float(i))
                                   for i, moment in enumerate(times)], SYSTEM,
                            Writer(conn, SYSTEM).features)
    results = maintain(engine, now=NOW)
    mine = next(r for r in results if r.datastream_id == stream)
    assert mine.deleted == 3
    assert mine.downsampled == 4
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT result::float, parameters, phenomenon_time_end - phenomenon_time "
            "FROM twin.sta_observation WHERE datastream_id = :d ORDER BY phenomenon_time"),
            {"d": stream}).all()
    downsampled = [r for r in rows if r[1]]
    assert len(rows) == 2 + len(downsampled)
    assert sum(r[1]["downsampled"] for r in downsampled) == 4
    assert all(r[2] == timedelta(hours=1) for r in downsampled)
    means = {3.0, 4.0, 5.0, 6.0}
    assert all(min(means) <= r[0] <= max(means) for r in downsampled)
    again = maintain(engine, now=NOW)
    assert next(r for r in again if r.datastream_id == stream).downsampled == 0  # idempotent
    with engine.connect() as conn:
        partitions = {r[0] for r in conn.execute(text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'twin.sta_observation'::regclass"))}
    assert "sta_observation_y2031m03" not in partitions  # emptied by retention: dropped
    assert "sta_observation_y2031m06" in partitions
