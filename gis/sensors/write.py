"""Creating, changing and deleting SensorThings entities: deep insert (nested entities and
``{"@iot.id": n}`` references), PATCH, DELETE with what depends on the entity, and the
dataArray batch, all in the caller's transaction and within its `Scope`.

A Thing belongs to the registry layer named by ``properties.layer`` (none: an open Thing);
the access level of that layer governs the Thing and everything hanging from it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, literal, select, update
from sqlalchemy.exc import DBAPIError

from gis.errors import SensorEntityNotFound, SensorError
from gis.sensors import sql as q
from gis.sensors import tables as t
from gis.sensors.entities import SETS, EntitySet, Nav
from gis.sensors.observations import (
    FeatureResolver,
    NewObservation,
    insert_observations,
    parse_interval,
    parse_time,
)
from gis.sensors.scope import Scope

#: one-navigations an entity cannot be created without
REQUIRED_LINKS = {"Datastreams": ("Thing", "Sensor", "ObservedProperty"),
                  "Observations": ("Datastream",), "HistoricalLocations": ("Thing",)}
GEOJSON_TYPES = ("application/geo+json", "application/vnd.geo+json")


@dataclass
class Created:
    """What one request created: (entity set, id) in order, for MQTT announcements."""

    entities: list[tuple[str, int]] = field(default_factory=list)
    #: the observations stored, with what was stored (announced without a read back)
    stored: list[tuple[int, NewObservation]] = field(default_factory=list)

    def observations(self) -> list[int]:
        return [i for name, i in self.entities if name == "Observations"]


class Writer:
    def __init__(self, conn: Connection, scope: Scope) -> None:
        self.conn = conn
        self.scope = scope
        self.created = Created()
        self.features = FeatureResolver()

    # --- access --------------------------------------------------------------------------
    def layers_of(self, entity_set: EntitySet, entity_id: int) -> list[str | None]:
        """The layers of the Things an entity hangs from (none: unlinked)."""
        thing = t.thing
        name = entity_set.name
        if name == "Things":
            things = select(literal(entity_id))
        elif name in ("Datastreams", "HistoricalLocations"):
            table = q.table_of(entity_set)
            things = select(table.c.thing_id).where(table.c.id == entity_id)
        elif name == "Observations":
            things = select(t.datastream.c.thing_id).where(t.datastream.c.id.in_(
                select(t.observation.c.datastream_id).where(t.observation.c.id == entity_id)))
        elif name == "Locations":
            things = select(t.thing_location.c.thing_id).where(
                t.thing_location.c.location_id == entity_id)
        else:
            return [None]
        rows = self.conn.execute(select(thing.c.layer_id).where(thing.c.id.in_(things))).all()
        return [row[0] for row in rows] or [None]

    def check_writable(self, entity_set: EntitySet, entity_id: int) -> None:
        """Visible and writable, or a 404 that names nothing the caller may not see."""
        table = q.table_of(entity_set)
        found = self.conn.execute(select(table.c.id).where(
            table.c.id == entity_id, q.visible(entity_set, table, self.scope))).first()
        if found is None or not all(self.scope.may_write(layer)
                                    for layer in self.layers_of(entity_set, entity_id)):
            raise SensorEntityNotFound(f"no such {entity_set.singular} ({entity_id})")

    # --- create --------------------------------------------------------------------------
    def create(self, entity_set: EntitySet, body: Any, implied: dict[str, int] | None = None
               ) -> int:
        """Create ``body`` (and what it nests) in ``entity_set``; returns its id. A body that
        is only ``{"@iot.id": n}`` references an existing entity instead."""
        if not isinstance(body, dict):
            raise SensorError(f"{entity_set.singular}: expected a JSON object")
        if "@iot.id" in body and len(body) == 1:
            return self._reference(entity_set, body["@iot.id"])
        implied = implied or {}
        if entity_set.name == "Observations":
            return self._observation(body, implied)
        values = self._values(entity_set, body)
        for nav in entity_set.navs:
            if nav.many:
                continue
            if nav.name in body:
                values[nav.column] = self.create(SETS[nav.target], body[nav.name])
            elif nav.name in implied:
                values[nav.column] = implied[nav.name]
        for name in REQUIRED_LINKS.get(entity_set.name, ()):
            required = entity_set.nav(name)
            if required is not None and required.column not in values:
                raise SensorError(f"{entity_set.singular}: {name} is required")
        self._check_create(entity_set, values)
        table = q.table_of(entity_set)
        new_id = int(self.conn.execute(table.insert().values(**values).returning(table.c.id))
                     .scalar_one())
        self.created.entities.append((entity_set.name, new_id))
        if entity_set.name == "Locations":
            self._set_geometry(new_id, body)
        for nav in entity_set.navs:
            if nav.many and nav.name in body:
                self._create_many(entity_set, new_id, nav, body[nav.name])
        if entity_set.name == "Locations" and "Thing" in implied:
            self._link(SETS["Locations"].nav("Things"), new_id, implied["Thing"])
            self._historical_location(implied["Thing"])
        if entity_set.name == "Things" and "Locations" in body:
            self._historical_location(new_id)
        return new_id

    def _reference(self, entity_set: EntitySet, value: Any) -> int:
        if not isinstance(value, int):
            raise SensorError(f"{entity_set.singular}: @iot.id must be an integer")
        table = q.table_of(entity_set)
        found = self.conn.execute(select(table.c.id).where(
            table.c.id == value, q.visible(entity_set, table, self.scope))).first()
        if found is None:
            raise SensorEntityNotFound(f"no such {entity_set.singular} ({value})")
        return value

    def _values(self, entity_set: EntitySet, body: dict[str, Any], partial: bool = False
                ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        known = {p.name for p in entity_set.props} | {n.name for n in entity_set.navs}
        unknown = sorted(k for k in body if k not in known and not k.startswith("@iot."))
        if unknown:
            raise SensorError(f"{entity_set.singular}: unknown properties {', '.join(unknown)}")
        for prop in entity_set.props:
            if prop.name not in body:
                if prop.required and not partial:
                    raise SensorError(f"{entity_set.singular}: {prop.name} is required")
                continue
            value = body[prop.name]
            if prop.kind == "time":
                values[prop.column] = None if value is None else parse_time(value, prop.name)
            elif prop.kind == "interval":
                start, end = parse_interval(value, prop.name) if value else (None, None)
                values[prop.column], values[prop.end or ""] = start, end
            elif prop.kind in ("json", "geojson"):
                values[prop.column] = value
            else:
                if value is not None and not isinstance(value, str):
                    raise SensorError(f"{entity_set.singular}: {prop.name} must be a string")
                values[prop.column] = value if value is not None else ""
        if entity_set.name == "Things" and "properties" in body:
            properties = body.get("properties") or {}
            layer = properties.get("layer") if isinstance(properties, dict) else None
            values["layer_id"] = layer if isinstance(layer, str) else None
        return values

    def _check_create(self, entity_set: EntitySet, values: dict[str, Any]) -> None:
        if entity_set.name == "Things":
            layer = values.get("layer_id")
        elif "thing_id" in values:
            layer = self.conn.execute(select(t.thing.c.layer_id).where(
                t.thing.c.id == values["thing_id"])).scalar()
        else:
            layer = None
        if not self.scope.may_write(layer):
            raise SensorEntityNotFound(f"cannot create this {entity_set.singular}")

    def _set_geometry(self, location_id: int, body: dict[str, Any]) -> None:
        """The Location's geometry for spatial queries and the OGC view (GeoJSON only)."""
        if body.get("encodingType") not in GEOJSON_TYPES:
            return
        geometry = body.get("location")
        if isinstance(geometry, dict) and geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
        try:
            self.conn.execute(update(t.location).where(t.location.c.id == location_id).values(
                geom=func.ST_SetSRID(func.ST_GeomFromGeoJSON(json.dumps(geometry)), 4326)))
        except DBAPIError as exc:  # PostGIS says which GeoJSON it refused
            raise SensorError(f"Location: location is not a GeoJSON geometry ({exc})") from exc

    def _create_many(self, entity_set: EntitySet, entity_id: int, nav: Nav, items: Any) -> None:
        if not isinstance(items, list):
            raise SensorError(f"{entity_set.singular}: {nav.name} must be a list")
        target = SETS[nav.target]
        for item in items:
            if nav.link is not None:
                child = self.create(target, item)
                self._link(nav, entity_id, child)
            else:
                self.create(target, item, {entity_set.singular: entity_id})

    def _link(self, nav: Nav | None, entity_id: int, other_id: int) -> None:
        assert nav is not None
        assert nav.link is not None
        assert nav.other is not None
        link = q.TABLES[nav.link]
        exists = self.conn.execute(select(link).where(
            link.c[nav.column] == entity_id, link.c[nav.other] == other_id)).first()
        if exists is None:
            self.conn.execute(link.insert().values({nav.column: entity_id,
                                                    nav.other: other_id}))

    def _historical_location(self, thing_id: int) -> None:
        """A Thing's Locations changed: record them at this time (spec 8.2.3)."""
        hl, link = t.historical_location, t.historical_location_location
        new_id = self.conn.execute(hl.insert().values(thing_id=thing_id, time=func.now())
                                   .returning(hl.c.id)).scalar_one()
        locations = select(t.thing_location.c.location_id).where(
            t.thing_location.c.thing_id == thing_id)
        self.conn.execute(link.insert().from_select(
            ["historical_location_id", "location_id"],
            select(literal(new_id), locations.subquery().c.location_id)))
        self.created.entities.append(("HistoricalLocations", int(new_id)))

    def observation_item(self, body: dict[str, Any], implied: dict[str, int]
                         ) -> NewObservation:
        """An observation to store from its JSON (its Datastream and FeatureOfInterest
        created or referenced first)."""
        values = self._values(SETS["Observations"], body)
        datastream = body.get("Datastream")
        datastream_id = (self.create(SETS["Datastreams"], datastream) if datastream is not None
                         else implied.get("Datastream"))
        if datastream_id is None:
            raise SensorError("Observation: Datastream is required")
        feature = body.get("FeatureOfInterest")
        feature_id = (self.create(SETS["FeaturesOfInterest"], feature) if feature is not None
                      else implied.get("FeatureOfInterest"))
        valid = values.get("valid_time_start")
        return NewObservation(
            datastream_id=datastream_id,
            phenomenon_time=values.get("phenomenon_time") or datetime.now(UTC),
            phenomenon_time_end=values.get("phenomenon_time_end"), result=body["result"],
            result_time=values.get("result_time"), result_quality=values.get("result_quality"),
            valid_time=(valid, values.get("valid_time_end")) if valid else None,
            parameters=values.get("parameters"), feature_of_interest_id=feature_id)

    def store_observations(self, items: list[NewObservation]) -> list[int]:
        ids = insert_observations(self.conn, items, self.scope, self.features)
        self.created.entities.extend(("Observations", i) for i in ids)
        self.created.stored.extend(zip(ids, items, strict=True))
        return ids

    def _observation(self, body: dict[str, Any], implied: dict[str, int]) -> int:
        return self.store_observations([self.observation_item(body, implied)])[0]

    # --- change and delete ---------------------------------------------------------------
    def patch(self, entity_set: EntitySet, entity_id: int, body: Any) -> None:
        if not isinstance(body, dict):
            raise SensorError(f"{entity_set.singular}: expected a JSON object")
        self.check_writable(entity_set, entity_id)
        values = self._values(entity_set, body, partial=True)
        for nav in entity_set.navs:
            if not nav.many and nav.name in body:
                values[nav.column] = self.create(SETS[nav.target], body[nav.name])
        if entity_set.name == "Things" and "layer_id" in values and not self.scope.may_write(
                values["layer_id"]):
            raise SensorEntityNotFound(f"no such {entity_set.singular} ({entity_id})")
        table = q.table_of(entity_set)
        if values:
            self.conn.execute(update(table).where(table.c.id == entity_id).values(**values))
        if entity_set.name == "Locations" and "location" in body:
            self._set_geometry(entity_id, {**body, "encodingType": body.get(
                "encodingType", GEOJSON_TYPES[0])})
        if entity_set.name == "Things" and "Locations" in body:
            link = t.thing_location
            self.conn.execute(delete(link).where(link.c.thing_id == entity_id))
            self._create_many(entity_set, entity_id, entity_set.nav("Locations"),  # type: ignore[arg-type]
                              body["Locations"])
            self._historical_location(entity_id)

    def delete(self, entity_set: EntitySet, entity_id: int) -> None:
        """Delete an entity and what cannot exist without it (observations are not tied by
        foreign keys: partitioned, they are deleted here)."""
        self.check_writable(entity_set, entity_id)
        obs, ds = t.observation, t.datastream
        streams: Callable[[], Any] | None = {
            "Things": lambda: select(ds.c.id).where(ds.c.thing_id == entity_id),
            "Sensors": lambda: select(ds.c.id).where(ds.c.sensor_id == entity_id),
            "ObservedProperties": lambda: select(ds.c.id).where(
                ds.c.observed_property_id == entity_id),
            "Datastreams": lambda: select(literal(entity_id)),
        }.get(entity_set.name)
        if streams is not None:
            self.conn.execute(delete(obs).where(obs.c.datastream_id.in_(streams())))
        if entity_set.name == "FeaturesOfInterest":
            self.conn.execute(delete(obs).where(obs.c.feature_of_interest_id == entity_id))
        table = q.table_of(entity_set)
        self.conn.execute(delete(table).where(table.c.id == entity_id))

    # --- dataArray -----------------------------------------------------------------------
    def create_observations(self, body: Any) -> list[str | int]:
        """The dataArray extension: per Datastream, ``components`` naming the columns of
        each ``dataArray`` row; returns each row's new id (or ``"error"``, spec 14.2)."""
        if not isinstance(body, list):
            raise SensorError("CreateObservations: expected a JSON array")
        results: list[str | int] = []
        for index, group in enumerate(body):
            results.extend(self.store_observations(self._data_array(group, index)))
        return results

    def _data_array(self, group: Any, index: int) -> list[NewObservation]:
        where = f"CreateObservations[{index}]"
        if not isinstance(group, dict) or not isinstance(group.get("dataArray"), list):
            raise SensorError(f"{where}: needs Datastream, components and dataArray")
        datastream = group.get("Datastream") or {}
        datastream_id = datastream.get("@iot.id") if isinstance(datastream, dict) else None
        components = group.get("components")
        if not isinstance(datastream_id, int) or not isinstance(components, list):
            raise SensorError(f"{where}: Datastream {{\"@iot.id\": n}} and components are "
                              "required")
        if "result" not in components:
            raise SensorError(f"{where}: components must include result")
        position = {name: i for i, name in enumerate(components)}
        items = []
        for row_number, row in enumerate(group["dataArray"]):
            if not isinstance(row, list) or len(row) != len(components):
                raise SensorError(f"{where}.dataArray[{row_number}]: {len(components)} values "
                                  "expected")
            items.append(self._row(datastream_id, row, position, f"{where}[{row_number}]"))
        return items

    @staticmethod
    def _row(datastream_id: int, row: list[Any], position: dict[str, int], where: str
             ) -> NewObservation:
        def get(name: str) -> Any:
            return row[position[name]] if name in position else None

        phenomenon = get("phenomenonTime")
        start, end = (parse_interval(phenomenon, f"{where} phenomenonTime") if phenomenon
                      else (datetime.now(UTC), None))
        result_time = get("resultTime")
        foi = get("FeatureOfInterest/id")
        return NewObservation(
            datastream_id=datastream_id, phenomenon_time=start, phenomenon_time_end=end,
            result=get("result"),
            result_time=parse_time(result_time, where) if result_time else None,
            result_quality=get("resultQuality"), parameters=get("parameters"),
            feature_of_interest_id=int(foi) if foi is not None else None)

