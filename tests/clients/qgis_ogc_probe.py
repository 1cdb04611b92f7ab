"""Driven by test_qgis_ogc.py under Debian's /usr/bin/python3 (python3-qgis 3.22), headless.

Usage: qgis_ogc_probe.py features LANDING COLLECTION [minx miny maxx maxy]
       qgis_ogc_probe.py tiles TEMPLATE STYLE_URL OUT.png minx miny maxx maxy (EPSG:3857)
Prints one JSON document on stdout. Layers are deleted before exitQgis() and the process
leaves with os._exit, because QGIS 3.22 segfaults when layers outlive the application.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsDataSourceUri,
    QgsFeatureRequest,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsRectangle,
    QgsVectorLayer,
    QgsVectorTileLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isNull") and value.isNull():
        return None
    if hasattr(value, "toString"):
        return value.toString("yyyy-MM-ddTHH:mm:ss") if hasattr(value, "date") else str(
            value.toString())
    return str(value)


def features(landing: str, collection: str, bbox: list[float] | None) -> dict[str, Any]:
    uri = f"url='{landing}' typename='{collection}' pageSize='100'"
    if bbox:
        uri += " restrictToRequestBBOX='1'"
    layer = QgsVectorLayer(uri, "parcels", "OAPIF")
    result: dict[str, Any] = {"valid": layer.isValid(), "crs": layer.crs().authid(),
                              "fields": [f.name() for f in layer.fields()]}
    request = QgsFeatureRequest()
    if bbox:
        request.setFilterRect(QgsRectangle(*bbox))
    rows = []
    for feature in layer.getFeatures(request):
        geometry = feature.geometry()
        rows.append({"attributes": {f.name(): plain(feature[f.name()]) for f in layer.fields()},
                     "wkb_type": geometry.wkbType(), "area": geometry.area(),
                     "centroid": [geometry.centroid().asPoint().x(),
                                  geometry.centroid().asPoint().y()]})
    result["features"] = rows
    del layer
    return result


def tiles(template: str, style_url: str, out: str, extent: list[float]) -> dict[str, Any]:
    source = QgsDataSourceUri()
    source.setParam("type", "xyz")
    source.setParam("url", template)
    source.setParam("zmin", "0")
    source.setParam("zmax", "18")
    source.setParam("styleUrl", style_url)
    layer = QgsVectorTileLayer(bytes(source.encodedUri()).decode(), "tiles")
    result: dict[str, Any] = {"valid": layer.isValid(), "crs": layer.crs().authid()}
    layer.loadDefaultStyle()
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    settings.setExtent(QgsRectangle(*extent))
    settings.setOutputSize(QSize(512, 512))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(out)
    colours: dict[str, int] = {}
    for x in range(0, image.width(), 4):
        for y in range(0, image.height(), 4):
            colour = QColor(image.pixel(x, y)).name()
            colours[colour] = colours.get(colour, 0) + 1
    result["colours"] = colours
    result["errors"] = [str(e) for e in job.errors()]
    del layer
    return result


def main() -> None:
    app = QgsApplication([], False)
    app.setPrefixPath("/usr", True)
    app.initQgis()
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "features":
        bbox = [float(v) for v in args[2:6]] or None
        result = features(args[0], args[1], bbox)
    else:
        result = tiles(args[0], args[1], args[2], [float(v) for v in args[3:7]])
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    app.exitQgis()
    os._exit(0)


if __name__ == "__main__":
    main()
