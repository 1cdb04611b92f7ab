"""Every product of a layer as a distribution: one list the DCAT graph, ISO 19139 and OGC API
Records all read, so the three outputs can never disagree about what is published.

A layer's products: vector downloads (every format of `gis.export` in WGS 84 and in the
storage CRS), its OGC API Features collection and vector tiles (TileJSON); a LiDAR layer's
indexed LAS/LAZ files (one download each, named by index id) and its point-cloud 3D Tiles;
a DTM/DSM COG; a building layer's 3D Tiles and CityJSON export. Terrain meshes and BIM
tilesets are not built by the store yet, so they have no distribution.

Which layers appear at all is decided before: callers only get records of layers they may
see (`twin.catalog.service.visible_layers`), so closed layers are never described and shared
ones only to a caller holding a key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from gis import export, vocab
from gis.model import FEATURE_KINDS
from twin.catalog.records import DatasetRecord, StoredFile

DistributionKind = Literal["download", "api", "tiles"]

EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
#: specifications the distributions conform to (the format's, not the data's)
SPEC_GEOJSON = "https://www.rfc-editor.org/rfc/rfc7946"
SPEC_CSV = "https://www.rfc-editor.org/rfc/rfc4180"
SPEC_GPKG = "http://www.opengis.net/doc/IS/geopackage/1.4"
SPEC_OGC_FEATURES = "http://www.opengis.net/spec/ogcapi-features-1/1.0"
SPEC_OGC_TILES = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0"
SPEC_3D_TILES = "http://www.opengis.net/doc/CS/3D-Tiles/1.1"
SPEC_LAS = "https://www.asprs.org/wp-content/uploads/2019/07/LAS_1_4_r15.pdf"
SPEC_LAZ = "https://laszip.org/"
SPEC_COG = "http://www.opengis.net/doc/is/COG/1.0"
SPEC_CITYJSON = "https://www.cityjson.org/specs/2.0.0/"
SPEC_XLSX = "http://www.ecma-international.org/publications/standards/Ecma-376.htm"
SPEC_JSON = "https://www.rfc-editor.org/rfc/rfc8259"
SPEC_PARQUET = "https://parquet.apache.org/docs/file-format/"
FORMAT_SPECS = {"geojson": SPEC_GEOJSON, "csv": SPEC_CSV, "gpkg": SPEC_GPKG,
                "xlsx": SPEC_XLSX, "json": SPEC_JSON, "parquet": SPEC_PARQUET}


class HasBaseUrl(Protocol):
    """What distributions need of the deployment (`twin.catalog.graph.CatalogContext` is one)."""

    @property
    def base_url(self) -> str: ...


@dataclass(frozen=True)
class Distribution:
    """One way to get a dataset: a file, an API or a tileset.

    ``key`` is unique within the dataset and stable (it names the DCAT node
    ``<dataset>#<key>``); ``format_iri`` is an EU file-type IRI, ``media_type`` an IANA
    type, ``conforms_to`` the format's specification IRI; ``srid`` the reference system of
    the coordinates served (None: several, as in an API that reprojects). ``byte_size`` is the
    file's size when built (the tileset folder's total for 3D Tiles), ``checksum`` its
    SHA-256 when known; both None for APIs and for files not built yet."""

    key: str
    title: dict[str, str]
    description: dict[str, str]
    access_url: str
    download_url: str | None
    media_type: str
    format_iri: str
    conforms_to: str
    byte_size: int | None
    checksum: str | None
    kind: DistributionKind
    srid: int | None = None


def download_url(base_url: str, layer_id: str, fmt: str, crs: export.CrsChoice) -> str:
    """The stable URL of a vector download (`twin.api.downloads`)."""
    url = f"{base_url}/downloads/{layer_id}.{fmt}"
    return url if crs == "4326" else f"{url}?crs=storage"


def lidar_url(base_url: str, layer_id: str, stored: StoredFile) -> str:
    """A LiDAR file's download (`twin.api.products`): by index id, with its own extension."""
    return f"{base_url}/downloads/lidar/{layer_id}/{stored.key}{stored.path.suffix.lower()}"


def raster_url(base_url: str, layer_id: str) -> str:
    return f"{base_url}/downloads/rasters/{layer_id}.tif"


def cityjson_url(base_url: str, layer_id: str) -> str:
    return f"{base_url}/downloads/cityjson/{layer_id}.city.json"


def tileset_url(base_url: str, layer_id: str) -> str:
    return f"{base_url}/3dtiles/{layer_id}/tileset.json"


def _vector(base: str, record: DatasetRecord) -> list[Distribution]:
    layer = record.layer
    label = layer.spec.label()
    found: list[Distribution] = []
    for fmt, kind in export.FORMATS.items():
        for crs in export.CRS_CHOICES:
            srid = 4326 if crs == "4326" else layer.storage_srid
            url = download_url(base, layer.id, fmt, crs)
            built = record.downloads.get((fmt, crs))
            found.append(Distribution(
                key=f"{fmt}-epsg{srid}", title={"en": f"{kind.label}, EPSG:{srid}"},
                description={"en": f"{label} as {kind.label} in EPSG:{srid}, anonymised for "
                                   "publication."},
                access_url=url, download_url=url, media_type=kind.media_type,
                format_iri=vocab.FILE_TYPE + kind.file_type, conforms_to=FORMAT_SPECS[fmt],
                byte_size=built.byte_size if built else None,
                checksum=built.sha256 if built else None, kind="download", srid=srid))
    found.append(Distribution(
        key="ogcapi-features", title={"en": "OGC API Features collection"},
        description={"en": "Features on demand (bbox, CQL2 filters, CRS) through OGC API "
                           "Features."},
        access_url=f"{base}/collections/{layer.id}", download_url=None,
        media_type="application/geo+json", format_iri=vocab.FILE_TYPE + "GEOJSON",
        conforms_to=SPEC_OGC_FEATURES, byte_size=None, checksum=None, kind="api"))
    found.append(Distribution(
        key="vector-tiles", title={"en": "Vector tiles (TileJSON)"},
        description={"en": "Mapbox vector tiles in Web Mercator through OGC API Tiles, "
                           "described by a TileJSON document."},
        access_url=f"{base}/collections/{layer.id}/tilejson.json", download_url=None,
        media_type="application/json", format_iri=vocab.FILE_TYPE + "JSON",
        conforms_to=SPEC_OGC_TILES, byte_size=None, checksum=None, kind="api", srid=3857))
    return found


def _table(base: str, record: DatasetRecord) -> list[Distribution]:
    """A table's downloads (no CRS: no coordinates), its collection, and a joined table's
    vector tiles."""
    layer = record.layer
    found: list[Distribution] = []
    for fmt, kind in export.TABLE_FORMATS.items():
        url = download_url(base, layer.id, fmt, "4326")
        built = record.downloads.get((fmt, "4326"))
        found.append(Distribution(
            key=fmt, title={"en": kind.label},
            description={"en": f"{layer.spec.label()} as {kind.label}, anonymised for "
                               "publication."},
            access_url=url, download_url=url, media_type=kind.media_type,
            format_iri=vocab.FILE_TYPE + kind.file_type, conforms_to=FORMAT_SPECS[fmt],
            byte_size=built.byte_size if built else None,
            checksum=built.sha256 if built else None, kind="download"))
    found.append(Distribution(
        key="ogcapi-features", title={"en": "OGC API Features collection"},
        description={"en": "Rows on demand (CQL2 filters, sorting, paging) through OGC API "
                           "Features."},
        access_url=f"{base}/collections/{layer.id}", download_url=None,
        media_type="application/geo+json", format_iri=vocab.FILE_TYPE + "GEOJSON",
        conforms_to=SPEC_OGC_FEATURES, byte_size=None, checksum=None, kind="api"))
    if layer.spec.join is not None:
        found.append(Distribution(
            key="vector-tiles", title={"en": "Vector tiles (TileJSON)"},
            description={"en": f"The rows on the geometries of {layer.spec.join.layer}, as "
                               "Mapbox vector tiles through OGC API Tiles."},
            access_url=f"{base}/collections/{layer.id}/tilejson.json", download_url=None,
            media_type="application/json", format_iri=vocab.FILE_TYPE + "JSON",
            conforms_to=SPEC_OGC_TILES, byte_size=None, checksum=None, kind="api", srid=3857))
    return found


def _tileset(base: str, record: DatasetRecord, what: str) -> Distribution:
    url = tileset_url(base, record.layer.id)
    return Distribution(
        key="3dtiles", title={"en": f"3D Tiles 1.1 tileset ({what})"},
        description={"en": f"{record.layer.spec.label()} as a 3D Tiles 1.1 {what} tileset "
                           "(glTF binary tiles), for CesiumJS and other 3D viewers."},
        access_url=url, download_url=None, media_type="application/json",
        format_iri=vocab.FILE_TYPE + "JSON", conforms_to=SPEC_3D_TILES,
        byte_size=record.products.tileset_bytes, checksum=None, kind="tiles", srid=4978)


def distributions(ctx: HasBaseUrl, record: DatasetRecord) -> list[Distribution]:
    """Every distribution of a dataset, in a stable order (none before the layer holds data).

    The caller decides visibility: pass only records of layers the reader may see."""
    base = ctx.base_url
    layer = record.layer
    products = record.products
    found: list[Distribution] = []
    kind = layer.spec.kind
    if kind in FEATURE_KINDS and layer.current_version is not None:
        found.extend(_vector(base, record))
        if products.tileset_bytes is not None:
            found.append(_tileset(base, record, "BIM model" if kind == "bim" else "buildings"))
        if products.cityjson is not None:
            url = cityjson_url(base, layer.id)
            found.append(Distribution(
                key="cityjson", title={"en": "CityJSON 2.0 (LoD1 buildings)"},
                description={"en": f"{layer.spec.label()} as CityJSON 2.0 solids with their "
                                   "heights and attributes."},
                access_url=url, download_url=url, media_type="application/city+json",
                format_iri=vocab.FILE_TYPE + "JSON", conforms_to=SPEC_CITYJSON,
                byte_size=products.cityjson.byte_size, checksum=None, kind="download",
                srid=products.cityjson.srid))
    elif kind == "table" and layer.current_version is not None:
        found.extend(_table(base, record))
    elif kind == "lidar":
        for stored in products.lidar_files:
            url = lidar_url(base, layer.id, stored)
            laz = stored.path.suffix.lower() == ".laz"
            name = "LAZ" if laz else "LAS"
            found.append(Distribution(
                key=f"lidar-{stored.key}", title={"en": f"{name} file {stored.path.name}"},
                description={"en": f"One stored point-cloud tile of {layer.spec.label()}, as "
                                   f"surveyed ({name})."},
                access_url=url, download_url=url,
                media_type="application/vnd.laszip" if laz else "application/vnd.las",
                format_iri=vocab.FILE_TYPE + name, conforms_to=SPEC_LAZ if laz else SPEC_LAS,
                byte_size=stored.byte_size, checksum=stored.sha256, kind="download",
                srid=stored.srid))
        if products.tileset_bytes is not None:
            found.append(_tileset(base, record, "point cloud"))
    elif kind == "raster" and products.raster is not None:
        url = raster_url(base, layer.id)
        found.append(Distribution(
            key="cog", title={"en": "Cloud Optimized GeoTIFF"},
            description={"en": f"{layer.spec.label()} as a Cloud Optimized GeoTIFF (HTTP "
                               "range requests supported)."},
            access_url=url, download_url=url,
            media_type="image/tiff",
            format_iri=vocab.FILE_TYPE + "GEOTIFF", conforms_to=SPEC_COG,
            byte_size=products.raster.byte_size, checksum=None, kind="download",
            srid=products.raster.srid))
    return found
