"""A model's footprint seen from above, computed once per version and kept.

The parcels a model stands on (`gis.bim.parcels`) and the city buildings it replaces
(`gis.bim.buildings`) start from the same shape: the union of its elements' footprints.
As a PostGIS union over every element's row it cost 2 s for a model of 40,000 walls, paid
by each link. The ingest already holds each element's footprint when it writes the row
(`gis.bim.source`), so it folds them into a union as they stream -- each batch's union in
a background thread while the iterator builds the next shapes (GEOS releases the GIL) --
and keeps the result with the version (``twin.bim_footprint``, migration 0019). A load
whose rows are not the footprints as computed (the loader repaired or rejected some, or
reprojected them into another storage CRS) keeps the union of its rows instead, so what
the links read is always the union of the stored elements.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from sqlalchemy import Connection, Engine

from gis import registry
from gis.bim import footprint_sql as sql
from gis.bim.apart import apart
from gis.errors import IngestError
from gis.ingest.sql import table_exists
from gis.schema import HISTORY_SCHEMA, Relation, current_relation, history_table

#: `shapely.get_type_id` of a polygon
POLYGON = 3
#: triangles smaller than this (m2) seen from above are walls' sides: not in the footprint
MIN_TRIANGLE_AREA = 1e-6
#: a footprint of no area (a vertical plate seen from above) is widened by this (m)
THIN_BUFFER = 0.005


def footprint(placed: np.ndarray, faces: np.ndarray) -> shapely.Geometry:
    """The element seen from above: the union of its triangles' plan projections, as a
    MultiPolygon (a thin buffer of its outline when it has no area from above)."""
    corners = placed[faces][:, :, :2]  # (m, 3, 2)
    rings = np.concatenate([corners, corners[:, :1]], axis=1)
    triangles = shapely.polygons(rings)
    triangles = triangles[shapely.area(triangles) > MIN_TRIANGLE_AREA]
    shape = shapely.union_all(triangles) if len(triangles) else None
    if shape is None or shape.is_empty or shape.area <= 0:
        shape = shapely.buffer(shapely.convex_hull(shapely.multipoints(placed[:, :2])),
                               THIN_BUFFER)
    polygons = [g for g in shapely.get_parts(shape) if g.geom_type == "Polygon"]
    return shapely.MultiPolygon(polygons)


def upright(matrix: NDArray[np.float64]) -> bool:
    """Whether a placement matrix only turns about the vertical (and moves): then a footprint
    in the geometry's own frame, moved in plan, is the placed element's."""
    tilt = abs(matrix[2, 0]) + abs(matrix[2, 1]) + abs(matrix[0, 2]) + abs(matrix[1, 2])
    return bool(tilt < 1e-9)


class FootprintUnion:
    """Element footprints folded into one union while they stream: each batch's in a
    background thread, kept as WKB (a quarter of what GEOS objects weigh: 40,000 walls
    that stand apart stay 40,000 polygons), then the batches' together in a child process
    (`gis.bim.apart`), whose GEOS objects end with it."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="footprint")
        self._parts: list[Future[NDArray[np.object_]]] = []
        self.elements = 0

    def add(self, footprints: list[shapely.Geometry]) -> None:
        """One batch's footprints, united in the background."""
        if footprints:
            self._parts.append(self._pool.submit(_united_wkb, footprints))
            self.elements += len(footprints)

    def result(self) -> bytes | None:
        """The WKB of the union of every footprint added, a MultiPolygon (None when none
        was)."""
        try:
            parts = [part.result() for part in self._parts]
        finally:
            self._pool.shutdown()
        self._parts = []
        if not parts:
            return None
        (union,) = apart(_multipolygon_wkb, [(np.concatenate(parts),)], "the model's footprint",
                         1)
        return union

    def close(self) -> None:
        """Stop after a failed load (pending unions are dropped)."""
        self._pool.shutdown(cancel_futures=True)


def _united_wkb(shapes: list[shapely.Geometry]) -> NDArray[np.object_]:
    wkb: NDArray[np.object_] = shapely.to_wkb(united(shapes))
    return wkb


def _multipolygon_wkb(parts: NDArray[np.object_]) -> bytes:
    return bytes(shapely.to_wkb(shapely.MultiPolygon(list(united(shapely.from_wkb(parts))))))


def united(shapes: Any) -> NDArray[np.object_]:
    """The polygons of the union of ``shapes`` (polygons or multipolygons). Only the parts
    that meet another part go through GEOS's union: a union re-nodes everything it is given,
    and most elements of a large model (the walls of a storey, seen from above) stand apart
    -- 40,000 of them cost seconds united, and nothing passed through as they are."""
    found = shapely.get_parts(shapely.get_parts(np.asarray(shapes, dtype=object)))
    parts: NDArray[np.object_] = found[shapely.get_type_id(found) == POLYGON]
    if len(parts) < 2:
        return parts
    left, right = shapely.STRtree(parts).query(parts, predicate="intersects")
    meeting = np.unique(left[left != right])
    apart = np.setdiff1d(np.arange(len(parts)), meeting, assume_unique=True)
    merged = shapely.get_parts(shapely.union_all(parts[meeting])) if len(meeting) else parts[:0]
    merged = merged[shapely.get_type_id(merged) == POLYGON]
    return np.concatenate([parts[apart], merged])


def keep_footprint(engine: Engine, bim_layer: str, version: int, footprint: bytes | None,
                   srid: int, elements: int) -> None:
    """Keep ``footprint`` (WKB, in SRID ``srid``, the layer's storage CRS) as the version's;
    with no footprint, the union of the version's rows is computed and kept."""
    with engine.begin() as conn:
        if footprint is None:
            _keep_union_of_rows(conn, bim_layer, version)
            return
        fetch_rows(conn, sql.keep_footprint(), {
            "bim": bim_layer, "version": version, "wkb": footprint,
            "srid": srid, "elements": elements})


def model_footprint(conn: Connection, bim_layer: str, version: int) -> shapely.Geometry:
    """The footprint of ``bim_layer``'s ``version`` in its storage CRS: the one its ingest
    kept, or (a version loaded before footprints were kept) the union of its rows, kept now
    for the next link."""
    rows = fetch_rows(conn, sql.stored_footprint(), {"bim": bim_layer, "version": version})
    wkb = rows[0][0] if rows else _keep_union_of_rows(conn, bim_layer, version)
    return shapely.from_wkb(bytes(wkb))


def _keep_union_of_rows(conn: Connection, bim_layer: str, version: int) -> Any:
    statement = sql.keep_union_of_rows(version_relation(conn, bim_layer, version))
    return fetch_rows(conn, statement, {"bim": bim_layer, "version": version})[0][0]


def version_relation(conn: Connection, layer_id: str, version: int) -> Relation:
    """The table holding ``version`` of a layer: the current table, or once superseded its
    history table. A version whose rows are gone (pruned) is an `IngestError`: a union of
    another version's rows would be kept under its number."""
    if registry.get_layer(conn, layer_id).current_version == version:
        return current_relation(layer_id)
    relation = (HISTORY_SCHEMA, history_table(layer_id, version))
    if not fetch_rows(conn, table_exists(), list(relation))[0][0]:
        raise IngestError(layer_id, f"version {version} is neither current nor in the history "
                          "(pruned?): its footprint cannot be computed")
    return relation


def fetch_rows(conn: Connection, statement: Any, params: dict[str, Any] | list[Any]
               ) -> list[Any]:
    """The rows of a psycopg ``sql.Composed`` statement, in the connection's transaction."""
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(statement, params)
        return list(cursor.fetchall()) if cursor.description else []


def moved_xy(move: Any, xy: Any) -> Any:
    """(n, 2) coordinates through a pyproj transformer (for `shapely.transform`)."""
    x, y = move.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])
