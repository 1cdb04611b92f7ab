"""The least any Python loader built on our libraries does: the floor of a whole command.

Run as its own process by ``benchmarks/ingest.py`` (with the interpreter of the user-like
install), it does a bare subset of what ``twin ingest vector`` does and what ogr2ogr does: read
the file with pyogrio into Arrow, reproject with pyproj, COPY the geometries into one column
with psycopg and index it. No checks, no attributes, no registry, no versions, no derived
columns: nothing a Python ingest could leave out. Its wall time on a small file is the
interpreter and the imports of numpy, pyarrow, GDAL (pyogrio), PROJ, GEOS (shapely) and libpq
(psycopg) plus a few milliseconds of work, which is why a whole Python command cannot reach
ogr2ogr's features/s on a file of a few thousand features.

Usage: ``python floor_load.py PATH TARGET_EPSG DSN TABLE``
"""

from __future__ import annotations

import sys

import numpy as np
import psycopg
import pyogrio
import shapely
from psycopg import sql
from pyproj import CRS, Transformer


def reprojected(path: str, target_epsg: int) -> np.ndarray:
    """The file's geometries in ``EPSG:target_epsg``, with that SRID set."""
    meta, table = pyogrio.read_arrow(path)
    geometries = shapely.from_wkb(table.column(meta["geometry_name"] or "wkb_geometry"))
    source = CRS.from_user_input(meta["crs"])
    if source != CRS.from_epsg(target_epsg):
        transformer = Transformer.from_crs(source, CRS.from_epsg(target_epsg), always_xy=True)
        geometries = shapely.transform(
            geometries, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
    return shapely.set_srid(geometries, target_epsg)


def load(geometries: np.ndarray, dsn: str, table: str, target_epsg: int) -> None:
    """Replace ``public.table`` by one indexed geometry column holding ``geometries``."""
    name = sql.Identifier("public", table)
    with psycopg.connect(dsn) as conn:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(name))
        conn.execute(sql.SQL("CREATE TABLE {} (id serial PRIMARY KEY, geom geometry(Geometry, {}))")
                     .format(name, sql.Literal(target_epsg)))
        with conn.cursor().copy(sql.SQL("COPY {} (geom) FROM STDIN").format(name)) as copy:
            for ewkb in shapely.to_wkb(geometries, hex=True, include_srid=True):
                copy.write_row((ewkb,))
        conn.execute(sql.SQL("CREATE INDEX ON {} USING gist (geom)").format(name))


def main() -> None:
    path, target, dsn, table = sys.argv[1:5]
    epsg = int(target.removeprefix("EPSG:"))
    load(reprojected(path, epsg), dsn, table, epsg)


if __name__ == "__main__":
    main()
