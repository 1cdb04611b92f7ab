"""Each element's attributes: class, name, type, material, spatial tree, property sets.

Read without geometry (a fast pass over the parsed model), so that the layer's columns --
one flat column per property found, which CQL2 filters and the OGC queryables name as
``"Pset_DoorCommon.FireRating"`` -- are known before the first batch is written.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterator, Mapping
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
#: distinct combinations of property sets whose merged dict is kept for reuse
MERGED_PSETS_CACHE = 1024
#: a product's property sets as (set name, identity of its decoded values), in merge order
PsetSignature = tuple[tuple[str, int], ...]


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
        return _flat(self.psets)


def _flat(psets: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {f"{pset}.{name}": value for pset, values in psets.items()
            for name, value in values.items() if isinstance(value, str | int | float | bool)}


#: JSON texts of recently written property sets, by (the dict's identity, compact): the
#: elements sharing their sets (one wall type) share the dict, and its text is made once
_PSETS_TEXT: OrderedDict[tuple[int, bool], tuple[dict[str, Any], str]] = OrderedDict()


def psets_json(psets: dict[str, dict[str, Any]], compact: bool = False) -> str:
    """``json.dumps(psets, ensure_ascii=False)`` (with ``,``/``:`` separators when
    ``compact``), made once per shared dict."""
    key = (id(psets), compact)
    found = _PSETS_TEXT.get(key)
    if found is not None and found[0] is psets:  # the entry keeps the dict: no reused id
        return found[1]
    text = json.dumps(psets, ensure_ascii=False, separators=(",", ":") if compact else None)
    _PSETS_TEXT[key] = (psets, text)
    if len(_PSETS_TEXT) > MERGED_PSETS_CACHE:
        _PSETS_TEXT.popitem(last=False)
    return text


def element_products(model: Any) -> list[Any]:
    """The products that become rows: every IfcProduct with a representation, except
    openings and drawing aids (`NOT_ELEMENTS`); by id, the order of a model read in parts
    (`gis.bim.parts`), so that the property columns are first seen in one order."""
    products = [p for p in model.by_type("IfcProduct")
                if p.Representation is not None and not any(p.is_a(c) for c in NOT_ELEMENTS)]
    return sorted(products, key=lambda p: p.id())


def read_elements(products: list[Any]) -> Iterator[ElementInfo]:
    """The attributes of each product, in the order given (one `ModelIndex` of the
    relationships, so that a model of tens of thousands of elements reads in seconds:
    IfcOpenShell's per-element helpers walk the inverse relations every time, ~1 ms each)."""
    if not products:
        return
    index = ModelIndex(products[0].file)
    for product in products:
        yield index.info(product)


class ElementAttributes(Mapping[str, ElementInfo]):
    """Each element's attributes by GlobalId, read from the parsed model when asked.

    The rows and the spill take the elements one at a time, in the iterator's order: an
    `ElementInfo` per element held for the whole load cost 35 MB at 40,000 walls. What is
    held instead is the model's relationships (`ModelIndex`) and each GlobalId's product;
    the last element read is kept, as the spill and the row ask for it in turn. A GlobalId
    repeated in the file is the last product's, as a dict of every element's would be."""

    def __init__(self, products: list[Any]) -> None:
        self._products = products
        self._position = {str(p.GlobalId): i for i, p in enumerate(products)}
        self._index = ModelIndex(products[0].file) if products else None
        self._last: ElementInfo | None = None

    def __getitem__(self, global_id: str) -> ElementInfo:
        last = self._last
        if last is not None and last.global_id == global_id:
            return last
        product = self._products[self._position[global_id]]
        assert self._index is not None  # a GlobalId was found: there are products
        self._last = self._index.info(product)
        return self._last

    def __contains__(self, global_id: object) -> bool:
        return global_id in self._position

    def __iter__(self) -> Iterator[str]:
        return iter(self._position)

    def __len__(self) -> int:
        return len(self._position)

    def property_columns(self) -> tuple[dict[str, str], int]:
        """`property_columns` of every element, each distinct combination of property sets
        read once (the flat properties depend on nothing else)."""
        kinds = PropertyKinds()
        self.add_kinds(kinds)
        return kinds.columns()

    def add_kinds(self, kinds: PropertyKinds) -> None:
        """The flat property names and families of these elements, added to ``kinds``
        (which may hold those of another part of the model)."""
        if self._index is None:
            return
        index = self._index
        kinds.forget_sets()  # signatures name this index's sets
        for position in self._position.values():
            kinds.add_sets(index.pset_signature(self._products[position].id()), index)


SPATIAL_KINDS = ("IfcSite", "IfcBuilding", "IfcBuildingStorey", "IfcSpace")


class ModelIndex:
    """The model's relationships read once: containment, aggregation, types, property
    definitions, materials; property sets and names decoded once per shared entity."""

    def __init__(self, model: Any) -> None:
        self.container: dict[int, Any] = {}
        self.parent: dict[int, Any] = {}
        self.type_of: dict[int, Any] = {}
        self.material: dict[int, Any] = {}
        # one wrapper of the relating entity per relationship, not one per element
        for rel in model.by_type("IfcRelContainedInSpatialStructure"):
            structure = rel.RelatingStructure
            for element in rel.RelatedElements or ():
                self.container[element.id()] = structure
        for rel in model.by_type("IfcRelAggregates"):
            whole = rel.RelatingObject
            for element in rel.RelatedObjects or ():
                self.parent[element.id()] = whole
        for rel in model.by_type("IfcRelDefinesByType"):
            element_type = rel.RelatingType
            for element in rel.RelatedObjects or ():
                self.type_of[element.id()] = element_type
        #: per element, its property definitions decoded once per relationship: (name, values);
        #: the elements of one relationship share its tuple (a copy only for those of two)
        self.definitions: dict[int, tuple[tuple[str, dict[str, Any]], ...]] = {}
        self._sets: dict[int, dict[str, Any]] = {}
        self._decoded: dict[int, dict[str, Any]] = {}  # id() of a decoded set -> the set
        for rel in model.by_type("IfcRelDefinesByProperties"):
            definition = rel.RelatingPropertyDefinition
            definitions = list(definition) if isinstance(definition, tuple) else [definition]
            named = tuple(self._named(definitions))
            for element in rel.RelatedObjects or ():
                key = element.id()
                earlier = self.definitions.get(key)
                self.definitions[key] = named if earlier is None else earlier + named
        for rel in model.by_type("IfcRelAssociatesMaterial"):
            material = rel.RelatingMaterial
            for element in rel.RelatedObjects or ():
                self.material[element.id()] = material
        self._trees: dict[int, dict[str, str]] = {}
        self._materials: dict[int, str | None] = {}
        self._type_sets: dict[int, list[tuple[str, dict[str, Any]]]] = {}
        self._type_names: dict[int, str | None] = {}
        self._kinds: dict[str, tuple[str, ...]] = {}
        #: merged sets by the sets they come from: the thousands of walls of one type with
        #: one common set share a dict (bounded: elements with sets of their own do not)
        self._merged: OrderedDict[PsetSignature, dict[str, dict[str, Any]]] = OrderedDict()

    def info(self, product: Any) -> ElementInfo:
        """The attributes of ``product``."""
        key = product.id()
        ifc_class = product.is_a()
        tree = self.spatial_tree(product, key, ifc_class)
        element_type = self.type_of.get(key)
        return ElementInfo(
            global_id=str(product.GlobalId), ifc_class=ifc_class,
            name=_text(product.Name), type_name=self.type_name(element_type),
            site=tree.get("IfcSite"), building=tree.get("IfcBuilding"),
            storey=tree.get("IfcBuildingStorey"), space=tree.get("IfcSpace"),
            material=self.material_name(key), psets=self.psets(key))

    def pset_signature(self, key: int) -> PsetSignature:
        """The property sets of the product with id ``key`` in merge order: the type's,
        then the occurrence's (its psets are a function of these alone)."""
        named: list[tuple[str, dict[str, Any]]] = []
        element_type = self.type_of.get(key)
        if element_type is not None:
            type_key = element_type.id()
            if type_key not in self._type_sets:
                self._type_sets[type_key] = self._named(
                    list(getattr(element_type, "HasPropertySets", None) or ()))
            named += self._type_sets[type_key]
        named += self.definitions.get(key, ())
        return tuple((name, id(values)) for name, values in named)

    def psets(self, key: int) -> dict[str, dict[str, Any]]:
        """The type's sets, then the occurrence's (which override), as IfcOpenShell's
        ``get_psets`` gives them (without its ``id`` keys), of the product with id ``key``.
        Shared by the elements with the same sets (the last `MERGED_PSETS_CACHE` kinds):
        read it, never change it."""
        signature = self.pset_signature(key)
        merged = self._merged.get(signature)
        if merged is not None:
            self._merged.move_to_end(signature)
            return merged
        merged = self.merged(signature)
        self._merged[signature] = merged
        if len(self._merged) > MERGED_PSETS_CACHE:
            self._merged.popitem(last=False)
        return merged

    def merged(self, signature: PsetSignature) -> dict[str, dict[str, Any]]:
        """The sets of ``signature`` merged, later ones overriding."""
        result: dict[str, dict[str, Any]] = {}
        for name, identity in signature:
            result.setdefault(name, {}).update(self._decoded[identity])
        return result

    def _named(self, definitions: list[Any]) -> list[tuple[str, dict[str, Any]]]:
        return [(str(d.Name), self._set(d)) for d in definitions
                if d is not None and getattr(d, "Name", None)]

    def _set(self, definition: Any) -> dict[str, Any]:
        import ifcopenshell.util.element as element_util

        key = definition.id()
        if key not in self._sets:
            values = _clean(element_util.get_property_definition(definition))
            self._sets[key] = values
            self._decoded[id(values)] = values
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
    kinds = PropertyKinds()
    for element in elements:
        kinds.add(element.flat_properties())
    return kinds.columns()


class PropertyKinds:
    """The value families seen per flat property name, in first-seen order."""

    def __init__(self) -> None:
        self._kinds: dict[str, set[str]] = {}
        self._signatures: set[PsetSignature] = set()

    def add(self, flat: dict[str, Any]) -> None:
        for key, value in flat.items():
            self._kinds.setdefault(key, set()).add(
                "boolean" if isinstance(value, bool)
                else "number" if isinstance(value, int | float) else "text")

    def absorb(self, other: PropertyKinds) -> None:
        """The names and families of ``other`` (another part of the model) added, in its
        first-seen order after ours."""
        for key, families in other._kinds.items():
            self._kinds.setdefault(key, set()).update(families)

    def forget_sets(self) -> None:
        """Forget which sets were added: a signature holds the ``id()`` of a decoded set,
        which another `ModelIndex` may reuse once the first is gone."""
        self._signatures.clear()

    def add_sets(self, signature: PsetSignature, index: ModelIndex) -> None:
        """The flat properties of an element with these sets (once per distinct sets: an
        element repeating them adds no name and no family)."""
        if signature in self._signatures:
            return
        self._signatures.add(signature)
        self.add(_flat(index.merged(signature)))

    def columns(self) -> tuple[dict[str, str], int]:
        chosen = {key: next(iter(found)) if len(found) == 1 else "text"
                  for key, found in self._kinds.items()}
        names = [key for key in chosen if key.startswith(STANDARD_SET_PREFIXES)]
        names = names[:MAX_PROPERTY_COLUMNS]
        return {name: chosen[name] for name in names}, max(0, len(chosen) - len(names))
