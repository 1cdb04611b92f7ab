"""The viewer's live sensors: the scene's ``sensors`` entry (`twin.api.viewer`).

The labels are drawn by ``static/viewer/sensors.js`` from the OGC API collection ``sensors``
(`twin.ogc.sensors`: each visible Thing with its latest values). The entry is in the scene
only when the caller may see at least one located Thing -- by the same access rule as the
SensorThings API (`twin.sta.api.scope_for`) -- so the page offers no empty "Sensors" switch
and an outsider learns nothing about closed sensors.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from gis.sensors import latest
from twin.access import Caller
from twin.ogc.sensors import SENSORS_ID
from twin.settings import Settings
from twin.sta.api import scope_for

#: Things per request of the page; it follows ``next`` links for more
PAGE_SIZE = 500


def sensors_entry(settings: Settings, engine: Engine, caller: Caller) -> dict[str, Any] | None:
    """The scene's sensors entry (collection URL, refresh period, extent), or None when
    the caller sees no located Thing."""
    scope = scope_for(engine, caller)
    with engine.connect() as conn:
        box = latest.extent(conn, scope)
    if box is None:
        return None
    return {"id": SENSORS_ID, "title": "Sensors",
            "url": f"{settings.base_url}/collections/{SENSORS_ID}/items?f=json"
                   f"&limit={PAGE_SIZE}",
            "refreshSeconds": settings.viewer_sensors_refresh_s, "extent": list(box)}
