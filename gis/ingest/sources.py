"""Opening a vector source: format detection, layer choice, CRS, and streamed Arrow batches.

Every format goes through GDAL (pyogrio) and comes out as Arrow record batches with one WKB
geometry column, read in bounded batches so that a file of any size never sits in memory.
A source is described by one or more `ReadPart` (OpenStreetMap facilities read two OGR
layers). Each reader (`GdalSource`, `CsvSource`, `gis.ingest.osm.OsmSource`) implements
`VectorSource`, all the loader knows of it: the rest of the ingest never needs to know which
format it came from. A source keeps the path as the user gave it, for its messages.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyogrio
from pyogrio import raw
from pyogrio.errors import DataLayerError, DataSourceError, FieldError

from gis.errors import IngestError
from gis.files import sha256_file
from gis.model import LayerSpec

#: Features per Arrow batch: about `BATCH_BYTES` of the source file, within these bounds.
#: Large batches amortise per-batch work (a 1M-parcel load costs ~10% less CPU at 30,000
#: than at 20,000); the byte budget keeps the five batches in flight (see
#: `gis.ingest.loader.WORKERS`) of a 1M-parcel load near 600 MB, detailed polygons included.
MIN_BATCH = 5_000
MAX_BATCH = 40_000
UNKNOWN_COUNT_BATCH = 20_000  # when the driver cannot count features (OSM)
BATCH_BYTES = 12 * 1024 * 1024

CSV_OPTIONS: dict[str, str] = {
    "X_POSSIBLE_NAMES": "x,lon,long,longitude,easting,east,xcoord,coord_x",
    "Y_POSSIBLE_NAMES": "y,lat,latitude,northing,north,ycoord,coord_y",
    "GEOM_POSSIBLE_NAMES": "wkt,geom,geometry,the_geom,wkt_geom",
    "KEEP_GEOM_COLUMNS": "NO",
    "AUTODETECT_TYPE": "YES",
    "EMPTY_STRING_AS_NULL": "YES",
}
OSM_SUFFIXES = (".osm", ".pbf", ".osm.gz", ".osm.bz2")
#: Files that usually hold exactly one layer, and the GDAL drivers that make sure they do:
#: no need to list layers (GeoJSON is parsed whole on every open, so each open saved is a
#: parse saved). A .json GDAL reads as TopoJSON may hold several: those are listed.
SINGLE_LAYER_SUFFIXES = (".geojson", ".json", ".geojsonl", ".geojsons", ".shp", ".fgb",
                         ".csv", ".tsv", ".csv.gz")
SINGLE_LAYER_DRIVERS = frozenset({"GeoJSON", "GeoJSONSeq", "ESRI Shapefile", "FlatGeobuf",
                                  "CSV"})
#: Single-layer files GDAL parses whole on every open (GeoJSON: the first pass builds the
#: schema): their metadata is taken from the Arrow stream that then reads the features, one
#: parse instead of two (a 183 MB GeoJSON: 2.6 s of 9.4 s). Their feature count is then
#: unknown until read; their batch size comes from the features' size (`geojson_batch`).
PARSED_ON_OPEN_SUFFIXES = (".geojson", ".json", ".geojsonl", ".geojsons")
#: How much of a .json file is searched for TopoJSON's ``"Topology"`` (as GDAL identifies it
#: from the start of the file): a TopoJSON may hold several layers, which are listed instead.
TOPOJSON_SNIFF_BYTES = 64 * 1024
GEOJSON_SNIFF_BYTES = 1024 * 1024

#: GDAL 3.12's fast GeoPackage Arrow reader trusts the cached count of ``gpkg_ogr_contents``;
#: when that count is stale it returns rows twice (Tenerife's parcel.gpkg: 264 rows for 186
#: features). The generic reader (4-5 times slower) reads each row once: we use it only
#: when the cached count is wrong.
GPKG_GENERIC_READER = "OGR_GPKG_STREAM_BASE_IMPL"

#: What GDAL (through pyogrio) raises when it cannot open a file as vector data.
OPEN_ERRORS = (UnicodeDecodeError, DataSourceError, DataLayerError, FieldError, OSError)

BatchMapper = Callable[[pa.RecordBatch], pa.RecordBatch]


@dataclass(frozen=True)
class ReadPart:
    """One OGR layer to stream (with an optional filter and a batch mapper)."""

    layer: str | None  # None: the file's only layer
    where: str | None = None
    mapper: BatchMapper | None = None


class OpenedStream:
    """The Arrow stream of a file's only layer, opened to read its metadata and kept open to
    read its features (see `PARSED_ON_OPEN_SUFFIXES`)."""

    def __init__(self, label: str, location: str, options: dict[str, str],
                 batch_size: int) -> None:
        self._context = raw.open_arrow(location, layer=None, use_pyarrow=True,
                                       batch_size=batch_size, **options)
        self.meta: dict[str, Any]
        try:
            self.meta, self._reader = self._context.__enter__()
        except OPEN_ERRORS as exc:
            raise _unreadable(label, exc) from exc
        self._open = True

    @contextmanager
    def reader(self) -> Iterator[pa.RecordBatchReader]:
        """The stream, once; closed after."""
        if not self._open:
            raise RuntimeError("the stream was read or closed already")
        try:
            yield self._reader
        finally:
            self.close()

    def close(self) -> None:
        if self._open:
            self._open = False
            self._context.__exit__(None, None, None)


class VectorSource(Protocol):
    """What the loader needs of a reader, whatever the format (GDAL, CSV, OpenStreetMap):
    the file's name as the user gave it (for messages and reports), its CRS and declared
    geometry type when it has them, and its features as bounded Arrow batches
    (attributes + one WKB ``wkb_geometry`` column)."""

    @property
    def name(self) -> str: ...

    @property
    def crs(self) -> str | None: ...

    @property
    def declared_type(self) -> str | None: ...

    @property
    def feature_estimate(self) -> int | None: ...

    def batches(self) -> Iterator[pa.RecordBatch]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class GdalSource:
    """A file GDAL reads (GeoPackage, GeoJSON, Shapefile, GML, FlatGeobuf...): where GDAL
    opens it, which layers, its CRS and its size. ``path`` is the file as the user gave it
    (relative stays relative: reports and errors name it so)."""

    path: Path
    gdal_path: str
    kind: str
    parts: tuple[ReadPart, ...]
    crs: str | None
    declared_type: str | None
    open_options: dict[str, str] = field(default_factory=dict)
    feature_estimate: int | None = None
    opened: OpenedStream | None = None  # the first part, already open

    @classmethod
    def options(cls, path: Path) -> dict[str, str]:
        """GDAL dataset open options of this reader."""
        return {"WRITE_GFS": "NO"} if path.name.lower().endswith((".gml", ".xml")) else {}

    @classmethod
    def open(cls, path: Path, spec: LayerSpec) -> GdalSource:
        """Inspect ``path`` (no features read yet): its layer, CRS and feature count."""
        label, location, options = str(path), gdal_path(path), cls.options(path)
        if spec.osm_mapping is not None:
            raise IngestError(label, f"osm_mapping {spec.osm_mapping!r} needs an .osm/.pbf file")
        if _parsed_on_open(path) and spec.source_layer is None:
            return cls._opened(path, location, options)
        info: dict[str, Any] | None = None
        if path.name.lower().endswith(SINGLE_LAYER_SUFFIXES) and spec.source_layer is None:
            info = read_info(label, location, None, options)
            if info.get("driver") not in SINGLE_LAYER_DRIVERS:
                info = None
        if info is not None:
            layer = str(info["layer_name"])
        else:
            layer = choose_layer(label, _layers(label, location), spec.source_layer)
            stale = path.suffix.lower() == ".gpkg" and not _gpkg_count_is_right(path, layer)
            pyogrio.set_gdal_config_options({GPKG_GENERIC_READER: "YES" if stale else "NO"})
            info = read_info(label, location, layer, options)
        return cls(path=path, gdal_path=location, kind=source_kind(path),
                   parts=(ReadPart(layer=layer),), crs=info.get("crs"),
                   declared_type=info.get("geometry_type"), open_options=options,
                   feature_estimate=known_count(info))

    @classmethod
    def _opened(cls, path: Path, location: str, options: dict[str, str]) -> GdalSource:
        """A single-layer source whose metadata comes from the stream that reads it."""
        opened = OpenedStream(str(path), location, options, geojson_batch(path))
        try:
            declared = opened.meta.get("geometry_type")
            _require_geometry(str(path), None, declared)
        except BaseException:
            opened.close()
            raise
        return cls(path=path, gdal_path=location, kind=source_kind(path),
                   parts=(ReadPart(layer=None),), crs=opened.meta.get("crs"),
                   declared_type=declared, open_options=options, opened=opened)

    def close(self) -> None:
        """Close the stream opened with the metadata if it was not read (a load that failed
        before its first batch)."""
        if self.opened is not None:
            self.opened.close()

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def batch_size(self) -> int:
        """Features per batch: about `BATCH_BYTES` of the file (see `MAX_BATCH`)."""
        if not self.feature_estimate:
            return UNKNOWN_COUNT_BATCH
        return batch_for(self.path.stat().st_size / self.feature_estimate)

    def batches(self) -> Iterator[pa.RecordBatch]:
        """Every feature as Arrow batches (attributes + ``wkb_geometry``), part by part."""
        for index, part in enumerate(self.parts):
            opened = self.opened if index == 0 else None
            with opened.reader() if opened is not None else _stream(self, part) as reader:
                yield from _read_batches(self.name, reader, part)


class CsvSource(GdalSource):
    """A CSV/TSV table: points from X/Y columns or geometries from a WKT column (GDAL's CSV
    driver, with the column names we recognise and typed fields)."""

    @classmethod
    def options(cls, path: Path) -> dict[str, str]:
        return dict(CSV_OPTIONS)


def batch_for(bytes_per_feature: float) -> int:
    """Features per batch for features of this size in the file (see `BATCH_BYTES`)."""
    return int(min(MAX_BATCH, max(MIN_BATCH, BATCH_BYTES / max(1.0, bytes_per_feature))))


def geojson_batch(path: Path) -> int:
    """Features per batch of a GeoJSON file, whose count is unknown until it is read: from
    the size of the features in its first `GEOJSON_SNIFF_BYTES` (``"Feature"`` members), so
    that large polygons still make batches of about `BATCH_BYTES`."""
    with path.open("rb") as handle:
        head = handle.read(GEOJSON_SNIFF_BYTES)
    features = head.count(b'"Feature"')
    return batch_for(len(head) / features) if features else MIN_BATCH


def checksum(path: Path) -> str:
    """SHA-256 of the file, kept with every load to tell re-ingests apart."""
    return sha256_file(path)


def source_kind(path: Path) -> str:
    """``osm``, ``csv`` or ``ogr`` (anything else GDAL recognises), from the file name."""
    name = path.name.lower()
    if name.endswith(OSM_SUFFIXES):
        return "osm"
    if name.endswith((".csv", ".csv.gz", ".tsv")):
        return "csv"
    return "ogr"


def gdal_path(path: Path) -> str:
    """The path GDAL should open: compressed files go through its virtual file systems
    (which want an absolute path; messages still name the path as given)."""
    name = path.name.lower()
    if name.endswith(".gz"):
        return f"/vsigzip/{path.absolute()}"
    if name.endswith(".zip"):
        return f"/vsizip/{path.absolute()}"
    return str(path)


def _layers(source: str, location: str) -> list[tuple[str, str | None]]:
    try:
        found = pyogrio.list_layers(location)
    except UnicodeDecodeError as exc:
        raise _not_utf8(source, exc) from exc
    except (DataSourceError, DataLayerError, OSError) as exc:
        raise IngestError(source, f"not a readable vector file ({_gdal_message(exc)})") from exc
    return [(str(name), None if kind is None else str(kind)) for name, kind in found]


def _not_utf8(source: str, exc: UnicodeDecodeError) -> IngestError:
    """GDAL met bytes that are not UTF-8 where the format requires it (GeoJSON, GML)."""
    byte = exc.object[exc.start:exc.start + 1]
    return IngestError(source, f"text that is not UTF-8 (byte {byte!r}): this format must be "
                       "UTF-8; re-encode the file (e.g. iconv -f latin1 -t utf-8)")


def _gdal_message(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def choose_layer(source: str, layers: list[tuple[str, str | None]], wanted: str | None) -> str:
    """The declared ``source_layer``, the only layer, or the only layer with geometries."""
    names = [name for name, _kind in layers]
    if wanted is not None:
        if wanted not in names:
            raise IngestError(source, f"no layer {wanted!r}; layers: {', '.join(names)}")
        return wanted
    if len(layers) == 1:
        return names[0]
    spatial = [name for name, kind in layers if kind is not None]
    if len(spatial) == 1:
        return spatial[0]
    if not layers:
        raise IngestError(source, "the file holds no layer")
    raise IngestError(
        source, f"{len(layers)} layers ({', '.join(names)}): set source_layer in the layer spec"
    )


def open_source(path: Path, spec: LayerSpec) -> GdalSource:
    """The reader of ``path`` by its name (`source_kind`), opened (no features read yet);
    `IngestError` names the file (as given) and the problem."""
    label = str(path)
    if not path.exists():
        raise IngestError(label, "file not found")
    if not path.is_file():
        raise IngestError(label, "not a file")
    kind = source_kind(path)
    if kind == "osm":
        from gis.ingest.osm import OsmSource  # local: osm.py builds on this module

        return OsmSource.open(path, spec)
    return (CsvSource if kind == "csv" else GdalSource).open(path, spec)


def _parsed_on_open(path: Path) -> bool:
    """A GeoJSON file: one layer, parsed whole on open (a TopoJSON .json is not one)."""
    name = path.name.lower()
    if not name.endswith(PARSED_ON_OPEN_SUFFIXES):
        return False
    if name.endswith(".json"):
        with path.open("rb") as handle:
            return b'"Topology"' not in handle.read(TOPOJSON_SNIFF_BYTES)
    return True


def _gpkg_count_is_right(path: Path, layer: str) -> bool:
    """Whether the GeoPackage's cached feature count of ``layer`` is its real row count."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            cached = db.execute("SELECT feature_count FROM gpkg_ogr_contents "
                                "WHERE lower(table_name) = lower(?)", (layer,)).fetchone()
            if cached is None or cached[0] is None:
                return True  # no cache: GDAL counts the rows itself
            quoted = '"' + layer.replace('"', '""') + '"'
            real = db.execute(f"SELECT count(*) FROM {quoted}").fetchone()  # noqa: S608
            return bool(real[0] == cached[0])
    except sqlite3.Error:
        return False  # not a table we can count: take the safe reader


def known_count(info: dict[str, Any]) -> int | None:
    """The feature count GDAL reported, when it knows it (OSM and some drivers do not)."""
    count = info.get("features")
    return int(count) if count is not None and int(count) >= 0 else None


def read_info(label: str, location: str, layer: str | None, options: dict[str, str]
               ) -> dict[str, Any]:
    """The layer's metadata (``layer`` None: the first layer)."""
    try:
        info: dict[str, Any] = pyogrio.read_info(location, layer=layer, **options)
    except OPEN_ERRORS as exc:
        raise _unreadable(label, exc) from exc
    _require_geometry(label, layer if layer is not None else info.get("layer_name"),
                      info.get("geometry_type"))
    return info


def _unreadable(label: str, exc: Exception) -> IngestError:
    if isinstance(exc, UnicodeDecodeError):
        return _not_utf8(label, exc)
    return IngestError(label, f"not a readable vector file ({_gdal_message(exc)})")


def _require_geometry(label: str, layer: str | None, geometry_type: str | None) -> None:
    if geometry_type is not None:
        return
    hint = (
        ": expected X/Y columns (x, lon, easting, ...) or a WKT column (wkt, geom, geometry)"
        if label.lower().endswith((".csv", ".tsv", ".csv.gz")) else ""
    )
    named = f"layer {layer!r}" if layer is not None else "the layer"
    raise IngestError(label, f"{named} has no geometry{hint}")


@contextmanager
def _stream(source: GdalSource, part: ReadPart) -> Iterator[pa.RecordBatchReader]:
    try:
        with raw.open_arrow(
            source.gdal_path, layer=part.layer, where=part.where, use_pyarrow=True,
            batch_size=source.batch_size, **source.open_options,
        ) as (_meta, reader):
            yield reader
    except UnicodeDecodeError as exc:
        raise _not_utf8(source.name, exc) from exc
    except (DataSourceError, DataLayerError, FieldError) as exc:
        raise IngestError(source.name, f"cannot read ({_gdal_message(exc)})") from exc


def _read_batches(name: str, reader: pa.RecordBatchReader, part: ReadPart
                  ) -> Iterator[pa.RecordBatch]:
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        except UnicodeDecodeError as exc:
            raise _not_utf8(name, exc) from exc
        except (pa.ArrowException, OSError) as exc:
            raise IngestError(
                name, f"the file is damaged or truncated ({_gdal_message(exc)})"
            ) from exc
        yield part.mapper(batch) if part.mapper else batch


def batches(source: VectorSource) -> Iterator[pa.RecordBatch]:
    """Every feature of the source as Arrow batches (attributes + ``wkb_geometry``)."""
    return source.batches()
