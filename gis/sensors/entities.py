"""The eight SensorThings 1.1 entity sets, described once: their JSON properties with the
columns holding them, their navigation links and how each is stored (a key here, a key
there, or a link table). Reads, filters, deep inserts and the URL parser all use this."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PropKind = Literal["id", "text", "json", "time", "interval", "geojson"]


@dataclass(frozen=True)
class Prop:
    """A JSON property: its column (an interval's second column in ``end``)."""

    name: str
    column: str
    kind: PropKind = "text"
    end: str | None = None
    required: bool = False


@dataclass(frozen=True)
class Nav:
    """A navigation link to ``target``: ``one`` entity through this table's ``column``, or
    ``many`` through the target's ``column`` (``link``: a link table whose ``column`` is
    ours and ``other`` the target's)."""

    name: str
    target: str
    many: bool
    column: str
    link: str | None = None
    other: str | None = None


@dataclass(frozen=True)
class EntitySet:
    name: str
    singular: str
    table: str
    props: tuple[Prop, ...]
    navs: tuple[Nav, ...]

    def prop(self, name: str) -> Prop | None:
        return next((p for p in self.props if p.name == name), None)

    def nav(self, name: str) -> Nav | None:
        return next((n for n in self.navs if n.name == name), None)


def _common(*extra: Prop) -> tuple[Prop, ...]:
    return (Prop("name", "name", required=True), Prop("description", "description"), *extra)


SETS: dict[str, EntitySet] = {s.name: s for s in (
    EntitySet("Things", "Thing", "sta_thing",
              _common(Prop("properties", "properties", "json")),
              (Nav("Locations", "Locations", True, "thing_id", "sta_thing_location",
                   "location_id"),
               Nav("HistoricalLocations", "HistoricalLocations", True, "thing_id"),
               Nav("Datastreams", "Datastreams", True, "thing_id"))),
    EntitySet("Locations", "Location", "sta_location",
              _common(Prop("encodingType", "encoding_type", required=True),
                      Prop("location", "location", "geojson", required=True),
                      Prop("properties", "properties", "json")),
              (Nav("Things", "Things", True, "location_id", "sta_thing_location", "thing_id"),
               Nav("HistoricalLocations", "HistoricalLocations", True, "location_id",
                   "sta_historical_location_location", "historical_location_id"))),
    EntitySet("HistoricalLocations", "HistoricalLocation", "sta_historical_location",
              (Prop("time", "time", "time", required=True),),
              (Nav("Thing", "Things", False, "thing_id"),
               Nav("Locations", "Locations", True, "historical_location_id",
                   "sta_historical_location_location", "location_id"))),
    EntitySet("Sensors", "Sensor", "sta_sensor",
              _common(Prop("encodingType", "encoding_type", required=True),
                      Prop("metadata", "metadata", required=True),
                      Prop("properties", "properties", "json")),
              (Nav("Datastreams", "Datastreams", True, "sensor_id"),)),
    EntitySet("ObservedProperties", "ObservedProperty", "sta_observed_property",
              _common(Prop("definition", "definition", required=True),
                      Prop("properties", "properties", "json")),
              (Nav("Datastreams", "Datastreams", True, "observed_property_id"),)),
    EntitySet("Datastreams", "Datastream", "sta_datastream",
              _common(Prop("observationType", "observation_type", required=True),
                      Prop("unitOfMeasurement", "unit_of_measurement", "json", required=True),
                      Prop("observedArea", "observed_area", "json"),
                      Prop("phenomenonTime", "phenomenon_time"),
                      Prop("resultTime", "result_time"),
                      Prop("properties", "properties", "json")),
              (Nav("Thing", "Things", False, "thing_id"),
               Nav("Sensor", "Sensors", False, "sensor_id"),
               Nav("ObservedProperty", "ObservedProperties", False, "observed_property_id"),
               Nav("Observations", "Observations", True, "datastream_id"))),
    EntitySet("Observations", "Observation", "sta_observation",
              (Prop("phenomenonTime", "phenomenon_time", "interval", "phenomenon_time_end"),
               Prop("resultTime", "result_time", "time"),
               Prop("result", "result", "json", required=True),
               Prop("resultQuality", "result_quality", "json"),
               Prop("validTime", "valid_time_start", "interval", "valid_time_end"),
               Prop("parameters", "parameters", "json")),
              (Nav("Datastream", "Datastreams", False, "datastream_id"),
               Nav("FeatureOfInterest", "FeaturesOfInterest", False,
                   "feature_of_interest_id"))),
    EntitySet("FeaturesOfInterest", "FeatureOfInterest", "sta_feature_of_interest",
              _common(Prop("encodingType", "encoding_type", required=True),
                      Prop("feature", "feature", "geojson", required=True),
                      Prop("properties", "properties", "json")),
              (Nav("Observations", "Observations", True, "feature_of_interest_id"),)),
)}
#: the singular name of a one-navigation -> its set ("Thing" -> "Things")
BY_SINGULAR = {s.singular: s for s in SETS.values()}
