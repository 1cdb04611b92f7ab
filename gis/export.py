"""Download files of a layer (GeoJSON, CSV, GeoPackage), built from the published view.

Files are built once per layer state (version, edits, rules) and CRS, in constant memory
(server-side cursors, ``COPY``, Arrow batches), written to a temporary name and renamed, with
a sidecar JSON giving their size, SHA-256 and feature count: what the catalogue publishes as
dcat:byteSize and spdx:checksum is exactly the file that is served.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import pyarrow as pa
from psycopg import sql
from pyproj import CRS
from sqlalchemy import Connection, Engine, text

from gis import export_sql as q
from gis.errors import NothingToExport, PublishedViewMissing, UnknownExportFormat
from gis.files import sha256_file
from gis.model import Layer
from gis.schema import (
    GEOMETRY_4326_COLUMN,
    GEOMETRY_COLUMN,
    GEOMETRY_COLUMNS,
    ID_COLUMN,
    published_relation,
)

CrsChoice = Literal["4326", "storage"]
BATCH_ROWS = 2000


@dataclass(frozen=True)
class DownloadFormat:
    ext: str
    media_type: str
    file_type: str  # EU file-type authority code
    label: str


FORMATS: dict[str, DownloadFormat] = {
    "geojson": DownloadFormat("geojson", "application/geo+json", "GEOJSON", "GeoJSON"),
    "csv": DownloadFormat("csv", "text/csv", "CSV", "CSV (geometry as WKT)"),
    "gpkg": DownloadFormat("gpkg", "application/geopackage+sqlite3", "GPKG", "GeoPackage"),
}
CRS_CHOICES: tuple[CrsChoice, ...] = ("4326", "storage")
#: a table layer's downloads (no geometry, so no CRS): `gis.tables.export`
TABLE_FORMATS: dict[str, DownloadFormat] = {
    "csv": DownloadFormat("csv", "text/csv", "CSV", "CSV"),
    "xlsx": DownloadFormat(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX",
        "Excel workbook"),
    "json": DownloadFormat("json", "application/json", "JSON", "JSON"),
    "parquet": DownloadFormat("parquet", "application/vnd.apache.parquet", "PARQUET",
                              "Apache Parquet"),
}


def formats_for(layer: Layer) -> dict[str, DownloadFormat]:
    """The download formats of a layer: a table's, or the vector formats."""
    return TABLE_FORMATS if layer.spec.kind == "table" else FORMATS


@dataclass(frozen=True)
class DownloadFile:
    layer_id: str
    version: int
    format: str
    crs: CrsChoice
    srid: int
    byte_size: int
    sha256: str
    feature_count: int
    path: Path


def rules_digest(layer: Layer) -> str:
    """Changes whenever what the published view shows may change (rules, access level)."""
    payload = json.dumps([layer.spec.access_level,
                          {k: v.model_dump() for k, v in layer.spec.personal_fields.items()}],
                         sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def _state_folder(layer: Layer) -> str:
    """What the files of one folder were built from: the version, the edits made to it
    since (Part 4 bumps ``edit_seq`` in the edit's transaction) and the publication rules.
    An edit or a load thus moves downloads to a new folder: no one has to delete a cache."""
    return f"v{layer.current_version}-e{layer.edit_seq}-{rules_digest(layer)}"


def _drop_stale(layer_root: Path, current: Path) -> None:
    """Remove the folders of earlier states (a reader holding one of their files open keeps
    reading it: POSIX unlinks, it does not truncate)."""
    for folder in layer_root.iterdir():
        if folder != current and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def file_path(root: Path, layer: Layer, fmt: str, crs: CrsChoice) -> Path:
    if layer.current_version is None:
        raise NothingToExport(f"layer {layer.id!r} holds no data yet")
    folder = root / layer.id / _state_folder(layer)
    if layer.spec.kind == "table":
        return folder / f"{layer.id}.{fmt}"
    srid = 4326 if crs == "4326" else layer.storage_srid
    return folder / f"{layer.id}-epsg{srid}.{fmt}"


def cached(root: Path, layer: Layer, fmt: str, crs: CrsChoice) -> DownloadFile | None:
    """The built file of this version, or None when it was not built yet."""
    if layer.current_version is None or fmt not in formats_for(layer):
        return None
    path = file_path(root, layer, fmt, crs)
    sidecar = path.with_name(path.name + ".json")
    if not (path.exists() and sidecar.exists()):
        return None
    data = json.loads(sidecar.read_text())
    data["path"] = path
    return DownloadFile(**data)


def build(engine: Engine, root: Path, layer: Layer, fmt: str, crs: CrsChoice) -> DownloadFile:
    """The download file, built now if this version does not have it yet."""
    formats = formats_for(layer)
    if fmt not in formats:
        raise UnknownExportFormat(f"unknown download format {fmt!r} ({', '.join(formats)})")
    found = cached(root, layer, fmt, crs)
    if found is not None:
        return found
    path = file_path(root, layer, fmt, crs)
    path.parent.mkdir(parents=True, exist_ok=True)
    srid = 4326 if crs == "4326" else layer.storage_srid
    geometry = GEOMETRY_4326_COLUMN if crs == "4326" else GEOMETRY_COLUMN
    decimals = 8 if CRS.from_epsg(srid).is_geographic else 3
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        temporary = Path(work) / path.name
        with engine.connect() as conn:
            if layer.spec.kind == "table":
                from gis.tables.export import WRITERS

                count = WRITERS[fmt](conn, layer, temporary)
            else:
                writer = {"geojson": _write_geojson, "csv": _write_csv, "gpkg": _write_gpkg}[fmt]
                count = writer(conn, layer, temporary, geometry, srid, decimals)
        digest, size = sha256_file(temporary), temporary.stat().st_size
        os.replace(temporary, path)
    record = DownloadFile(layer.id, layer.current_version or 0, fmt, crs, srid, size, digest,
                          count, path)
    sidecar = {k: v for k, v in asdict(record).items() if k != "path"}
    path.with_name(path.name + ".json").write_text(json.dumps(sidecar))
    _drop_stale(root / layer.id, path.parent)
    return record




def _streamed(conn: Connection, statement: str) -> Iterator[tuple[object, ...]]:
    result = conn.execution_options(stream_results=True, yield_per=BATCH_ROWS).exec_driver_sql(
        statement)
    for partition in result.partitions():
        yield from (tuple(row) for row in partition)


def _render(conn: Connection, statement: object) -> str:
    return statement.as_string(conn.connection.driver_connection)  # type: ignore[attr-defined,no-any-return]


def _write_geojson(conn: Connection, layer: Layer, target: Path, geometry: str, srid: int,
                   decimals: int) -> int:
    count = 0
    header: dict[str, object] = {"type": "FeatureCollection", "name": layer.id}
    if srid != 4326:
        header["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"}}
    with target.open("w", encoding="utf-8") as out:
        out.write(json.dumps(header)[:-1] + ', "features": [\n')
        statement = _render(conn, q.geojson_features(layer.table, geometry, decimals))
        for (feature,) in _streamed(conn, statement):
            out.write((",\n" if count else "") + str(feature))
            count += 1
        out.write("\n]}\n")
    return count


def _attributes(conn: Connection, layer: Layer) -> list[tuple[str, str]]:
    relation = _render(conn, sql.Identifier(*published_relation(layer.table)))
    rows = conn.execute(text(q.PUBLISHED_COLUMNS), {"relation": relation}).all()
    if not rows:
        raise PublishedViewMissing(f"layer {layer.id!r} has no published view")
    return [(name, kind) for name, kind in rows if name not in (*GEOMETRY_COLUMNS, ID_COLUMN)]


def _write_csv(conn: Connection, layer: Layer, target: Path, geometry: str, srid: int,
               decimals: int) -> int:
    names = [name for name, _ in _attributes(conn, layer)]
    statement = q.csv_copy(layer.table, names, geometry, decimals)
    raw = conn.connection.driver_connection
    with target.open("wb") as out, raw.cursor() as cursor:  # type: ignore[union-attr]
        with cursor.copy(statement) as copy:
            for chunk in copy:
                out.write(bytes(chunk))
        cursor.execute(q.count_rows(layer.table))
        row = cursor.fetchone()
    return int(row[0]) if row else 0


_ARROW_TYPES: dict[str, pa.DataType] = {
    "int2": pa.int64(), "int4": pa.int64(), "int8": pa.int64(), "float4": pa.float64(),
    "float8": pa.float64(), "numeric": pa.float64(), "bool": pa.bool_(), "date": pa.date32(),
    "timestamp": pa.timestamp("us"), "timestamptz": pa.timestamp("us", tz="UTC"),
}


def _write_gpkg(conn: Connection, layer: Layer, target: Path, geometry: str, srid: int,
                decimals: int) -> int:
    import pyogrio.raw

    attributes = _attributes(conn, layer)
    fields = [pa.field("fid", pa.int64())]
    fields += [pa.field(name, _ARROW_TYPES.get(kind, pa.string())) for name, kind in attributes]
    fields.append(pa.field("geometry", pa.binary()))
    schema = pa.schema(fields)
    statement = _render(conn, q.arrow_rows(
        layer.table, [(n, k not in _ARROW_TYPES) for n, k in attributes], geometry))
    counter = [0]

    def batches() -> Iterator[pa.RecordBatch]:
        rows: list[tuple[object, ...]] = []
        for row in _streamed(conn, statement):
            rows.append(row)
            if len(rows) >= BATCH_ROWS:
                yield _batch(schema, rows)
                counter[0] += len(rows)
                rows = []
        if rows or not counter[0]:
            yield _batch(schema, rows)
            counter[0] += len(rows)

    view_schema, view = published_relation(layer.table)
    geometry_type = conn.execute(text(q.GEOMETRY_TYPE),
                                 {"s": view_schema, "t": view, "g": geometry}).scalar_one()
    reader = pa.RecordBatchReader.from_batches(schema, batches())
    pyogrio.raw.write_arrow(
        reader, str(target), layer=layer.id, driver="GPKG", geometry_name="geometry",
        geometry_type=_ogr_geometry_type(str(geometry_type)), crs=CRS.from_epsg(srid).to_wkt(),
        layer_options={"FID": "fid"},
    )
    return counter[0]


def _batch(schema: pa.Schema, rows: list[tuple[object, ...]]) -> pa.RecordBatch:
    columns: list[tuple[object, ...]] = (list(zip(*rows, strict=True)) if rows
                                         else [() for _ in schema])
    arrays = [pa.array(list(values), type=field.type) for values, field in zip(
        columns, schema, strict=True)]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _ogr_geometry_type(postgis_type: str) -> str:
    names = {"POINT": "Point", "LINESTRING": "LineString", "POLYGON": "Polygon",
             "MULTIPOINT": "MultiPoint", "MULTILINESTRING": "MultiLineString",
             "MULTIPOLYGON": "MultiPolygon", "GEOMETRYCOLLECTION": "GeometryCollection"}
    return names.get(postgis_type.upper(), "Unknown")
