"""Our pygeoapi vector-tile provider (loaded by dotted path from the rendered config).

pygeoapi uses it to describe each collection's tilesets (links, HTML tiles page, tileset
metadata) and, through `get_tiles`, it encodes tiles with exactly the statement the fast tile
route runs (`tiles.mvt`: ST_AsMVT over the stored EPSG:3857 column, caps below z14). The
provider definition carries the shared `Catalog` and the relation the caller reads.
"""

from __future__ import annotations

from typing import Any

from pygeoapi.models.provider.base import TileMatrixSetEnum
from pygeoapi.provider.base import ProviderInvalidQueryError, ProviderItemNotFoundError
from pygeoapi.provider.base_mvt import BaseMVTProvider
from pygeoapi.util import url_join

from tiles import mvt
from twin.ogc.catalog import Catalog, Collection

TEMPLATE = "{tileMatrix}/{tileRow}/{tileCol}?f=mvt"


class TwinMVTProvider(BaseMVTProvider):  # type: ignore[misc]
    """pygeoapi tile provider for one registry layer, in WebMercatorQuad."""

    def __init__(self, provider_def: dict[str, Any]) -> None:
        super().__init__(provider_def)
        data = provider_def["data"]
        self.catalog: Catalog = data["catalog"]
        layer = self.catalog.layers().get(data["collection"])
        found = self.catalog.collection_in(layer, tuple(data["relation"])) if layer else None
        if found is None:
            raise ProviderItemNotFoundError(user_msg="collection not found")
        self.collection: Collection = found
        self.max_features = int((self.options or {}).get("max_features", 20_000))
        self.unclipped_inside = not (self.options or {}).get("exact_geometry", False)

    def __repr__(self) -> str:
        return f"<TwinMVTProvider> {self.collection.id}"

    def get_layer(self) -> str:
        return self.collection.id

    def get_fields(self) -> dict[str, dict[str, str]]:
        return {n: {"type": a.json_type} for n, a in self.collection.attributes.items()}

    def get_tiling_schemes(self) -> list[Any]:
        return [TileMatrixSetEnum.WEBMERCATORQUAD.value]

    def get_tiles_service(self, baseurl: str | None = None, servicepath: str | None = None,
                          dirpath: str | None = None, tile_type: str | None = None) -> Any:
        super().get_tiles_service(baseurl, servicepath, dirpath, tile_type)
        self._service_url = servicepath
        return self.get_tms_links()

    def get_tiles(self, layer: str | None = None, tileset: str | None = None,
                  z: int | None = None, y: int | None = None, x: int | None = None,
                  format_: str | None = None) -> bytes | None:
        """One encoded tile (None when empty), from the same SQL as the fast tile route."""
        if tileset != TileMatrixSetEnum.WEBMERCATORQUAD.value.tileMatrixSet:
            raise ProviderInvalidQueryError(user_msg=f"tile matrix set {tileset!r} not offered")
        if z is None or y is None or x is None or not mvt.valid_tile(int(z), int(x), int(y)):
            raise ProviderInvalidQueryError(user_msg="tile outside WebMercatorQuad")
        c = self.collection
        statement = mvt.tile_statement(mvt.TileRequest(
            c.schema, c.table, c.id, list(c.attributes), int(z), int(x), int(y),
            self.max_features, self.unclipped_inside))
        with self.catalog.engine.connect() as conn:
            data = conn.execute(statement).scalar_one()
        return bytes(data) or None

    def get_html_metadata(self, dataset: str, server_url: str, layer: str, tileset: str,
                          title: str, description: str, keywords: list[str],
                          **kwargs: Any) -> dict[str, Any]:
        base = url_join(server_url, f"collections/{dataset}/tiles/{tileset}")
        return {"id": dataset, "title": title, "tileset": tileset,
                "collections_path": url_join(base, TEMPLATE), "json_url": f"{base}?f=json"}

    def get_default_metadata(self, dataset: str, server_url: str, layer: str, tileset: str,
                             title: str, description: str, keywords: list[str],
                             **kwargs: Any) -> dict[str, Any]:
        scheme = self.get_tiling_schemes()[0]
        base = url_join(server_url, f"collections/{dataset}/tiles/{tileset}")
        return {
            "title": title, "description": description, "keywords": keywords,
            "dataType": "vector", "crs": scheme.crs, "tileMatrixSetURI": scheme.tileMatrixSetURI,
            "links": [
                {"href": url_join(server_url, "TileMatrixSets", scheme.tileMatrixSet),
                 "rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
                 "type": "application/json", "title": f"{scheme.tileMatrixSet} definition"},
                {"href": url_join(base, TEMPLATE), "rel": "item",
                 "type": "application/vnd.mapbox-vector-tile",
                 "title": f"{tileset} vector tiles for {layer}"},
            ],
        }
