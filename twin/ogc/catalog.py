"""The served collections: the registry's vector layers, refreshed cheaply while running.

A layer ingested while the server runs appears within ``ogc_registry_ttl`` seconds: the
catalogue re-reads the registry only when its stamp (layer count, last update, last load)
changed, and reflects the attribute columns of each current table once per version.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, select, table, text

from gis import registry
from gis.model import Layer
from gis.schema import DATA_SCHEMA
from twin.access import PUBLISH_SCHEMA, Caller, can_see, relation_for
from twin.errors import CollectionNotFound

GEOMETRY_COLUMNS = ("geom", "geom_4326", "geom_3857")
ID_COLUMN = "fid"
#: Schemas a read may use: raw tables (staff) and the rule-applied views (everyone else).
READ_SCHEMAS = (DATA_SCHEMA, PUBLISH_SCHEMA)

_STAMP = text(
    "SELECT count(*), max(l.updated_at), "
    "(SELECT max(load_id) FROM twin.layer_version WHERE status = 'current') FROM twin.layer l"
)
_HAS_EDITS = text("SELECT to_regclass('twin.feature_change') IS NOT NULL")
#: the last change of every edited layer (OGC API Features Part 4 writes twin.feature_change)
_EDITS = text("SELECT layer_id, max(id) FROM twin.feature_change GROUP BY layer_id")
_COLUMNS = text(
    "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
    "WHERE table_schema = ANY(:schemas) AND table_name = ANY(:tables) "
    "ORDER BY table_schema, table_name, ordinal_position"
)

#: PostgreSQL data type -> (JSON Schema type, JSON Schema format)
_JSON_TYPES: dict[str, tuple[str, str | None]] = {
    "smallint": ("integer", None), "integer": ("integer", None), "bigint": ("integer", None),
    "numeric": ("number", None), "real": ("number", None), "double precision": ("number", None),
    "boolean": ("boolean", None), "date": ("string", "date"),
    "timestamp with time zone": ("string", "date-time"),
    "timestamp without time zone": ("string", "date-time"),
    "json": ("object", None), "jsonb": ("object", None),
}


@dataclass(frozen=True)
class Attribute:
    """One attribute column of a layer table, with its JSON Schema type."""

    name: str
    pg_type: str
    json_type: str
    json_format: str | None


@dataclass(frozen=True)
class Collection:
    """A served layer as one caller reads it: the registry entry, the relation that caller
    must read (`twin.access.relation_for`) and that relation's attribute columns."""

    layer: Layer
    schema: str
    table: str
    attributes: dict[str, Attribute]
    #: rows in the relation now: the load's count, or counted again after edits
    total: int | None = None

    @property
    def id(self) -> str:
        return self.layer.id


def _attribute(name: str, pg_type: str) -> Attribute:
    json_type, json_format = _JSON_TYPES.get(pg_type, ("string", None))
    return Attribute(name, pg_type, json_type, json_format)


Relation = tuple[str, str]


def _reflect(conn: Connection, layers: list[Layer]) -> dict[Relation, dict[str, Attribute]]:
    """Attribute columns of every relation a layer may be read from (raw table, views)."""
    rows = conn.execute(_COLUMNS, {"schemas": list(READ_SCHEMAS),
                                   "tables": [la.table for la in layers]})
    columns: dict[Relation, dict[str, Attribute]] = {}
    for schema, relation_name, name, pg_type in rows:
        found = columns.setdefault((schema, relation_name), {})
        if name != ID_COLUMN and name not in GEOMETRY_COLUMNS:
            found[name] = _attribute(name, pg_type)
    return columns


class Catalog:
    """Thread-safe, TTL-refreshed view of the registry's servable vector layers."""

    def __init__(self, engine: Engine, ttl: float) -> None:
        self.engine = engine
        self.ttl = ttl
        self._lock = threading.Lock()
        self._checked = 0.0
        self._stamp: tuple[Any, ...] | None = None
        self._layers: dict[str, Layer] = {}
        self._columns: dict[Relation, dict[str, Attribute]] = {}
        self._edits: dict[str, int] = {}
        self._totals: dict[tuple[str, Relation], tuple[Any, int]] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> Catalog:
        """pygeoapi deep-copies its configuration; the catalogue is shared, not copied."""
        return self

    @property
    def stamp(self) -> tuple[Any, ...] | None:
        return self._stamp

    def layers(self) -> dict[str, Layer]:
        """Every vector layer with a current version (re-read when the registry changed)."""
        if time.monotonic() - self._checked >= self.ttl or self._stamp is None:
            with self._lock:
                if time.monotonic() - self._checked >= self.ttl or self._stamp is None:
                    self._refresh()
        return self._layers

    def _refresh(self) -> None:
        with self.engine.connect() as conn:
            edits: dict[str, int] = {}
            if conn.execute(_HAS_EDITS).scalar():
                edits = {layer_id: int(last) for layer_id, last in conn.execute(_EDITS)}
            stamp = (*conn.execute(_STAMP).one(), tuple(sorted(edits.items())))
            if stamp != self._stamp:
                layers = [la for la in registry.list_layers(conn, kinds=["vector"])
                          if la.current_version is not None]
                self._columns = _reflect(conn, layers)
                self._layers = {la.id: la for la in layers}
                self._edits = edits
                self._stamp = stamp
        self._checked = time.monotonic()

    def collection_in(self, layer: Layer, relation: Relation) -> Collection | None:
        """The collection of ``layer`` read from ``relation``; None when it does not exist."""
        columns = self._columns.get(relation)
        if columns is None:
            return None
        return Collection(layer, relation[0], relation[1], columns,
                          self._total(layer, relation))

    def _total(self, layer: Layer, relation: Relation) -> int | None:
        """The load's feature count; once a layer was edited, a count cached per change."""
        if layer.id not in self._edits:
            return layer.feature_count
        marker = (layer.current_version, self._edits[layer.id])
        cached = self._totals.get((layer.id, relation))
        if cached is None or cached[0] != marker:
            statement = select(func.count()).select_from(table(relation[1], schema=relation[0]))
            with self.engine.connect() as conn:
                cached = (marker, int(conn.execute(statement).scalar_one()))
            self._totals[(layer.id, relation)] = cached
        return cached[1]

    def visible(self, caller: Caller) -> dict[str, Collection]:
        """The collections this caller may see (the others do not exist for them)."""
        found = {}
        for layer_id, layer in self.layers().items():
            if can_see(caller, layer):
                collection = self.collection_in(layer, relation_for(caller, layer))
                if collection is not None:
                    found[layer_id] = collection
        return found

    def get(self, caller: Caller, collection_id: str) -> Collection:
        """One visible collection, or 404 -- the same answer for unknown and forbidden."""
        layer = self.layers().get(collection_id)
        collection = None
        if layer is not None and can_see(caller, layer):
            collection = self.collection_in(layer, relation_for(caller, layer))
        if collection is None:
            raise CollectionNotFound(collection_id)
        return collection
