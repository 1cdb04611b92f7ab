"""Our pygeoapi feature provider over PostGIS (loaded by dotted path from the rendered config).

pygeoapi uses it for what its core renders -- queryables, collection descriptions and the
HTML items pages -- and it runs the very same SQL as the GeoJSON fast path (`features`), so
both agree feature for feature. The provider definition carries the shared `Catalog` (the
engine lives there) and the collection id; nothing is created per row in Python.
"""

from __future__ import annotations

from typing import Any

import orjson
from pygeoapi.provider.base import (
    BaseProvider,
    ProviderItemNotFoundError,
    ProviderQueryError,
)

from twin.errors import TwinError
from twin.ogc import features, sql
from twin.ogc.catalog import Catalog, Collection
from twin.ogc.crs import parse_crs
from twin.ogc.query import ItemsQuery


class TwinFeatureProvider(BaseProvider):  # type: ignore[misc]
    """pygeoapi `BaseProvider` for one registry layer; GeoJSON comes out of PostGIS."""

    def __init__(self, provider_def: dict[str, Any]) -> None:
        super().__init__(provider_def)
        data = provider_def["data"]
        self.catalog: Catalog = data["catalog"]
        self.collection_url: str = data["collection_url"]
        # visibility was decided before pygeoapi was called: its config holds only visible ones
        layer = self.catalog.layers().get(data["collection"])
        found = self.catalog.collection_in(layer, tuple(data["relation"])) if layer else None
        if found is None:
            raise ProviderItemNotFoundError(user_msg="collection not found")
        self.collection: Collection = found
        self.id_field = "fid"
        self._fields = self.get_fields()

    def get_fields(self) -> dict[str, dict[str, str]]:
        fields: dict[str, dict[str, str]] = {}
        for name, attribute in self.collection.attributes.items():
            fields[name] = {"type": attribute.json_type}
            if attribute.json_format:
                fields[name]["format"] = attribute.json_format
        return fields

    def _relation(self) -> Any:
        c = self.collection
        return sql.relation(c.schema, c.table, list(c.attributes.values()))

    def query(self, offset: int = 0, limit: int = 10, resulttype: str = "results",
              bbox: list[float] | None = None, datetime_: str | None = None,
              properties: list[tuple[str, str]] | None = None,
              sortby: list[dict[str, str]] | None = None,
              select_properties: list[str] | None = None, skip_geometry: bool = False,
              filterq: Any = None, **kwargs: Any) -> dict[str, Any]:
        """A FeatureCollection for pygeoapi's HTML pages (same SQL as the fast path)."""
        chosen = tuple(select_properties or self.collection.attributes)
        query = ItemsQuery(
            limit=int(limit), offset=int(offset),
            bbox=tuple(bbox[:2] + bbox[-2:]) if bbox else None,  # type: ignore[arg-type]
            bbox_crs=parse_crs(None, 4326), filter=filterq, filter_crs=parse_crs(None, 4326),
            sortby=tuple((s["property"], s.get("order") == "-") for s in sortby or []),
            properties=chosen, skip_geometry=skip_geometry,
            equals=tuple((k, str(v)) for k, v in properties or []),
        )
        links = features.LinkBuilder(self.collection_url, {})
        try:
            with self.catalog.engine.connect() as conn:
                page = features.items_page(conn, self._relation(), self.collection, query, links,
                                           self.counting)
        except TwinError as exc:
            raise ProviderQueryError(user_msg=str(exc)) from exc
        result: dict[str, Any] = orjson.loads(page.body)
        return result

    def get(self, identifier: str, **kwargs: Any) -> dict[str, Any]:
        query = ItemsQuery(limit=1, properties=tuple(self.collection.attributes))
        links = features.LinkBuilder(self.collection_url, {})
        try:
            page, _ = features.item(self.catalog.engine, self._relation(), self.collection,
                                    str(identifier), query, links)
        except TwinError as exc:
            raise ProviderItemNotFoundError(user_msg=str(exc)) from exc
        result: dict[str, Any] = orjson.loads(page.body)
        return result

    @property
    def counting(self) -> features.Counting:
        options = self.options or {}
        return features.Counting(int(options.get("count_threshold", 100_000)),
                                 float(options.get("count_max_cost", 5_000.0)))
