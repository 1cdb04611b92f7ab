"""The served collections: the registry's vector layers, refreshed cheaply while running.

A layer ingested while the server runs appears within ``ogc_registry_ttl`` seconds: the
catalogue re-reads the registry only when its stamp changed, and reflects the attribute
columns of each current table once per version. Feature edits (Part 4) are noticed within the
same delay through ``twin.layer.edit_seq``; they only invalidate the counted totals.

Where it reads. ``engine`` is the app's lag-tolerant read engine: the streaming replica of
``TWIN_DATABASE_READ_URL`` when one is configured (else the primary). The registry poll reads
the same server as the pages, records and tiles served under its stamp, so a stamp is never
newer than the data it labels: an ETag can lag the data it is sent with (the next poll fixes
it), never the reverse (an old page cached under a new tag). Nothing here must see a load
at once: loads run in other processes and were only ever seen within the TTL; a Part 4 edit
in this process checks If-Match inside its write transaction on the primary, and its own
re-reads may lag by the replay delay like anyone's (docs/scaling.md).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine

from gis import registry
from gis.model import Layer
from gis.schema import Relation
from gis.server_transforms import ServerTransforms
from twin.access import Caller, can_see, relation_for
from twin.errors import CollectionNotFound

#: PostgreSQL data type -> (JSON Schema type, JSON Schema format)
_JSON_TYPES: dict[str, tuple[str, str | None]] = {
    "smallint": ("integer", None), "integer": ("integer", None), "bigint": ("integer", None),
    "numeric": ("number", None), "real": ("number", None), "double precision": ("number", None),
    "boolean": ("boolean", None), "date": ("string", "date"),
    "timestamp with time zone": ("string", "date-time"),
    "timestamp without time zone": ("string", "date-time"),
    "json": ("object", None), "jsonb": ("object", None),
}


#: kinds the OGC collections serve; the others (rasters, point clouds) are only access-checked
_SERVED_KINDS = ("vector", "bim", "table")


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
    #: (first, last) value of the layer's temporal property in the relation, when it has one
    temporal_extent: tuple[Any, Any] | None = None
    #: which reprojections the database does exactly (None: trust it, for pure unit tests)
    transforms: ServerTransforms | None = None

    @property
    def id(self) -> str:
        return self.layer.id

    @property
    def spatial(self) -> bool:
        """Whether features have geometries: a table has none unless joined to a layer."""
        return self.layer.spec.kind != "table" or self.layer.spec.join is not None

    def server_exact(self, source: int, target: int) -> bool:
        """Whether PostGIS's ``ST_Transform`` from ``source`` to ``target`` is grid-exact;
        if not, the service reprojects (`twin.ogc.sql`)."""
        return self.transforms is None or self.transforms.exact(source, target)


def _attribute(name: str, pg_type: str) -> Attribute:
    json_type, json_format = _JSON_TYPES.get(pg_type, ("string", None))
    return Attribute(name, pg_type, json_type, json_format)


def _reflect(conn: Connection, layers: list[Layer]) -> dict[Relation, dict[str, Attribute]]:
    """Attribute columns of every relation a layer may be read from (raw table, views)."""
    found = registry.attribute_columns(conn, [la.table for la in layers])
    return {relation: {name: _attribute(name, pg_type) for name, pg_type in columns}
            for relation, columns in found.items()}


class Catalog:
    """Thread-safe, TTL-refreshed view of the registry's servable vector layers."""

    def __init__(self, engine: Engine, ttl: float) -> None:
        self.engine = engine
        self.ttl = ttl
        self.transforms = ServerTransforms(engine)
        self._lock = threading.Lock()
        self._checked = 0.0
        self._stamp: tuple[Any, ...] | None = None
        self._generation = 0
        self._layers: dict[str, Layer] = {}
        #: every registered layer, any kind, loaded or not (access checks of map and terrain
        #: tiles), re-read when any layer's stamp changed
        self._registered: dict[str, Layer] = {}
        self._registry_stamp: tuple[Any, ...] | None = None
        self._columns: dict[Relation, dict[str, Attribute]] = {}
        #: edit_seq of every layer (bumped by each Part 4 edit in the edit's transaction)
        self._edits: dict[str, int] = {}
        self._totals: dict[tuple[str, Relation], tuple[Any, int]] = {}
        self._times: dict[tuple[str, Relation], tuple[Any, tuple[Any, Any] | None]] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> Catalog:
        """pygeoapi deep-copies its configuration; the catalogue is shared, not copied."""
        return self

    @property
    def stamp(self) -> tuple[Any, ...] | None:
        """Changes whenever the layers or their columns were re-read (a cheap cache key: one
        number, not a row per layer); None before the first read."""
        return None if self._stamp is None else (self._generation,)

    def edit_seq(self, layer_id: str) -> int:
        """The layer's edit counter as last polled: with the layer's version, load time and
        ``updated_at`` it is the stamp HTTP validators and the tile cache are keyed by."""
        return self._edits.get(layer_id, 0)

    def expire(self) -> None:
        """Re-poll the registry at the next read. A Part 4 edit in this process calls it after
        its commit, so this process's ETags and cached tiles follow its own edits at once
        (other processes' loads and edits are seen within ``ttl``). Taking the lock waits for
        a poll in progress, which may have read the registry before the commit. With a
        replica, the re-poll sees the edit once the replica has replayed it."""
        with self._lock:
            self._checked = -math.inf

    def layers(self) -> dict[str, Layer]:
        """Every vector layer with a current version (re-read when the registry changed)."""
        if time.monotonic() - self._checked >= self.ttl or self._stamp is None:
            with self._lock:
                if time.monotonic() - self._checked >= self.ttl or self._stamp is None:
                    self._refresh()
        return self._layers

    def registered(self) -> dict[str, Layer]:
        """Every registered layer of any kind, by id, as of the last poll (the same TTL and
        stamp as `layers`): what the map-tile and terrain routes check access with, instead
        of a registry read per tile. A closed or re-shared layer is seen within the TTL."""
        self.layers()
        return self._registered

    @staticmethod
    def _poll(conn: Connection) -> tuple[tuple[Any, ...], tuple[Any, ...], dict[str, int]]:
        """(served layers' stamp, every layer's stamp, edit counter per layer) from one read
        of the registry's layers.

        Why this signal: ``twin.layer`` holds one row per layer, and everything the served
        collections depend on moves a column of that row in the changing transaction itself:
        a (re-)registration -- spec, access level, shared groups -- sets ``updated_at``, a load
        sets ``current_version`` (and ``updated_at``), an edit bumps ``edit_seq``, a new or
        dropped layer adds or removes a row. Comparing the rows themselves, not aggregates,
        leaves no hole: a ``max(updated_at)`` misses a change committed by a transaction that
        began before one already seen (its ``now()`` is older), and would keep serving a layer
        as open after it was closed. The former ``max(id) ... GROUP BY layer_id`` over
        ``twin.feature_change`` read the whole change log every poll, growing with each edit
        ever made; this read is as small as the registry (primary-key order, no join).
        """
        every_row = registry.layer_stamps(conn)
        rows = [row for row in every_row if row.kind in _SERVED_KINDS]
        stamp = tuple((row.layer_id, row.current_version, row.updated_at) for row in rows)
        every = tuple((row.layer_id, row.kind, row.current_version, row.updated_at)
                      for row in every_row)
        return stamp, every, {row.layer_id: row.edit_seq for row in rows}

    def _refresh(self) -> None:
        """Re-read layers and columns when the registry changed; an edit only moves counts."""
        with self.engine.connect() as conn:
            stamp, every, edits = self._poll(conn)
            if every != self._registry_stamp:
                self._registered = {la.id: la for la in registry.list_layers(conn)}
                self._registry_stamp = every
            if stamp != self._stamp:
                # the served ones changed only if some layer did: `_registered` is fresh
                layers = [la for la in self._registered.values()
                          if la.spec.kind in _SERVED_KINDS and la.current_version is not None]
                self._columns = _reflect(conn, layers)
                self._layers = {la.id: la for la in layers}
                self._stamp = stamp
                self._generation += 1
            self._edits = edits
        self._checked = time.monotonic()

    def collection_in(self, layer: Layer, relation: Relation) -> Collection | None:
        """The collection of ``layer`` read from ``relation``; None when it does not exist."""
        columns = self._columns.get(relation)
        if columns is None:
            return None
        return Collection(layer, relation[0], relation[1], columns,
                          self._total(layer, relation),
                          self._temporal_extent(layer, relation, columns), self.transforms)

    def _temporal_extent(self, layer: Layer, relation: Relation,
                         columns: dict[str, Attribute]) -> tuple[Any, Any] | None:
        """The range of the temporal property as the relation shows it, read once per load
        or edit (None: no temporal property, or not a date there -- generalised away)."""
        name = layer.spec.temporal_property
        attribute = columns.get(name or "")
        if name is None or attribute is None or attribute.json_format not in (
                "date", "date-time"):
            return None
        marker = (layer.current_version, self._edits.get(layer.id, 0))
        cached = self._times.get((layer.id, relation))
        if cached is None or cached[0] != marker:
            with self.engine.connect() as conn:
                cached = (marker, registry.value_range(conn, relation, name))
            self._times[(layer.id, relation)] = cached
        return cached[1]

    def _total(self, layer: Layer, relation: Relation) -> int | None:
        """The load's feature count; once a layer was edited, a count cached per change."""
        edit_seq = self._edits.get(layer.id, 0)
        if not edit_seq:
            return layer.feature_count
        marker = (layer.current_version, edit_seq)
        cached = self._totals.get((layer.id, relation))
        if cached is None or cached[0] != marker:
            with self.engine.connect() as conn:
                cached = (marker, registry.row_count(conn, relation))
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
