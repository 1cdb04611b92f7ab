"""SQL of the Things-with-latest-values reads (`gis.sensors.latest`): a page of visible
Things on their first Location, their Datastreams with the newest observation each, the
last observations of datastreams for charts. Every newest-first read is a ``LATERAL ...
ORDER BY phenomenon_time DESC LIMIT n`` per datastream, answered by the (datastream, time)
index of every observation partition (migration ``0014``): no scan grows with history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, func, select, true

from gis.sensors import tables as t
from gis.sensors.scope import Scope
from gis.sensors.sql import visible_things

#: a bbox in WGS 84 longitude/latitude (the Locations' storage CRS)
Box = tuple[float, float, float, float]


def _place() -> Any:
    """The Thing's first Location (lowest id) with a geometry, as a lateral subquery."""
    link, loc = t.thing_location, t.location
    return (select(loc.c.geom)
            .select_from(link.join(loc, loc.c.id == link.c.location_id))
            .where(link.c.thing_id == t.thing.c.id, loc.c.geom.is_not(None))
            .order_by(link.c.location_id).limit(1).lateral("place"))


def thing_rows(scope: Scope) -> Subquery:
    """The visible Things as rows a filter can address: id, name, description, layer (their
    ``properties.layer``) and geom (their first Location, NULL without one)."""
    thing, place = t.thing, _place()
    query = (select(thing.c.id, thing.c.name, thing.c.description,
                    thing.c.properties["layer"].astext.label("layer"),
                    place.c.geom.label("geom"))
             .select_from(thing.outerjoin(place, true())))
    if scope.readable is not None:
        query = query.where(thing.c.id.in_(visible_things(scope)))
    return query.subquery("things")


#: an extra condition on `thing_rows` (a compiled CQL2 filter)
Where = Callable[[Subquery], ColumnElement[bool]]


def _conditions(rows: Subquery, bbox: Box | None, where: Where | None,
                thing_id: int | None) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if thing_id is not None:
        found.append(rows.c.id == thing_id)
    if bbox is not None:
        box = func.ST_MakeEnvelope(*bbox, 4326)
        found.append(rows.c.geom.op("&&")(box) & func.ST_Intersects(rows.c.geom, box))
    if where is not None:
        found.append(where(rows))
    return found


def things_page(scope: Scope, bbox: Box | None, limit: int, offset: int,
                where: Where | None = None, thing_id: int | None = None) -> Select[Any]:
    """(id, name, description, layer, GeoJSON geometry or NULL) of visible Things in id order
    (only ``thing_id`` when given); a Thing without a Location has no geometry (and never
    matches a bbox)."""
    rows = thing_rows(scope)
    return (select(rows.c.id, rows.c.name, rows.c.description, rows.c.layer,
                   func.ST_AsGeoJSON(rows.c.geom, 7))
            .where(*_conditions(rows, bbox, where, thing_id))
            .order_by(rows.c.id).limit(limit).offset(offset))


def things_count(scope: Scope, bbox: Box | None, where: Where | None = None) -> Select[Any]:
    rows = thing_rows(scope)
    return select(func.count()).select_from(rows).where(
        *_conditions(rows, bbox, where, None))


def things_extent(scope: Scope) -> Select[Any]:
    """(xmin, ymin, xmax, ymax) of the visible Things' first Locations (NULLs: none)."""
    rows = thing_rows(scope)
    inner = select(func.ST_Extent(rows.c.geom).label("box")).subquery()
    return select(func.ST_XMin(inner.c.box), func.ST_YMin(inner.c.box),
                  func.ST_XMax(inner.c.box), func.ST_YMax(inner.c.box))


def latest_of_things(thing_ids: Sequence[int]) -> Select[Any]:
    """(thing id, datastream id, name, unit, observed property name, newest phenomenon time,
    its end, newest result) of every Datastream of the Things, in (thing, datastream) order."""
    ds, prop, obs = t.datastream, t.observed_property, t.observation
    newest = (select(obs.c.phenomenon_time, obs.c.phenomenon_time_end, obs.c.result)
              .where(obs.c.datastream_id == ds.c.id)
              .order_by(obs.c.phenomenon_time.desc()).limit(1).lateral("newest"))
    return (select(ds.c.thing_id, ds.c.id, ds.c.name, ds.c.unit_of_measurement, prop.c.name,
                   newest.c.phenomenon_time, newest.c.phenomenon_time_end, newest.c.result)
            .select_from(ds.outerjoin(prop, prop.c.id == ds.c.observed_property_id)
                         .outerjoin(newest, true()))
            .where(ds.c.thing_id.in_(list(thing_ids)))
            .order_by(ds.c.thing_id, ds.c.id))


def last_observations(datastream_ids: Sequence[int], count: int) -> Select[Any]:
    """(datastream id, phenomenon time, result) of the ``count`` newest observations of each
    datastream, newest first."""
    ds, obs = t.datastream, t.observation
    recent = (select(obs.c.phenomenon_time, obs.c.result)
              .where(obs.c.datastream_id == ds.c.id)
              .order_by(obs.c.phenomenon_time.desc()).limit(count).lateral("recent"))
    return (select(ds.c.id, recent.c.phenomenon_time, recent.c.result)
            .select_from(ds.join(recent, true()))
            .where(ds.c.id.in_(list(datastream_ids)))
            .order_by(ds.c.id, recent.c.phenomenon_time.desc()))
