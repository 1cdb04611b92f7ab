"""The SensorThings tables (migration ``0014_sensors``) in SQLAlchemy Core: read and written
only by `gis.sensors`."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, MetaData, Table, Text
from sqlalchemy.dialects.postgresql import JSONB

from gis.schema import REGISTRY_SCHEMA
from gis.schema.tables import PostgisGeometry

metadata = MetaData(schema=REGISTRY_SCHEMA)


def _id() -> Column[int]:
    return Column("id", BigInteger, primary_key=True)


thing = Table("sta_thing", metadata, _id(), Column("name", Text), Column("description", Text),
              Column("properties", JSONB), Column("layer_id", Text))
location = Table("sta_location", metadata, _id(), Column("name", Text),
                 Column("description", Text), Column("encoding_type", Text),
                 Column("location", JSONB), Column("properties", JSONB),
                 Column("geom", PostgisGeometry("Geometry", 4326)))
thing_location = Table("sta_thing_location", metadata,
                       Column("thing_id", BigInteger, primary_key=True),
                       Column("location_id", BigInteger, primary_key=True))
historical_location = Table("sta_historical_location", metadata, _id(),
                            Column("thing_id", BigInteger), Column("time", DateTime(True)))
historical_location_location = Table(
    "sta_historical_location_location", metadata,
    Column("historical_location_id", BigInteger, primary_key=True),
    Column("location_id", BigInteger, primary_key=True))
sensor = Table("sta_sensor", metadata, _id(), Column("name", Text), Column("description", Text),
               Column("encoding_type", Text), Column("metadata", Text),
               Column("properties", JSONB))
observed_property = Table("sta_observed_property", metadata, _id(), Column("name", Text),
                          Column("definition", Text), Column("description", Text),
                          Column("properties", JSONB))
datastream = Table(
    "sta_datastream", metadata, _id(), Column("name", Text), Column("description", Text),
    Column("observation_type", Text), Column("unit_of_measurement", JSONB),
    Column("observed_area", JSONB), Column("phenomenon_time", Text),
    Column("result_time", Text), Column("properties", JSONB),
    Column("thing_id", BigInteger), Column("sensor_id", BigInteger),
    Column("observed_property_id", BigInteger))
feature_of_interest = Table(
    "sta_feature_of_interest", metadata, _id(), Column("name", Text),
    Column("description", Text), Column("encoding_type", Text), Column("feature", JSONB),
    Column("properties", JSONB), Column("location_id", BigInteger))
observation = Table(
    "sta_observation", metadata, _id(), Column("datastream_id", BigInteger),
    Column("phenomenon_time", DateTime(True)), Column("phenomenon_time_end", DateTime(True)),
    Column("result_time", DateTime(True)), Column("result", JSONB),
    Column("result_quality", JSONB), Column("valid_time_start", DateTime(True)),
    Column("valid_time_end", DateTime(True)), Column("parameters", JSONB),
    Column("feature_of_interest_id", BigInteger))
