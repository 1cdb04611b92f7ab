"""Every SQL statement of the sensors package, as SQLAlchemy Core over `gis.sensors.tables`
(partition DDL and COPY through psycopg's quoted identifiers): entity-set paths, the
visibility of a caller's `Scope`, compiled ``$filter``/``$orderby``, observation batches,
partitions, latest values, retention and downsampling. Values are always bound."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from psycopg import sql as psql
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    Select,
    Table,
    Text,
    and_,
    case,
    cast,
    delete,
    exists,
    false,
    func,
    literal,
    literal_column,
    not_,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB

from gis.errors import SensorQueryError
from gis.schema import REGISTRY_SCHEMA
from gis.sensors import odata
from gis.sensors import tables as t
from gis.sensors.entities import SETS, EntitySet, Nav, Prop
from gis.sensors.scope import Scope

TABLES: dict[str, Table] = {table.name: table for table in t.metadata.tables.values()}
OBSERVATION_PARTITION_PREFIX = "sta_observation_y"


def table_of(entity_set: EntitySet) -> Table:
    return TABLES[entity_set.table]


# --- visibility ------------------------------------------------------------------------------
def visible_things(scope: Scope) -> Select[Any]:
    thing = t.thing
    query = select(thing.c.id)
    if scope.readable is not None:
        query = query.where(or_(thing.c.layer_id.is_(None),
                                thing.c.layer_id.in_(sorted(scope.readable))))
    return query


def visible(entity_set: EntitySet, alias: Any, scope: Scope) -> ColumnElement[bool]:
    """Whether a row of ``alias`` (of ``entity_set``) exists for the caller."""
    if scope.readable is None:
        return true()
    name = entity_set.name
    things = visible_things(scope)
    if name == "Things":
        column: ColumnElement[Any] = alias.c.id
        return column.in_(things)
    if name in ("Datastreams", "HistoricalLocations"):
        column = alias.c.thing_id
        return column.in_(things)
    if name == "Observations":
        column = alias.c.datastream_id
        return column.in_(
            select(t.datastream.c.id).where(t.datastream.c.thing_id.in_(things)))
    if name == "Locations":
        link = t.thing_location
        return or_(~exists().where(link.c.location_id == alias.c.id),
                   exists().where(link.c.location_id == alias.c.id,
                                  link.c.thing_id.in_(things)))
    if name == "FeaturesOfInterest":
        return or_(alias.c.location_id.is_(None),
                   alias.c.location_id.in_(select(t.location.c.id).where(
                       visible(SETS["Locations"], t.location, scope))))
    return true()


# --- paths ---------------------------------------------------------------------------------
def related_ids(nav: Nav, parent: EntitySet, parent_ids: Select[Any]) -> Select[Any]:
    """Ids of the ``nav.target`` entities related to the parent ids."""
    parent_table = table_of(parent)
    target = table_of(SETS[nav.target])
    if nav.link is not None:
        link = TABLES[nav.link]
        return select(link.c[nav.other or ""]).where(link.c[nav.column].in_(parent_ids))
    if nav.many:
        return select(target.c.id).where(target.c[nav.column].in_(parent_ids))
    return select(parent_table.c[nav.column]).where(parent_table.c.id.in_(parent_ids))


# --- $filter -------------------------------------------------------------------------------
class Operand:
    """A compiled expression and what it holds: json, number, text, time, bool or any."""

    def __init__(self, expr: Any, kind: str) -> None:
        self.expr = expr
        self.kind = kind


def _json_number(expr: Any) -> Any:
    return case((func.jsonb_typeof(expr) == "number", cast(_json_text(expr), Float)),
                else_=null())


def _json_text(expr: Any) -> Any:
    return expr.op("#>>")(literal_column("'{}'::text[]"))


class FilterCompiler:
    """``$filter`` and ``$orderby`` expressions over one entity set's table (alias)."""

    def __init__(self, entity_set: EntitySet, alias: Any, scope: Scope) -> None:
        self.entity_set = entity_set
        self.alias = alias
        self.scope = scope

    def condition(self, expr: odata.Expr) -> ColumnElement[bool]:
        compiled = self.compile(expr)
        if compiled.kind == "json":
            return compiled.expr == cast(literal("true"), JSONB)  # type: ignore[no-any-return]
        return compiled.expr  # type: ignore[no-any-return]

    def order(self, expr: odata.Expr) -> Any:
        compiled = self.compile(expr)
        return compiled.expr

    def compile(self, expr: odata.Expr) -> Operand:
        if isinstance(expr, odata.Literal):
            return self._literal(expr.value)
        if isinstance(expr, odata.Path):
            return self.path(self.entity_set, self.alias, expr.parts)
        if isinstance(expr, odata.Not):
            return Operand(not_(self.condition(expr.operand)), "bool")
        if isinstance(expr, odata.Call):
            return self._call(expr)
        return self._binary(expr)

    def _literal(self, value: Any) -> Operand:
        if value is None:
            return Operand(null(), "any")
        if isinstance(value, bool):
            return Operand(literal(value), "bool")
        if isinstance(value, int | float):
            return Operand(literal(float(value), Float), "number")
        if isinstance(value, datetime):
            return Operand(literal(value), "time")
        return Operand(literal(str(value), Text), "text")

    def path(self, entity_set: EntitySet, alias: Any, parts: Sequence[str]) -> Operand:
        head, rest = parts[0], list(parts[1:])
        if head in ("id", "@iot.id") and not rest:
            return Operand(alias.c.id, "number")
        prop = entity_set.prop(head)
        if prop is not None:
            return self._prop(prop, alias, rest)
        nav = entity_set.nav(head)
        if nav is not None and not nav.many and rest:
            target_set = SETS[nav.target]
            target = table_of(target_set).alias()
            inner = self.path(target_set, target, rest)
            value = select(inner.expr).where(target.c.id == alias.c[nav.column]).limit(1)
            return Operand(value.scalar_subquery(), inner.kind)
        raise SensorQueryError(f"$filter: {'/'.join(parts)!r} is not a property of "
                               f"{entity_set.name}")

    def _prop(self, prop: Prop, alias: Any, rest: list[str]) -> Operand:
        column = alias.c[prop.column]
        if prop.kind in ("json", "geojson"):
            for key in rest:
                column = column[key]
            return Operand(column, "json")
        if rest:
            raise SensorQueryError(f"$filter: {prop.name} has no member {rest[0]!r}")
        if prop.kind in ("time", "interval"):
            return Operand(column, "time")
        return Operand(column, "text")

    def _binary(self, expr: odata.Binary) -> Operand:
        if expr.op in ("and", "or"):
            combine = and_ if expr.op == "and" else or_
            return Operand(combine(self.condition(expr.left), self.condition(expr.right)),
                           "bool")
        left, right = self.compile(expr.left), self.compile(expr.right)
        if expr.op in odata.ARITHMETIC:
            a, b = self._number(left), self._number(right)
            divisor = func.nullif(b, 0)
            value = {"add": a + b, "sub": a - b, "mul": a * b, "div": a / divisor,
                     "mod": a - b * func.floor(a / divisor)}[expr.op]
            return Operand(value, "number")
        a, b = self._align(left, right)
        if b is None or a is None:
            is_null = (a if b is None else b).is_(None)
            return Operand(is_null if expr.op == "eq" else not_(is_null), "bool")
        operators = {"eq": a == b, "ne": a != b, "gt": a > b, "ge": a >= b, "lt": a < b,
                     "le": a <= b}
        return Operand(operators[expr.op], "bool")

    def _number(self, operand: Operand) -> Any:
        if operand.kind == "json":
            return _json_number(operand.expr)
        if operand.kind == "text":
            return cast(operand.expr, Float)
        if operand.kind == "time":
            return func.extract("epoch", operand.expr)
        return operand.expr

    def _align(self, left: Operand, right: Operand) -> tuple[Any, Any]:
        """Both sides as comparable SQL (None: the null literal): a JSON value takes the
        other side's type, text compared with a time is read as a time."""
        return self._side(left, right), self._side(right, left)

    def _side(self, mine: Operand, other: Operand) -> Any:
        if mine.kind == "any":
            return None
        if mine.kind == "json":
            if other.kind == "number":
                return _json_number(mine.expr)
            if other.kind == "bool":
                return case((func.jsonb_typeof(mine.expr) == "boolean",
                             _json_text(mine.expr) == "true"), else_=null())
            if other.kind == "time":
                return cast(_json_text(mine.expr), t.observation.c.result_time.type)
            return _json_text(mine.expr)
        if mine.kind == "text" and other.kind == "time":
            return cast(mine.expr, t.observation.c.result_time.type)
        if mine.kind == "text" and other.kind == "number" and not isinstance(
                mine.expr, type(literal(""))):
            return cast(mine.expr, Float)
        return mine.expr

    def _call(self, call: odata.Call) -> Operand:
        args = [self.compile(a) for a in call.args]
        texts = [_json_text(a.expr) if a.kind == "json" else a.expr for a in args]
        name = call.name
        need = {"now": 0, "length": 1, "tolower": 1, "toupper": 1, "trim": 1, "year": 1,
                "month": 1, "day": 1, "hour": 1, "minute": 1, "second": 1, "date": 1,
                "time": 1, "round": 1, "floor": 1, "ceiling": 1, "substringof": 2,
                "startswith": 2, "endswith": 2, "contains": 2, "indexof": 2, "concat": 2}
        if name in need and len(args) != need[name]:
            raise SensorQueryError(f"$filter: {name} takes {need[name]} argument(s)")
        if name in ("substringof", "startswith", "endswith", "contains"):
            haystack, needle = (texts[1], texts[0]) if name == "substringof" else texts
            pattern = {"startswith": func.concat(needle, "%"),
                       "endswith": func.concat("%", needle)}.get(
                name, func.concat("%", needle, "%"))
            return Operand(cast(haystack, Text).like(pattern), "bool")
        if name in ("tolower", "toupper", "trim"):
            fn = {"tolower": func.lower, "toupper": func.upper, "trim": func.btrim}[name]
            return Operand(fn(texts[0]), "text")
        if name == "length":
            return Operand(func.length(texts[0]), "number")
        if name == "indexof":
            return Operand(func.strpos(texts[0], texts[1]) - 1, "number")
        if name == "concat":
            return Operand(func.concat(texts[0], texts[1]), "text")
        if name == "substring":
            start = self._number(args[1]) + 1
            value = (func.substr(texts[0], cast(start, BigInteger)) if len(args) == 2 else
                     func.substr(texts[0], cast(start, BigInteger),
                                 cast(self._number(args[2]), BigInteger)))
            return Operand(value, "text")
        if name in ("year", "month", "day", "hour", "minute", "second"):
            return Operand(func.extract(name, args[0].expr), "number")
        if name == "date":
            return Operand(func.date(args[0].expr), "time")
        if name == "time":
            return Operand(cast(args[0].expr, Text), "text")
        if name == "now":
            return Operand(func.now(), "time")
        fn = {"round": func.round, "floor": func.floor, "ceiling": func.ceiling}[name]
        return Operand(fn(self._number(args[0])), "number")


# --- observations: partitions, batches, latest values ----------------------------------------
def partition_name(month_start: datetime) -> str:
    return f"{OBSERVATION_PARTITION_PREFIX}{month_start.year:04d}m{month_start.month:02d}"


def create_partition(month_start: datetime, month_end: datetime) -> psql.Composed:
    return psql.SQL("CREATE TABLE IF NOT EXISTS {} PARTITION OF {} FOR VALUES FROM ({}) TO ({})"
                    ).format(psql.Identifier(REGISTRY_SCHEMA, partition_name(month_start)),
                             psql.Identifier(REGISTRY_SCHEMA, t.observation.name),
                             psql.Literal(month_start), psql.Literal(month_end))


def partition_lock() -> psql.SQL:
    """Creating partitions is serialised (two sessions adding the same month would clash)."""
    return psql.SQL("SELECT pg_advisory_xact_lock(7243552, hashtext('sta_observation'))")


def partition_is_empty(name: str) -> psql.Composed:
    return psql.SQL("SELECT NOT EXISTS (SELECT 1 FROM {})").format(
        psql.Identifier(REGISTRY_SCHEMA, name))


def drop_partition(name: str) -> psql.Composed:
    return psql.SQL("DROP TABLE IF EXISTS {}").format(psql.Identifier(REGISTRY_SCHEMA, name))


def existing_partitions() -> psql.Composed:
    return psql.SQL("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = {}::regclass").format(
        psql.Literal(f"{REGISTRY_SCHEMA}.{t.observation.name}"))


OBSERVATION_COPY_COLUMNS = ("id", "datastream_id", "phenomenon_time", "phenomenon_time_end",
                            "result_time", "result", "result_quality", "valid_time_start",
                            "valid_time_end", "parameters", "feature_of_interest_id")


def copy_observations() -> psql.Composed:
    return psql.SQL("COPY {} ({}) FROM STDIN").format(
        psql.Identifier(REGISTRY_SCHEMA, t.observation.name),
        psql.SQL(", ").join(psql.Identifier(c) for c in OBSERVATION_COPY_COLUMNS))


def next_observation_ids() -> psql.Composed:
    return psql.SQL("SELECT nextval({}) FROM generate_series(1, %s)").format(
        psql.Literal(f"{REGISTRY_SCHEMA}.sta_observation_id_seq"))


def latest_observations(datastream_ids: Sequence[int] | None) -> Select[Any]:
    """(datastream id, observation id, phenomenon time, result) of the newest observation of
    each datastream: one index probe per datastream (the (datastream, time DESC) index)."""
    ds, obs = t.datastream, t.observation
    newest = (select(obs.c.id, obs.c.phenomenon_time, obs.c.result)
              .where(obs.c.datastream_id == ds.c.id)
              .order_by(obs.c.phenomenon_time.desc()).limit(1).lateral("o"))
    query = select(ds.c.id, newest.c.id, newest.c.phenomenon_time, newest.c.result
                   ).select_from(ds.join(newest, true()))
    if datastream_ids is not None:
        query = query.where(ds.c.id.in_(list(datastream_ids)))
    return query.order_by(ds.c.id)


def delete_observations_before(datastream_id: int, before: datetime) -> Any:
    obs = t.observation
    return delete(obs).where(obs.c.datastream_id == datastream_id,
                             obs.c.phenomenon_time < before)


def downsample(datastream_id: int, before: datetime, seconds: int) -> list[Any]:
    """Replace the numeric observations older than ``before`` (not downsampled yet) by one
    mean per ``seconds`` bucket: phenomenonTime the bucket, parameters the count."""
    obs = t.observation
    raw = and_(obs.c.datastream_id == datastream_id, obs.c.phenomenon_time < before,
               or_(obs.c.parameters.is_(None), ~obs.c.parameters.has_key("downsampled")),
               func.jsonb_typeof(obs.c.result) == "number")
    bucket = func.date_bin(func.make_interval(0, 0, 0, 0, 0, 0, seconds), obs.c.phenomenon_time,
                           literal(datetime(2000, 1, 1).astimezone()))
    grouped = (select(bucket.label("b"), func.avg(cast(_json_text(obs.c.result), Float)).label("v"),
                      func.count().label("n"), func.min(obs.c.feature_of_interest_id).label("f"))
               .where(raw).group_by(bucket).subquery())
    insert = t.observation.insert().from_select(
        ["datastream_id", "phenomenon_time", "phenomenon_time_end", "result", "parameters",
         "feature_of_interest_id"],
        select(literal(datastream_id, BigInteger), grouped.c.b,
               grouped.c.b + func.make_interval(0, 0, 0, 0, 0, 0, seconds),
               func.to_jsonb(grouped.c.v),
               func.jsonb_build_object("downsampled", grouped.c.n, "seconds", seconds),
               grouped.c.f))
    return [insert, delete(obs).where(raw)]


def nothing() -> ColumnElement[bool]:
    return false()
