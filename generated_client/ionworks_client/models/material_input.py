from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, lazy_fields, nested_to_dict, unparsed

if TYPE_CHECKING:
    from ..models.material_input_definition import MaterialInputDefinition


T = TypeVar("T", bound="MaterialInput")


@_attrs_define
class MaterialInput:
    """Nested material inside spec create/update components; upserted by uniqueness"""

    name: str
    definition: MaterialInputDefinition | Unset = UNSET
    manufacturer: None | str | Unset = UNSET
    product_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        definition = MaterialInput.__dict__["definition"].to_dict_of(self, optional=True)

        manufacturer: None | str | Unset
        if isinstance(self.manufacturer, Unset):
            manufacturer = UNSET
        else:
            manufacturer = self.manufacturer

        product_id: None | str | Unset
        if isinstance(self.product_id, Unset):
            product_id = UNSET
        else:
            product_id = self.product_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if definition is not UNSET:
            field_dict["definition"] = definition
        if manufacturer is not UNSET:
            field_dict["manufacturer"] = manufacturer
        if product_id is not UNSET:
            field_dict["product_id"] = product_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        name = d["name"]

        _definition = d.get("definition", UNSET)
        definition: MaterialInputDefinition | Unset
        if type(_definition) is dict:
            definition = unparsed((_definition,))
        elif _definition is UNSET or _definition is None:
            definition = _definition
        else:
            definition = MaterialInputDefinition.from_dict(_definition)

        _manufacturer_raw = d.get("manufacturer", UNSET)
        manufacturer = _manufacturer_raw

        _product_id_raw = d.get("product_id", UNSET)
        product_id = _product_id_raw

        material_input = cls(
            name,
            definition,
            manufacturer,
            product_id,
        )

        if not d.keys() <= _KNOWN_KEYS:
            material_input.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return material_input

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
        if "name" not in rec:
            raise KeyError("name")
        if "definition" in rec:
            _definition_raw = rec["definition"]
            if _definition_raw is not None:
                rec["definition"] = MaterialInputDefinition.record_from_dict(_definition_raw)

        return rec

    @classmethod
    def to_dict_of_raw(cls, src_dict: Mapping[str, Any]) -> dict[str, Any]:
        """The dict ``cls.from_dict(src_dict).to_dict()`` returns, key order included,
        without building models (``to_dict`` of a nested object never read uses it): the same
        checks and errors, tolerant fallbacks and conversions as ``record_from_dict``. A new
        dict: ``src_dict`` is not changed."""
        rec: dict[str, Any] = {k: v for k, v in src_dict.items() if k not in _KNOWN_KEYS}
        _name_raw = src_dict["name"]
        rec["name"] = _name_raw
        if "definition" in src_dict:
            _definition_raw = src_dict["definition"]
            if _definition_raw is None:
                rec["definition"] = None
            else:
                rec["definition"] = nested_to_dict(
                    "MaterialInput", "definition", MaterialInputDefinition, _definition_raw
                )
        if "manufacturer" in src_dict:
            _manufacturer_raw = src_dict["manufacturer"]
            rec["manufacturer"] = _manufacturer_raw
        if "product_id" in src_dict:
            _product_id_raw = src_dict["product_id"]
            rec["product_id"] = _product_id_raw
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
        if "name" not in src_dict:
            return False
        _definition_raw = src_dict.get("definition", UNSET)
        if _definition_raw is not UNSET and _definition_raw is not None:
            if not MaterialInputDefinition.is_plain_record(_definition_raw):
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
        "name",
        "definition",
        "manufacturer",
        "product_id",
    )
)

from ..models.material_input_definition import MaterialInputDefinition  # noqa: E402

# Nested objects parsed on first read (see from_dict and types.LazyModelField).
lazy_fields(
    MaterialInput,
    definition=MaterialInputDefinition.from_dict,
)
