"""The city model knows its BIM: a building's OGC API item links the BIM models standing in
for it (`gis.bim.buildings`, recorded at ``twin ingest ifc``).

Only single items carry these links (``rel: related``: the BIM collection, its elements and
its 3D tileset when built), not items pages: the items SQL (`twin.ogc.sql`) stays one
statement per layer shape and a page of buildings costs no join. The links of every BIM's
current version are read once per state of the BIM layers as the catalogue sees them (their
registry stamps: a load, and the link storage after it, move them), so an item costs a dict
lookup and no query while no BIM changed; a BIM layer the caller may not see is not named.
"""

from __future__ import annotations

import threading
from typing import Any
from weakref import WeakKeyDictionary

from gis.bim.buildings import BuildingLink, current_links
from gis.model import Layer
from twin.access import Caller, can_see
from twin.http_cache import make_etag
from twin.ogc.catalog import Catalog
from twin.ogc.features import GEOJSON
from twin.settings import Settings

_Key = tuple[tuple[str, Any, Any], ...]
_Index = dict[tuple[str, int], list[BuildingLink]]
_CACHE: WeakKeyDictionary[Catalog, tuple[_Key, _Index]] = WeakKeyDictionary()
_LOCK = threading.Lock()


def _bim_layers(catalog: Catalog) -> dict[str, Layer]:
    return {i: la for i, la in catalog.layers().items() if str(la.spec.kind) == "bim"}


def _index(catalog: Catalog) -> _Index:
    """(city layer, fid) -> the BIM links of that building, for the catalogue's BIM state
    (read on the catalogue's engine, the replica when there is one, like the registry)."""
    layers = _bim_layers(catalog)
    key: _Key = tuple(sorted((i, la.current_version, la.updated_at) for i, la in layers.items()))
    if not key:
        return {}
    with _LOCK:
        cached = _CACHE.get(catalog)
    if cached is not None and cached[0] == key:
        return cached[1]
    with catalog.engine.connect() as conn:
        links = current_links(conn)
    index: _Index = {}
    for link in links:
        index.setdefault((link.city_layer, link.fid), []).append(link)
    with _LOCK:
        _CACHE[catalog] = (key, index)
    return index


def item_links(settings: Settings, catalog: Catalog, caller: Caller,
               layer_id: str, item_id: str) -> list[dict[str, str]]:
    """The links of item ``item_id`` of ``layer_id`` to the BIM models replacing it."""
    try:
        fid = int(item_id)
    except ValueError:
        return []
    found = _index(catalog).get((layer_id, fid), [])
    layers = _bim_layers(catalog)
    base = settings.base_url
    links: list[dict[str, str]] = []
    for link in found:
        bim = layers.get(link.bim_layer)
        if bim is None or not can_see(caller, bim):
            continue
        name = f"{bim.spec.label()} (BIM, version {link.version}, {link.share:.0%} overlap)"
        url = f"{base}/collections/{bim.id}"
        links += [{"rel": "related", "type": "application/json", "href": url,
                   "title": f"BIM model of this building: {name}"},
                  {"rel": "related", "type": GEOJSON, "href": f"{url}/items",
                   "title": f"Elements of the BIM model {bim.id}"}]
        if (settings.tiles_dir / bim.id / "tileset.json").is_file():
            links.append({"rel": "related", "type": "application/json",
                          "href": f"{base}/3dtiles/{bim.id}/tileset.json",
                          "title": f"3D Tiles of the BIM model {bim.id}"})
    return links


def tag_part(links: list[dict[str, str]]) -> tuple[tuple[str, str], ...]:
    """What the item's ETag must also depend on: the BIM links (a BIM load does not move
    the building layer's own stamp). Empty without links, so other items keep their tags."""
    return ((("bim", make_etag(*(f"{link['href']} {link['title']}" for link in links))),)
            if links else ())
