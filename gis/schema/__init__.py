"""The store's shape: every schema, relation name and column role of PostGIS, declared once.

Everything else that names a part of the store builds the name from here: SQL in ``gis``,
``tiles`` and ``twin``, the migrations' later revisions, the tests. The registry tables
themselves (SQLAlchemy Core descriptions, read and written only by ``gis``) are in
`gis.schema.tables`; the Alembic migrations own the DDL of both.

Schemas
    ``twin``     the registry: layers, versions, keys, audit, LiDAR files, rasters, heights
    ``data``     the current table of each vector layer, ``data."<layer>"``
    ``history``  its superseded versions, ``history."<layer>__v<N>"`` (until pruned)
    ``staging``  loads in progress, ``staging."<layer>__load<load id>"``
    ``publish``  the rule-applied view every outside reader gets, ``publish."<layer>"``, and
                 its small-cell helper tables ``publish."<layer>__cells_<field>"``

Roles and privileges
    One database role owns and reads every object: the migrations run as it and so does the
    service. Who may read or write which layer is decided in ``gis.access`` (access levels and
    keys), not by database grants, so a dump restored on another server needs no role set-up.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

REGISTRY_SCHEMA: Final = "twin"
DATA_SCHEMA: Final = "data"
HISTORY_SCHEMA: Final = "history"
STAGING_SCHEMA: Final = "staging"
PUBLISH_SCHEMA: Final = "publish"
#: the schemas the first migration creates, in that order (``publish`` comes with access)
LAYER_SCHEMAS: Final = (DATA_SCHEMA, HISTORY_SCHEMA, STAGING_SCHEMA)
#: Alembic's version table lives with the registry
ALEMBIC_VERSION_TABLE: Final = "alembic_version"

# Column roles of every vector layer table (data, history, staging) and its published view.
#: the feature id: bigint identity, primary key, the OGC API item id
ID_COLUMN: Final = "fid"
#: the geometry in the layer's storage CRS (2D, one type family per layer)
GEOMETRY_COLUMN: Final = "geom"
#: derived on load and edit: WGS 84 lon/lat for GeoJSON, catalogue extents and 3D placement
GEOMETRY_4326_COLUMN: Final = "geom_4326"
#: derived on load and edit: Web Mercator for vector tiles
GEOMETRY_3857_COLUMN: Final = "geom_3857"
#: the derived columns and their SRIDs
DERIVED_GEOMETRIES: Final = ((GEOMETRY_4326_COLUMN, 4326), (GEOMETRY_3857_COLUMN, 3857))
GEOMETRY_COLUMNS: Final = (GEOMETRY_COLUMN, GEOMETRY_4326_COLUMN, GEOMETRY_3857_COLUMN)
#: names a source's attributes may not take (they get a ``src_`` prefix at ingest)
RESERVED_COLUMNS: Final = frozenset({ID_COLUMN, *GEOMETRY_COLUMNS})
#: a row's version for optimistic edits (PostgreSQL's system column, the ETag of an item)
ROW_VERSION: Final = "xmin"
#: the INSPIRE lifespan of a layer version (``twin.layer_version``)
LIFESPAN_COLUMNS: Final = ("begin_lifespan", "end_lifespan")

#: PostgreSQL's limit on identifier length, in bytes
MAX_IDENTIFIER: Final = 63

#: index and sequence suffixes of a layer table, by the column they serve
INDEX_SUFFIXES: Final = {
    "pkey": "pkey",
    GEOMETRY_COLUMN: f"{GEOMETRY_COLUMN}_idx",
    GEOMETRY_4326_COLUMN: f"{GEOMETRY_4326_COLUMN}_idx",
    GEOMETRY_3857_COLUMN: f"{GEOMETRY_3857_COLUMN}_idx",
}
ID_SEQUENCE_SUFFIX: Final = f"{ID_COLUMN}_seq"

Relation = tuple[str, str]
"""(schema, name) of a table or view: quote each part, never join them into one string."""


def current_relation(layer_id: str) -> Relation:
    """The raw current table of a vector layer (staff reads, edits, builders)."""
    return DATA_SCHEMA, layer_id


def published_relation(layer_id: str) -> Relation:
    """The rule-applied view every reader outside the staff gets."""
    return PUBLISH_SCHEMA, layer_id


def history_table(layer_id: str, version: int) -> str:
    """The table in ``history`` holding version ``version`` of a layer once superseded."""
    return f"{layer_id}__v{version}"


def staging_table(layer_id: str, load_id: int) -> str:
    """The table in ``staging`` a load fills before it is promoted."""
    return f"{layer_id}__load{load_id}"


def is_staging_of(table: str, layer_id: str) -> bool:
    """Whether ``table`` is a staged table of a load of ``layer_id`` (see `staging_table`)."""
    return re.fullmatch(re.escape(layer_id) + r"__load[0-9]+", table) is not None


def small_cells_table(layer_id: str, field: str) -> str:
    """The helper table in ``publish`` listing the values of ``field`` shared by enough rows."""
    return f"{layer_id}__cells_{field}"[:MAX_IDENTIFIER]


def small_cells_prefix(layer_id: str) -> str:
    """A LIKE pattern matching every small-cell helper table of a layer."""
    escaped = layer_id.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%")
    return f"{escaped}\\_\\_cells\\_%"


def object_name(table: str, suffix: str) -> str:
    """An index/sequence name ``<table>_<suffix>`` within 63 bytes (hashed when too long)."""
    name = f"{table}_{suffix}"
    if len(name.encode()) <= MAX_IDENTIFIER:
        return name
    digest = hashlib.sha1(table.encode()).hexdigest()[:12]
    return f"{table[:MAX_IDENTIFIER - len(suffix) - 14]}_{digest}_{suffix}"
