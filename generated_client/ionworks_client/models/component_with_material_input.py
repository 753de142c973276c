from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, lazy_fields, nested_to_dict, unparsed

if TYPE_CHECKING:
    from ..models.component_with_material_input_properties import (
        ComponentWithMaterialInputProperties,
    )
    from ..models.material_input import MaterialInput


T = TypeVar("T", bound="ComponentWithMaterialInput")


@_attrs_define
class ComponentWithMaterialInput:
    """Shape from request examples only"""

    properties: ComponentWithMaterialInputProperties | Unset = UNSET
    """ Component properties (Quantity for numbers) """
    material: MaterialInput | Unset = UNSET
    """ Nested material inside spec create/update components; upserted by uniqueness """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        properties = ComponentWithMaterialInput.__dict__["properties"].to_dict_of(
            self, optional=True
        )

        material = ComponentWithMaterialInput.__dict__["material"].to_dict_of(self, optional=True)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if properties is not UNSET:
            field_dict["properties"] = properties
        if material is not UNSET:
            field_dict["material"] = material

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        _properties = d.get("properties", UNSET)
        properties: ComponentWithMaterialInputProperties | Unset
        if type(_properties) is dict:
            properties = unparsed((_properties,))
        elif _properties is UNSET or _properties is None:
            properties = _properties
        else:
            properties = ComponentWithMaterialInputProperties.from_dict(_properties)

        _material = d.get("material", UNSET)
        material: MaterialInput | Unset
        if type(_material) is dict:
            material = unparsed((_material,))
        elif _material is UNSET or _material is None:
            material = _material
        else:
            material = MaterialInput.from_dict(_material)

        component_with_material_input = cls(
            properties,
            material,
        )

        if not d.keys() <= _KNOWN_KEYS:
            component_with_material_input.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return component_with_material_input

    @classmethod
    def record_from_dict(cls, src_dict: Mapping[str, Any]) -> dict[str, Any]:
        """The record ``cls.from_dict(src_dict).to_dict()`` returns (equal as a dict), without
        building the model: the same checks and errors (missing required keys, nested objects
        that are neither objects nor null), the same tolerant fallbacks (unknown enum values and
        unparseable date-times kept as sent, nulls kept, also where an object belongs) and
        conversions (date-times re-written by
        ``isoformat()``); keys stay in the order they came. A new dict: ``src_dict`` is not
        changed."""
        rec = dict(src_dict)
        if "properties" in rec:
            _properties_raw = rec["properties"]
            if _properties_raw is not None:
                rec["properties"] = ComponentWithMaterialInputProperties.record_from_dict(
                    _properties_raw
                )

        if "material" in rec:
            _material_raw = rec["material"]
            if _material_raw is not None:
                rec["material"] = MaterialInput.record_from_dict(_material_raw)

        return rec

    @classmethod
    def to_dict_of_raw(cls, src_dict: Mapping[str, Any]) -> dict[str, Any]:
        """The dict ``cls.from_dict(src_dict).to_dict()`` returns, key order included,
        without building models (``to_dict`` of a nested object never read uses it): the same
        checks and errors, tolerant fallbacks and conversions as ``record_from_dict``. A new
        dict: ``src_dict`` is not changed."""
        rec: dict[str, Any] = {k: v for k, v in src_dict.items() if k not in _KNOWN_KEYS}
        if "properties" in src_dict:
            _properties_raw = src_dict["properties"]
            if _properties_raw is None:
                rec["properties"] = None
            else:
                rec["properties"] = nested_to_dict(
                    "ComponentWithMaterialInput",
                    "properties",
                    ComponentWithMaterialInputProperties,
                    _properties_raw,
                )
        if "material" in src_dict:
            _material_raw = src_dict["material"]
            if _material_raw is None:
                rec["material"] = None
            else:
                rec["material"] = nested_to_dict(
                    "ComponentWithMaterialInput", "material", MaterialInput, _material_raw
                )
        return rec

    @classmethod
    def is_plain_record(cls, src_dict: Any) -> bool:
        """True when ``src_dict`` (parsed JSON) may be written as it is where
        ``cls.record_from_dict(src_dict)`` would be, by a sink that applies the sinks' date
        rule (``RecordSchema.row``/``json_record``: date-times in UTC with ``Z``): a dict
        with every required key, nested objects that are null or dicts passing the same test
        (a null kept where the spec declares an object is laid out as the record's), no key
        ``record_from_dict`` would drop, and every date-time null or UTC text
        ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z`` (the text such a sink writes either way). Neither
        copies nor converts nor raises; ``False`` means: use ``record_from_dict`` (which
        raises the errors)."""
        if type(src_dict) is not dict:
            return False
        _properties_raw = src_dict.get("properties", UNSET)
        if _properties_raw is not UNSET and _properties_raw is not None:
            if not ComponentWithMaterialInputProperties.is_plain_record(_properties_raw):
                return False

        _material_raw = src_dict.get("material", UNSET)
        if _material_raw is not UNSET and _material_raw is not None:
            if not MaterialInput.is_plain_record(_material_raw):
                return False

        return True

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


#: The properties from_dict reads; any other key of the input is an additional property.
_KNOWN_KEYS = frozenset(
    (
        "properties",
        "material",
    )
)

from ..models.component_with_material_input_properties import ComponentWithMaterialInputProperties  # noqa: E402
from ..models.material_input import MaterialInput  # noqa: E402

# Nested objects parsed on first read (see from_dict and types.LazyModelField).
lazy_fields(
    ComponentWithMaterialInput,
    properties=ComponentWithMaterialInputProperties.from_dict,
    material=MaterialInput.from_dict,
)
