"""SensorThings resource paths: ``Things(1)/Datastreams``, ``Datastreams(2)/Thing/name``,
``Observations(5)/result/$value``, ``Things/$ref``, parsed against the entity model."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gis.errors import SensorEntityNotFound
from gis.sensors.entities import SETS, EntitySet

_SEGMENT = re.compile(r"^([A-Za-z]+)(?:\((\d+)\))?$")


@dataclass(frozen=True)
class Segment:
    entity_set: EntitySet
    #: the navigation name used to reach it (None for the first segment)
    via: str | None
    id: int | None
    #: a single entity: an id was given or a one-navigation reached it
    single: bool


@dataclass(frozen=True)
class ResourcePath:
    segments: tuple[Segment, ...]
    attribute: str | None = None
    value: bool = False
    ref: bool = False

    @property
    def last(self) -> Segment:
        return self.segments[-1]


def parse_path(path: str) -> ResourcePath:
    """The resource a URL path (below ``/v1.1/``) names; unknown names are a 404."""
    parts = [p for p in path.strip("/").split("/") if p]
    if not parts:
        raise SensorEntityNotFound("no resource")
    segments: list[Segment] = []
    prop: str | None = None
    value = ref = False
    for index, part in enumerate(parts):
        if part == "$value" and prop is not None and index == len(parts) - 1:
            value = True
            continue
        if part == "$ref" and index == len(parts) - 1 and segments:
            ref = True
            continue
        match = _SEGMENT.match(part)
        if match is None or prop is not None:
            raise SensorEntityNotFound(f"unknown resource {part!r}")
        name, number = match.group(1), match.group(2)
        if not segments:
            if name not in SETS:
                raise SensorEntityNotFound(f"unknown entity set {name!r}")
            segments.append(Segment(SETS[name], None, _id(number), number is not None))
            continue
        previous = segments[-1]
        nav = previous.entity_set.nav(name)
        if nav is not None and previous.single:
            single = number is not None or not nav.many
            segments.append(Segment(SETS[nav.target], name, _id(number), single))
            continue
        if previous.single and number is None and (
                previous.entity_set.prop(name) is not None or name == "id"):
            prop = name
            continue
        raise SensorEntityNotFound(f"{name!r} is not a navigation or property of "
                                   f"{previous.entity_set.singular}")
    return ResourcePath(tuple(segments), prop, value, ref)


def _id(number: str | None) -> int | None:
    return int(number) if number is not None else None
