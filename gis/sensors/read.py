"""Reading SensorThings entities: a resource path and its query options into the JSON the
API answers (``value`` lists with ``@iot.count``/``@iot.nextLink``, single entities,
properties), with ``$select`` and nested ``$expand``, within the caller's `Scope`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Select, func, literal, select
from sqlalchemy.exc import DataError, ProgrammingError

from gis.errors import SensorEntityNotFound, SensorQueryError
from gis.sensors import odata
from gis.sensors import sql as q
from gis.sensors.entities import SETS, EntitySet, Prop
from gis.sensors.observations import NewObservation
from gis.sensors.paths import ResourcePath
from gis.sensors.scope import Scope


def time_text(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def prop_value(prop: Prop, row: Any) -> Any:
    value = row[prop.column]
    if prop.kind == "time":
        return time_text(value)
    if prop.kind == "interval":
        end = row[prop.end] if prop.end else None
        if value is None:
            return None
        return f"{time_text(value)}/{time_text(end)}" if end is not None else time_text(value)
    return value


def observation_document(base_url: str, observation_id: int, item: NewObservation
                         ) -> dict[str, Any]:
    """The JSON entity of an observation just stored, from what was stored (no read back):
    what MQTT subscribers receive."""
    link = f"{base_url.rstrip('/')}/Observations({observation_id})"
    start, end = item.phenomenon_time, item.phenomenon_time_end
    valid = item.valid_time
    return {
        "@iot.id": observation_id, "@iot.selfLink": link,
        "phenomenonTime": f"{time_text(start)}/{time_text(end)}" if end else time_text(start),
        "resultTime": time_text(item.result_time), "result": item.result,
        "resultQuality": item.result_quality,
        "validTime": (None if valid is None else f"{time_text(valid[0])}/{time_text(valid[1])}"
                      if valid[1] else time_text(valid[0])),
        "parameters": item.parameters,
        "Datastream@iot.navigationLink": f"{link}/Datastream",
        "FeatureOfInterest@iot.navigationLink": f"{link}/FeatureOfInterest",
    }


class Reader:
    """One request's reads: its scope and the service root for links."""

    def __init__(self, conn: Connection, scope: Scope, base_url: str) -> None:
        self.conn = conn
        self.scope = scope
        self.base = base_url.rstrip("/")

    # --- paths -------------------------------------------------------------------------
    def ids(self, path: ResourcePath) -> tuple[EntitySet, Select[Any]]:
        """The last segment's entity set and the ids it names (visible ones only)."""
        first = path.segments[0]
        table = q.table_of(first.entity_set)
        ids = select(table.c.id).where(q.visible(first.entity_set, table, self.scope))
        if first.id is not None:
            ids = ids.where(table.c.id == first.id)
        current = first.entity_set
        for segment in path.segments[1:]:
            nav = current.nav(segment.via or "")
            assert nav is not None
            target = q.table_of(segment.entity_set)
            related = q.related_ids(nav, current, ids)
            ids = select(target.c.id).where(target.c.id.in_(related),
                                            q.visible(segment.entity_set, target, self.scope))
            if segment.id is not None:
                ids = ids.where(target.c.id == segment.id)
            current = segment.entity_set
        return current, ids

    def resource(self, path: ResourcePath, options: odata.Options) -> Any:
        """What a GET of ``path`` answers (an entity, a collection, a property)."""
        entity_set, ids = self.ids(path)
        if len(path.segments) > 1 and not path.last.single:
            parent_set, parent = self.ids(ResourcePath(path.segments[:-1]))
            if self.conn.execute(parent.limit(1)).first() is None:
                raise SensorEntityNotFound(f"no such {parent_set.singular}")
        if not path.last.single:
            return self.collection(entity_set, ids, options, self._link(path), path.ref)
        rows = self._rows(entity_set, ids, odata.Options(top=1))
        if not rows:
            raise SensorEntityNotFound(f"no such {entity_set.singular}")
        if path.attribute is not None:
            name = path.attribute
            prop = entity_set.prop(name)
            value = rows[0]["id"] if prop is None else prop_value(prop, rows[0])
            return value if path.value else {name if prop else "@iot.id": value}
        if path.ref:
            return {"@iot.selfLink": self.self_link(entity_set, rows[0]["id"])}
        return self.entity(entity_set, rows[0], options)

    def _link(self, path: ResourcePath) -> str:
        parts = []
        for segment in path.segments:
            name = segment.via or segment.entity_set.name
            parts.append(f"{name}({segment.id})" if segment.id is not None else name)
        return f"{self.base}/{'/'.join(parts)}"

    # --- rows --------------------------------------------------------------------------
    def _query(self, entity_set: EntitySet, ids: Select[Any], options: odata.Options
               ) -> tuple[Select[Any], Any]:
        table = q.table_of(entity_set).alias("e")
        compiler = q.FilterCompiler(entity_set, table, self.scope)
        query = select(table).where(table.c.id.in_(ids))
        if options.filter is not None:
            query = query.where(compiler.condition(options.filter))
        return query, (table, compiler)

    def _rows(self, entity_set: EntitySet, ids: Select[Any], options: odata.Options
              ) -> list[Any]:
        query, (table, compiler) = self._query(entity_set, ids, options)
        order = [compiler.order(o.expr).desc() if o.descending else compiler.order(o.expr).asc()
                 for o in options.orderby]
        query = query.order_by(*order, table.c.id).limit(options.top + 1).offset(options.skip)
        return [row._mapping for row in self._execute(query)]

    def _execute(self, query: Select[Any]) -> Any:
        """Run a query built from the request; what PostgreSQL refuses in its values (a
        text compared as a number...) is the request's fault. A savepoint keeps the
        connection usable."""
        try:
            with self.conn.begin_nested():
                return self.conn.execute(query).all()
        except (DataError, ProgrammingError) as exc:
            detail = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
            raise SensorQueryError(f"$filter/$orderby cannot be evaluated: {detail}") from exc

    def count(self, entity_set: EntitySet, ids: Select[Any], options: odata.Options) -> int:
        query, _ = self._query(entity_set, ids, options)
        return int(self._execute(select(func.count()).select_from(query.subquery()))[0][0])

    def collection(self, entity_set: EntitySet, ids: Select[Any], options: odata.Options,
                   link: str, refs: bool = False) -> dict[str, Any]:
        rows = self._rows(entity_set, ids, options)
        more = len(rows) > options.top
        rows = rows[:options.top]
        document: dict[str, Any] = {}
        if options.count:
            document["@iot.count"] = self.count(entity_set, ids, options)
        if more:
            document["@iot.nextLink"] = next_link(link, options)
        if refs:
            document["value"] = [{"@iot.selfLink": self.self_link(entity_set, r["id"])}
                                 for r in rows]
        else:
            document["value"] = [self.entity(entity_set, r, options) for r in rows]
        return document

    # --- entities ----------------------------------------------------------------------
    def self_link(self, entity_set: EntitySet, entity_id: int) -> str:
        return f"{self.base}/{entity_set.name}({entity_id})"

    def entity(self, entity_set: EntitySet, row: Any, options: odata.Options) -> dict[str, Any]:
        chosen = set(options.select)
        for name in chosen:
            if name not in ("id", "@iot.id", "@iot.selfLink") and not (
                    entity_set.prop(name) or entity_set.nav(name)):
                raise SensorQueryError(f"$select: {name!r} is not a property of "
                                       f"{entity_set.singular}")
        everything = not chosen
        link = self.self_link(entity_set, row["id"])
        document: dict[str, Any] = {}
        if everything or chosen & {"id", "@iot.id"}:
            document["@iot.id"] = row["id"]
        if everything or "@iot.selfLink" in chosen:
            document["@iot.selfLink"] = link
        for prop in entity_set.props:
            if everything or prop.name in chosen:
                document[prop.name] = prop_value(prop, row)
        for nav in entity_set.navs:
            if everything or nav.name in chosen:
                document[f"{nav.name}@iot.navigationLink"] = f"{link}/{nav.name}"
        for expand in options.expand:
            self._expand(entity_set, row["id"], expand, document, link)
        return document

    def _expand(self, entity_set: EntitySet, entity_id: int, expand: odata.Expand,
                document: dict[str, Any], link: str) -> None:
        name = expand.path[0]
        nav = entity_set.nav(name)
        if nav is None:
            raise SensorQueryError(f"$expand: {name!r} is not a navigation of "
                                   f"{entity_set.singular}")
        target = SETS[nav.target]
        table = q.table_of(target)
        related = q.related_ids(nav, entity_set, select(literal(entity_id)))
        ids = select(table.c.id).where(table.c.id.in_(related),
                                       q.visible(target, table, self.scope))
        options = expand.options
        if len(expand.path) > 1:  # Datastreams/Observations: expand the rest inside
            options = odata.Options(expand=(odata.Expand(expand.path[1:], expand.options),))
        if nav.many:
            found = self.collection(target, ids, options, f"{link}/{name}")
            document[name] = found["value"]
            if "@iot.count" in found:
                document[f"{name}@iot.count"] = found["@iot.count"]
            if "@iot.nextLink" in found:
                document[f"{name}@iot.nextLink"] = found["@iot.nextLink"]
        else:
            rows = self._rows(target, ids, odata.Options(top=1))
            document[name] = self.entity(target, rows[0], options) if rows else None


def next_link(link: str, options: odata.Options) -> str:
    given = dict(options.given)
    given["$skip"] = str(options.skip + options.top)
    given["$top"] = str(options.top)
    query = "&".join(f"{k}={quote(v, safe='(),/$;=')}" for k, v in given.items())
    return f"{link}?{query}"
