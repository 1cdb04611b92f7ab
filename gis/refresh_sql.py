"""The SQL of `gis.refresh`: a version's change set against the previous one, in the server.

The two versions' tables are compared where they are (``history."<id>__v<N-1>"`` and
``data."<id>"``): no feature crosses the wire. Each row is reduced to a key and a digest:

* the digest is the MD5 of the stored geometry's WKB and of the attributes as ``jsonb`` text
  (keys sorted by PostgreSQL, so column order does not matter; the store's own columns --
  id and the three geometries -- are removed), so a changed value or vertex changes it;
* the key is the declared stable id attribute (read from the ``jsonb`` by a bound name: no
  identifier is built from the manifest) or, when the source has none, the digest itself.

Rows are paired on (key, its rank among equal keys): ids are unique after the ingest's
duplicate check, and identical features without ids pair one to one. Unpaired new rows are
added, unpaired old ones removed, pairs with different digests changed (never, when the key
is the digest). Identifiers are `psycopg.sql.Identifier`, values bound parameters.
"""

from __future__ import annotations

from psycopg import sql

from gis.schema import GEOMETRY_COLUMN, GEOMETRY_COLUMNS, ID_COLUMN, Relation

#: the store's columns, which are not the source's attributes
STORE_COLUMNS = [ID_COLUMN, *GEOMETRY_COLUMNS]

_SIDE = """
  SELECT fid, h, CASE WHEN %(key)s::text IS NULL THEN h ELSE j ->> %(key)s END AS k,
         row_number() OVER (PARTITION BY CASE WHEN %(key)s::text IS NULL THEN h
                                              ELSE j ->> %(key)s END ORDER BY fid) AS r
  FROM (SELECT t.{fid}::text AS fid, to_jsonb(t) AS j,
               md5(coalesce(ST_AsBinary(t.{geom}), ''::bytea)
                   || convert_to((to_jsonb(t) - %(store)s::text[])::text, 'UTF8')) AS h
        FROM {relation} AS t WHERE {present}) AS s
"""

_CHANGES = """
WITH old AS ({old}), new AS ({new}),
pairs AS (
  SELECT o.h AS oh, n.h AS nh,
         CASE WHEN %(key)s::text IS NULL THEN o.fid ELSE o.k END AS oid,
         CASE WHEN %(key)s::text IS NULL THEN n.fid ELSE n.k END AS nid
  FROM old AS o FULL JOIN new AS n ON o.k = n.k AND o.r = n.r)
SELECT count(*) FILTER (WHERE oh IS NULL),
       count(*) FILTER (WHERE nh IS NULL),
       count(*) FILTER (WHERE oh <> nh),
       coalesce((array_agg(nid ORDER BY nid) FILTER (WHERE oh IS NULL))[1:%(limit)s], '{{}}'),
       coalesce((array_agg(oid ORDER BY oid) FILTER (WHERE nh IS NULL))[1:%(limit)s], '{{}}'),
       coalesce((array_agg(nid ORDER BY nid) FILTER (WHERE oh <> nh))[1:%(limit)s], '{{}}')
FROM pairs
"""


def _side(relation: Relation, present: bool) -> sql.Composed:
    return sql.SQL(_SIDE).format(
        fid=sql.Identifier(ID_COLUMN), geom=sql.Identifier(GEOMETRY_COLUMN),
        relation=sql.Identifier(*relation), present=sql.Literal(present))


def change_set(old: Relation | None, new: Relation) -> sql.Composed:
    """``(added, removed, changed, added_ids, removed_ids, changed_ids)`` of ``new`` against
    ``old`` (None: a first version, every feature is added). Parameters: ``key`` (the id
    attribute, or None for the digest), ``store`` (`STORE_COLUMNS`), ``limit`` (ids kept
    per list)."""
    previous = _side(old, True) if old is not None else _side(new, False)
    return sql.SQL(_CHANGES).format(old=previous, new=_side(new, True))


def attribute_names() -> sql.SQL:
    """The column names of a layer table (parameters: schema, name), to find the declared
    id attribute as the ingest stored it (names may have been lower-cased or prefixed)."""
    return sql.SQL("SELECT column_name FROM information_schema.columns "
                   "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position")
