"""Each element's attributes: class, name, type, material, spatial tree, property sets.

Read without geometry (a fast pass over the parsed model), so that the layer's columns --
one flat column per property found, which CQL2 filters and the OGC queryables name as
``"Pset_DoorCommon.FireRating"`` -- are known before the first batch is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

#: products with a representation that are not elements of the building: voids subtracted
#: from their hosts, and drawing aids without a body
NOT_ELEMENTS = ("IfcOpeningElement", "IfcVirtualElement", "IfcGrid", "IfcAnnotation")
#: flat property columns at most; every property stays in the JSONB of all sets. The OGC
#: API builds a feature's properties with one json_build_object, whose 100 arguments (name,
#: value) cap a layer near 50 columns, and standard sets are what permits and IDS ask for
MAX_PROPERTY_COLUMNS = 36
#: buildingSMART's standard property and quantity sets (not a vendor's "PSet_Revit_...")
STANDARD_SET_PREFIXES = ("Pset_", "Qto_")
#: the fixed columns of a BIM layer, in table order (the id field is GlobalId)
BASE_COLUMNS = ("GlobalId", "ifc_class", "name", "type", "site", "building", "storey", "space",
                "material")


@dataclass
class ElementInfo:
    """One element's attributes and its place in the spatial tree."""

    global_id: str
    ifc_class: str
    name: str | None
    type_name: str | None
    site: str | None
    building: str | None
    storey: str | None
    space: str | None
    material: str | None
    psets: dict[str, dict[str, Any]] = field(default_factory=dict)

    def flat_properties(self) -> dict[str, Any]:
        """``{"Pset.Prop": value}`` of scalar values (lists and objects stay in the JSONB)."""
        return {f"{pset}.{name}": value for pset, values in self.psets.items()
                for name, value in values.items() if isinstance(value, str | int | float | bool)}


def element_products(model: Any) -> list[Any]:
    """The products that become rows: every IfcProduct with a representation, except
    openings and drawing aids (`NOT_ELEMENTS`)."""
    return [p for p in model.by_type("IfcProduct")
            if p.Representation is not None and not any(p.is_a(c) for c in NOT_ELEMENTS)]


def read_elements(products: list[Any]) -> Iterator[ElementInfo]:
    """The attributes of each product, in the order given (one `ModelIndex` of the
    relationships, so that a model of tens of thousands of elements reads in seconds:
    IfcOpenShell's per-element helpers walk the inverse relations every time, ~1 ms each)."""
    if not products:
        return
    index = ModelIndex(products[0].file)
    for product in products:
        key = product.id()
        ifc_class = product.is_a()
        tree = index.spatial_tree(product, key, ifc_class)
        element_type = index.type_of.get(key)
        yield ElementInfo(
            global_id=str(product.GlobalId), ifc_class=ifc_class,
            name=_text(product.Name), type_name=index.type_name(element_type),
            site=tree.get("IfcSite"), building=tree.get("IfcBuilding"),
            storey=tree.get("IfcBuildingStorey"), space=tree.get("IfcSpace"),
            material=index.material_name(key), psets=index.psets(key))


SPATIAL_KINDS = ("IfcSite", "IfcBuilding", "IfcBuildingStorey", "IfcSpace")


class ModelIndex:
    """The model's relationships read once: containment, aggregation, types, property
    definitions, materials; property sets and names decoded once per shared entity."""

    def __init__(self, model: Any) -> None:
        self.container: dict[int, Any] = {}
        self.parent: dict[int, Any] = {}
        self.type_of: dict[int, Any] = {}
        self.material: dict[int, Any] = {}
        for rel in model.by_type("IfcRelContainedInSpatialStructure"):
            for element in rel.RelatedElements or ():
                self.container[element.id()] = rel.RelatingStructure
        for rel in model.by_type("IfcRelAggregates"):
            for element in rel.RelatedObjects or ():
                self.parent[element.id()] = rel.RelatingObject
        for rel in model.by_type("IfcRelDefinesByType"):
            for element in rel.RelatedObjects or ():
                self.type_of[element.id()] = rel.RelatingType
        #: per element, its property definitions decoded once per relationship: (name, values)
        self.definitions: dict[int, list[tuple[str, dict[str, Any]]]] = {}
        self._sets: dict[int, dict[str, Any]] = {}
        for rel in model.by_type("IfcRelDefinesByProperties"):
            definition = rel.RelatingPropertyDefinition
            definitions = list(definition) if isinstance(definition, tuple) else [definition]
            named = self._named(definitions)
            for element in rel.RelatedObjects or ():
                self.definitions.setdefault(element.id(), []).extend(named)
        for rel in model.by_type("IfcRelAssociatesMaterial"):
            for element in rel.RelatedObjects or ():
                self.material[element.id()] = rel.RelatingMaterial
        self._trees: dict[int, dict[str, str]] = {}
        self._materials: dict[int, str | None] = {}
        self._type_sets: dict[int, list[tuple[str, dict[str, Any]]]] = {}
        self._type_names: dict[int, str | None] = {}
        self._kinds: dict[str, tuple[str, ...]] = {}

    def psets(self, key: int) -> dict[str, dict[str, Any]]:
        """The type's sets, then the occurrence's (which override), as IfcOpenShell's
        ``get_psets`` gives them (without its ``id`` keys), of the product with id ``key``."""
        named: list[tuple[str, dict[str, Any]]] = []
        element_type = self.type_of.get(key)
        if element_type is not None:
            type_key = element_type.id()
            if type_key not in self._type_sets:
                self._type_sets[type_key] = self._named(
                    list(getattr(element_type, "HasPropertySets", None) or ()))
            named += self._type_sets[type_key]
        named += self.definitions.get(key, [])
        result: dict[str, dict[str, Any]] = {}
        for name, values in named:
            result.setdefault(name, {}).update(values)
        return result

    def _named(self, definitions: list[Any]) -> list[tuple[str, dict[str, Any]]]:
        return [(str(d.Name), self._set(d)) for d in definitions
                if d is not None and getattr(d, "Name", None)]

    def _set(self, definition: Any) -> dict[str, Any]:
        import ifcopenshell.util.element as element_util

        key = definition.id()
        if key not in self._sets:
            self._sets[key] = _clean(element_util.get_property_definition(definition))
        return self._sets[key]

    def type_name(self, element_type: Any) -> str | None:
        if element_type is None:
            return None
        key = element_type.id()
        if key not in self._type_names:
            self._type_names[key] = _text(element_type.Name)
        return self._type_names[key]

    def spatial_tree(self, product: Any, key: int | None = None, ifc_class: str | None = None
                     ) -> dict[str, str]:
        """Names of the site, building, storey and space holding ``product`` (a space and a
        storey hold themselves)."""
        key = product.id() if key is None else key
        ifc_class = product.is_a() if ifc_class is None else ifc_class
        if ifc_class not in self._kinds:  # is_a per class, not per element
            self._kinds[ifc_class] = tuple(k for k in SPATIAL_KINDS if product.is_a(k))
        own = {kind: _spatial_name(product) for kind in self._kinds[ifc_class]}
        holder = self.container.get(key) or self.parent.get(key)
        return {**self._tree(holder), **own} if holder is not None else own

    def _tree(self, structure: Any) -> dict[str, str]:
        key = structure.id()
        if key not in self._trees:
            self._trees[key] = {}  # a cycle in a broken file ends here
            self._trees[key] = self.spatial_tree(structure)
        return self._trees[key]

    def material_name(self, key: int) -> str | None:
        material = self.material.get(key)
        if material is None:
            element_type = self.type_of.get(key)
            material = self.material.get(element_type.id()) if element_type else None
        if material is None:
            return None
        key = material.id()
        if key not in self._materials:
            names = [_text(m.Name) for m in _materials_of(material)]
            self._materials[key] = ", ".join(n for n in names if n) or None
        return self._materials[key]


def _spatial_name(entity: Any) -> str:
    return (_text(entity.Name) or _text(getattr(entity, "LongName", None))
            or str(entity.GlobalId))


def _materials_of(material: Any) -> list[Any]:
    """The IfcMaterials of a material selection (usage, layer/profile/constituent sets,
    lists), outside first."""
    if material.is_a("IfcMaterial"):
        return [material]
    for usage, attribute in (("IfcMaterialLayerSetUsage", "ForLayerSet"),
                             ("IfcMaterialProfileSetUsage", "ForProfileSet")):
        if material.is_a(usage):
            inner = getattr(material, attribute)
            return _materials_of(inner) if inner is not None else []
    for kind, attribute, member in (("IfcMaterialLayerSet", "MaterialLayers", "Material"),
                                    ("IfcMaterialProfileSet", "MaterialProfiles", "Material"),
                                    ("IfcMaterialConstituentSet", "MaterialConstituents",
                                     "Material")):
        if material.is_a(kind):
            return [getattr(item, member) for item in getattr(material, attribute) or ()
                    if getattr(item, member, None) is not None]
    if material.is_a("IfcMaterialList"):
        return list(material.Materials or ())
    return []


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """A property set without IfcOpenShell's ``id``, with JSON values only."""
    return {k: _json_value(v) for k, v in values.items() if k != "id"}


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items() if k != "id"}
    return str(value)


def property_columns(elements: list[ElementInfo]) -> tuple[dict[str, str], int]:
    """The flat property columns ("Pset.Prop" -> SQL family: boolean, number or text) of
    the standard sets in first-seen order, at most `MAX_PROPERTY_COLUMNS`; and how many
    property names are left to the JSONB only."""
    kinds: dict[str, set[str]] = {}
    for element in elements:
        for key, value in element.flat_properties().items():
            kinds.setdefault(key, set()).add(
                "boolean" if isinstance(value, bool)
                else "number" if isinstance(value, int | float) else "text")
    chosen = {key: next(iter(found)) if len(found) == 1 else "text"
              for key, found in kinds.items()}
    names = [key for key in chosen if key.startswith(STANDARD_SET_PREFIXES)]
    names = names[:MAX_PROPERTY_COLUMNS]
    return {name: chosen[name] for name in names}, max(0, len(chosen) - len(names))
