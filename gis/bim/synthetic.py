"""Synthetic IFC4 models: the IDS pass case, a broken element, the benchmark's big model.

Written with IfcOpenShell's entity API directly (not ``ifcopenshell.api``, ~1 ms a call):
every wall maps its type's one extruded box (``IfcMappedItem``, as authoring tools write
repeated types), so a model of tens of thousands of elements is written in seconds.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

#: the placement of synthetic models: a parcel of the commune (Lambert 72, Ostend heights)
ORIGIN = (152_000.0, 170_000.0, 30.0)
CRS = "EPSG:31370"
VERTICAL = "EPSG:5710"


def write_model(path: Path, *, walls: int = 4, spaces: int = 1, fire_rating: bool = True,
                georeferenced: bool = True, broken_walls: int = 0) -> Path:
    """A storey of ``walls`` walls on a grid (5 m apart), ``spaces`` named spaces with a
    net floor area, and ``broken_walls`` walls whose profile has no area (IfcOpenShell
    builds no geometry for them)."""
    import ifcopenshell
    import ifcopenshell.guid

    model = ifcopenshell.file(schema="IFC4")
    new = model.create_entity

    def guid() -> str:
        return str(ifcopenshell.guid.new())

    origin = new("IfcAxis2Placement3D", new("IfcCartesianPoint", (0.0, 0.0, 0.0)))
    context = new("IfcGeometricRepresentationContext", None, "Model", 3, 1e-5, origin,
                  new("IfcDirection", (0.0, 1.0)))
    body = new("IfcGeometricRepresentationSubContext", "Body", "Model", None, None, None,
               None, context, None, "MODEL_VIEW", None)
    units = new("IfcUnitAssignment", [new("IfcSIUnit", None, "LENGTHUNIT", None, "METRE"),
                                      new("IfcSIUnit", None, "AREAUNIT", None, "SQUARE_METRE")])
    project = new("IfcProject", guid(), None, "Synthetic permit model", None, None, None,
                  None, [context], units)
    if georeferenced:
        crs = new("IfcProjectedCRS", f"{CRS}+{VERTICAL.split(':')[1]}", None, None, None,
                  None, None, None)
        new("IfcMapConversion", context, crs, ORIGIN[0], ORIGIN[1], ORIGIN[2],
            math.cos(math.radians(30)), math.sin(math.radians(30)), 1.0)
    site_place = new("IfcLocalPlacement", None, origin)
    site = new("IfcSite", guid(), None, "Parcel", None, None, site_place, None, None,
               "ELEMENT", None, None, None, None, None)
    building = new("IfcBuilding", guid(), None, "Building", None, None,
                   new("IfcLocalPlacement", site_place, origin), None, None, "ELEMENT",
                   None, None, None)
    storey_place = new("IfcLocalPlacement", site_place, origin)
    storey = new("IfcBuildingStorey", guid(), None, "Ground floor", None, None, storey_place,
                 None, None, "ELEMENT", 0.0)
    new("IfcRelAggregates", guid(), None, None, None, project, [site])
    new("IfcRelAggregates", guid(), None, None, None, site, [building])
    new("IfcRelAggregates", guid(), None, None, None, building, [storey])

    def box(width: float, depth: float, height: float) -> Any:
        profile = new("IfcRectangleProfileDef", "AREA", None,
                      new("IfcAxis2Placement2D", new("IfcCartesianPoint", (0.0, 0.0))),
                      width, depth)
        solid = new("IfcExtrudedAreaSolid", profile, origin,
                    new("IfcDirection", (0.0, 0.0, 1.0)), height)
        return new("IfcShapeRepresentation", body, "Body", "SweptSolid", [solid])

    wall_map = new("IfcRepresentationMap", origin, box(4.0, 0.3, 3.0))
    wall_type = new("IfcWallType", guid(), None, "Wall 300", None, None, None, [wall_map],
                    None, None, "STANDARD")
    made: list[Any] = []
    side = max(1, math.ceil(math.sqrt(walls + broken_walls)))
    for index in range(walls + broken_walls):
        x, y = (index % side) * 5.0, (index // side) * 5.0
        place = new("IfcLocalPlacement", storey_place, new(
            "IfcAxis2Placement3D", new("IfcCartesianPoint", (x, y, 0.0))))
        if index < walls:
            item = new("IfcMappedItem", wall_map, new(
                "IfcCartesianTransformationOperator3D", None, None,
                new("IfcCartesianPoint", (0.0, 0.0, 0.0)), None, None))
            shape = new("IfcShapeRepresentation", body, "Body", "MappedRepresentation", [item])
        else:
            shape = box(0.0, 0.0, 0.0)  # no area, no height: no geometry can be built
        made.append(new("IfcWall", guid(), None, f"Wall {index + 1}", None, None, place,
                        new("IfcProductDefinitionShape", None, None, [shape]), None,
                        "STANDARD"))
    new("IfcRelDefinesByType", guid(), None, None, None, made, wall_type)
    if fire_rating:
        rating = new("IfcPropertySingleValue", "FireRating", None, new("IfcLabel", "EI 60"),
                     None)
        pset = new("IfcPropertySet", guid(), None, "Pset_WallCommon", None, [rating])
        new("IfcRelDefinesByProperties", guid(), None, None, None, made, pset)
    rooms = []
    for index in range(spaces):
        place = new("IfcLocalPlacement", storey_place, new(
            "IfcAxis2Placement3D", new("IfcCartesianPoint", (index * 6.0 + 2.0, -6.0, 0.0))))
        room = new("IfcSpace", guid(), None, f"Room {index + 1}", None, None, place,
                   new("IfcProductDefinitionShape", None, None, [box(5.0, 4.0, 2.7)]),
                   f"Room {index + 1}", "ELEMENT", "INTERNAL", None)
        area = new("IfcQuantityArea", "NetFloorArea", None, None, 20.0, None)
        quantities = new("IfcElementQuantity", guid(), None, "Qto_SpaceBaseQuantities", None,
                         None, [area])
        new("IfcRelDefinesByProperties", guid(), None, None, None, [room], quantities)
        rooms.append(room)
    new("IfcRelContainedInSpatialStructure", guid(), None, None, None, made + rooms, storey)
    model.write(str(path))
    return path
