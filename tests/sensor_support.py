"""The SensorThings Things the sensor tests post: one Thing at a point, with one Datastream
(its Sensor, ObservedProperty and Observations) created in the same deep insert."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

OM = "http://www.opengis.net/def/observationType/OGC-OM/2.0/"
UCUM = "http://unitsofmeasure.org/ucum.html"


@dataclass(frozen=True)
class Stream:
    """What a Datastream measures (its name is the Thing's name and ``suffix``)."""

    suffix: str
    description: str
    observation_type: str  # an OM_* type
    unit: tuple[str, str, str]  # name, symbol, definition
    sensor: tuple[str, str, str]  # name, description, metadata URL
    observed: tuple[str, str, str]  # name, description, definition


NO2 = Stream("NO2", "hourly NO2", "OM_Measurement",
             ("microgram per cubic metre", "µg/m³", UCUM),
             ("NO2 cell", "electrochemical", "https://x/no2.pdf"),
             ("NO2", "nitrogen dioxide", "http://vocab.nerc.ac.uk/NO2/"))
TRAFFIC = Stream("vehicles", "vehicles per hour", "OM_CountObservation",
                 ("vehicles per hour", "veh/h", UCUM),
                 ("loop", "induction loop", "https://x/loop.pdf"),
                 ("traffic", "vehicles", "http://example.org/traffic"))
TEMPERATURE = Stream("air temperature", "every 10 minutes", "OM_Measurement",
                     ("degree Celsius", "°C", f"{UCUM}#para-30"),
                     ("PT100", "thermometer", "https://x/pt100.pdf"),
                     ("air temperature", "2 m above ground", "https://x/air-temperature"))


def thing(name: str, description: str, lon: float, lat: float, stream: Stream,
          observations: Iterable[tuple[str, float]], *, location: str = "mast",
          layer: str | None = None) -> dict[str, Any]:
    """The deep-insert body of a Thing with one Datastream and its ``observations``
    ((phenomenon time, result)); ``layer``: the layer whose access level it takes."""
    unit, sensor, observed = stream.unit, stream.sensor, stream.observed
    return {
        "name": name, "description": description,
        "properties": {"layer": layer} if layer else {},
        "Locations": [{"name": name, "description": location, "encodingType":
                       "application/geo+json",
                       "location": {"type": "Point", "coordinates": [lon, lat]}}],
        "Datastreams": [{
            "name": f"{name} {stream.suffix}", "description": stream.description,
            "observationType": OM + stream.observation_type,
            "unitOfMeasurement": {"name": unit[0], "symbol": unit[1], "definition": unit[2]},
            "Sensor": {"name": sensor[0], "description": sensor[1],
                       "encodingType": "application/pdf", "metadata": sensor[2]},
            "ObservedProperty": {"name": observed[0], "description": observed[1],
                                 "definition": observed[2]},
            "Observations": [{"phenomenonTime": time, "result": result}
                             for time, result in observations],
        }],
    }
