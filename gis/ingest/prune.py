"""Free the space of old versions: drop their history tables, keep their registry rows.

Every load keeps the version it replaces as ``history."<layer>__v<n>"`` (INSPIRE-style
lifespans: what the layer said when). That is the point of versioning, but it is unbounded: a
cadastre reloaded every week grows by a full copy every week, for ever. Pruning drops the
tables of all but the newest ``keep`` superseded versions; their registry rows stay,
marked ``pruned``, so the layer's history (valid from/to, counts, extents, quality) is still
told in full.
"""

from __future__ import annotations

import logging

import psycopg
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from gis import registry
from gis.errors import InvalidLayerSpec, LayerBusy
from gis.ingest import sql
from gis.ingest.loader import LOCK_WAIT_SECONDS
from gis.model import ROW_KINDS

log = logging.getLogger(__name__)


def prune_history(engine: Engine, layer_id: str, keep: int,
                  wait_seconds: float = LOCK_WAIT_SECONDS) -> list[int]:
    """Drop the data of all but the ``keep`` newest superseded versions of ``layer_id``;
    returns the versions pruned, oldest first.

    One transaction under the layer's lock (a load in progress finishes first, as a second
    load would wait, up to ``wait_seconds``): the tables and the registry rows change
    together or not at all.
    """
    if keep < 0:
        raise InvalidLayerSpec(f"keep must be 0 or more, not {keep}")
    try:
        return _prune(engine, layer_id, keep, wait_seconds)
    except (psycopg.errors.LockNotAvailable, OperationalError) as exc:
        if not _lock_timeout(exc):
            raise
        raise LayerBusy(f"layer {layer_id!r} is being loaded; prune it when the load is done"
                        ) from exc


def _lock_timeout(exc: Exception) -> bool:
    return isinstance(getattr(exc, "orig", exc), psycopg.errors.LockNotAvailable)


def _prune(engine: Engine, layer_id: str, keep: int, wait_seconds: float) -> list[int]:
    with engine.begin() as conn:
        layer = registry.get_layer(conn, layer_id)  # LayerNotFound names it
        if layer.spec.kind not in ROW_KINDS:
            raise InvalidLayerSpec(f"layer {layer_id!r} is a {layer.spec.kind} layer: only layers "
                                   "of rows (vector, BIM, table) keep old versions in history")
        driver = conn.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            cursor.execute(sql.lock_timeout(), (f"{int(wait_seconds * 1000)}ms",))
            cursor.execute(sql.wait_xact_lock(), (layer_id,))
            doomed = sorted(registry.superseded_versions(conn, layer_id)[keep:])
            for version in doomed:
                cursor.execute(sql.drop_history(layer_id, version))
        registry.mark_pruned(conn, layer_id, doomed)
    if doomed:
        log.info("layer %s: versions %s pruned", layer_id, doomed)
    return doomed
