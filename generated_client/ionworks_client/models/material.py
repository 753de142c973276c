from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, lazy_fields, nested_to_dict, parse_datetime, unparsed

if TYPE_CHECKING:
    from ..models.material_definition import MaterialDefinition


T = TypeVar("T", bound="Material")


@_attrs_define
class Material:
    name: str
    id: str
    organization_id: str
    created_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    definition: MaterialDefinition | Unset = UNSET
    """ Formula/type/constituents """
    manufacturer: None | str | Unset = UNSET
    product_id: None | str | Unset = UNSET
    property_count: int | Unset = 0
    """ Only on materials endpoint page """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        id = self.id

        organization_id = self.organization_id

        created_at: None | str
        if isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        definition = Material.__dict__["definition"].to_dict_of(self, optional=True)

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

        property_count = self.property_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "id": id,
                "organization_id": organization_id,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if definition is not UNSET:
            field_dict["definition"] = definition
        if manufacturer is not UNSET:
            field_dict["manufacturer"] = manufacturer
        if product_id is not UNSET:
            field_dict["product_id"] = product_id
        if property_count is not UNSET:
            field_dict["property_count"] = property_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        name = d["name"]

        id = d["id"]

        organization_id = d["organization_id"]

        _created_at_raw = d["created_at"]
        created_at: datetime.datetime | None
        if _created_at_raw is None:
            created_at = _created_at_raw
        else:
            created_at = _created_at_raw
            if isinstance(_created_at_raw, str):
                try:
                    created_at_type_0 = parse_datetime(_created_at_raw)

                    created_at = created_at_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _updated_at_raw = d["updated_at"]
        updated_at: datetime.datetime | None
        if _updated_at_raw is None:
            updated_at = _updated_at_raw
        else:
            updated_at = _updated_at_raw
            if isinstance(_updated_at_raw, str):
                try:
                    updated_at_type_0 = parse_datetime(_updated_at_raw)

                    updated_at = updated_at_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _definition = d.get("definition", UNSET)
        definition: MaterialDefinition | Unset
        if type(_definition) is dict:
            definition = unparsed((_definition,))
        elif _definition is UNSET or _definition is None:
            definition = _definition
        else:
            definition = MaterialDefinition.from_dict(_definition)

        _manufacturer_raw = d.get("manufacturer", UNSET)
        manufacturer = _manufacturer_raw

        _product_id_raw = d.get("product_id", UNSET)
        product_id = _product_id_raw

        property_count = d.get("property_count", UNSET)

        material = cls(
            name,
            id,
            organization_id,
            created_at,
            updated_at,
            definition,
            manufacturer,
            product_id,
            property_count,
        )

        if not d.keys() <= _KNOWN_KEYS:
            material.additional_properties = {k: v for k, v in d.items() if k not in _KNOWN_KEYS}
        return material

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
        if "id" not in rec:
            raise KeyError("id")
        if "organization_id" not in rec:
            raise KeyError("organization_id")
        _created_at_raw = rec["created_at"]
        if _created_at_raw is None:
            rec["created_at"] = _created_at_raw
        else:
            rec["created_at"] = _created_at_raw
            if isinstance(_created_at_raw, str):
                try:
                    _created_at_type_0_parsed = parse_datetime(_created_at_raw)
                    if (
                        len(_created_at_raw) == 20
                        and _created_at_raw[19] == "Z"
                        and _created_at_raw[4] == "-"
                        and _created_at_raw[7] == "-"
                        and _created_at_raw[10] == "T"
                        and _created_at_raw[13] == ":"
                        and _created_at_raw[16] == ":"
                        and _created_at_raw[11:13] != "24"
                    ):
                        created_at_type_0_record = _created_at_raw[:19] + "+00:00"
                    else:
                        created_at_type_0_record = _created_at_type_0_parsed.isoformat()

                    rec["created_at"] = created_at_type_0_record
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _updated_at_raw = rec["updated_at"]
        if _updated_at_raw is None:
            rec["updated_at"] = _updated_at_raw
        else:
            rec["updated_at"] = _updated_at_raw
            if isinstance(_updated_at_raw, str):
                try:
                    _updated_at_type_0_parsed = parse_datetime(_updated_at_raw)
                    if (
                        len(_updated_at_raw) == 20
                        and _updated_at_raw[19] == "Z"
                        and _updated_at_raw[4] == "-"
                        and _updated_at_raw[7] == "-"
                        and _updated_at_raw[10] == "T"
                        and _updated_at_raw[13] == ":"
                        and _updated_at_raw[16] == ":"
                        and _updated_at_raw[11:13] != "24"
                    ):
                        updated_at_type_0_record = _updated_at_raw[:19] + "+00:00"
                    else:
                        updated_at_type_0_record = _updated_at_type_0_parsed.isoformat()

                    rec["updated_at"] = updated_at_type_0_record
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        if "definition" in rec:
            _definition_raw = rec["definition"]
            if _definition_raw is not None:
                rec["definition"] = MaterialDefinition.record_from_dict(_definition_raw)

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
        _id_raw = src_dict["id"]
        rec["id"] = _id_raw
        _organization_id_raw = src_dict["organization_id"]
        rec["organization_id"] = _organization_id_raw
        _created_at_raw = src_dict["created_at"]
        if _created_at_raw is None:
            rec["created_at"] = _created_at_raw
        else:
            rec["created_at"] = _created_at_raw
            if isinstance(_created_at_raw, str):
                try:
                    _created_at_type_0_parsed = parse_datetime(_created_at_raw)
                    if (
                        len(_created_at_raw) == 20
                        and _created_at_raw[19] == "Z"
                        and _created_at_raw[4] == "-"
                        and _created_at_raw[7] == "-"
                        and _created_at_raw[10] == "T"
                        and _created_at_raw[13] == ":"
                        and _created_at_raw[16] == ":"
                        and _created_at_raw[11:13] != "24"
                    ):
                        created_at_type_0_record = _created_at_raw[:19] + "+00:00"
                    else:
                        created_at_type_0_record = _created_at_type_0_parsed.isoformat()

                    rec["created_at"] = created_at_type_0_record
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _updated_at_raw = src_dict["updated_at"]
        if _updated_at_raw is None:
            rec["updated_at"] = _updated_at_raw
        else:
            rec["updated_at"] = _updated_at_raw
            if isinstance(_updated_at_raw, str):
                try:
                    _updated_at_type_0_parsed = parse_datetime(_updated_at_raw)
                    if (
                        len(_updated_at_raw) == 20
                        and _updated_at_raw[19] == "Z"
                        and _updated_at_raw[4] == "-"
                        and _updated_at_raw[7] == "-"
                        and _updated_at_raw[10] == "T"
                        and _updated_at_raw[13] == ":"
                        and _updated_at_raw[16] == ":"
                        and _updated_at_raw[11:13] != "24"
                    ):
                        updated_at_type_0_record = _updated_at_raw[:19] + "+00:00"
                    else:
                        updated_at_type_0_record = _updated_at_type_0_parsed.isoformat()

                    rec["updated_at"] = updated_at_type_0_record
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        if "definition" in src_dict:
            _definition_raw = src_dict["definition"]
            if _definition_raw is None:
                rec["definition"] = None
            else:
                rec["definition"] = nested_to_dict(
                    "Material", "definition", MaterialDefinition, _definition_raw
                )
        if "manufacturer" in src_dict:
            _manufacturer_raw = src_dict["manufacturer"]
            rec["manufacturer"] = _manufacturer_raw
        if "product_id" in src_dict:
            _product_id_raw = src_dict["product_id"]
            rec["product_id"] = _product_id_raw
        if "property_count" in src_dict:
            _property_count_raw = src_dict["property_count"]
            rec["property_count"] = _property_count_raw
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
        if "id" not in src_dict:
            return False
        if "organization_id" not in src_dict:
            return False
        _created_at_raw = src_dict.get("created_at", UNSET)
        if _created_at_raw is UNSET:
            return False
        if _created_at_raw is not None:
            if not (
                type(_created_at_raw) is str
                and (
                    len(_created_at_raw) == 20
                    or (
                        len(_created_at_raw) == 27
                        and _created_at_raw[19] == "."
                        and _created_at_raw[20:26] != "000000"
                    )
                )
                and _created_at_raw[-1] == "Z"
                and _created_at_raw[4] == "-"
                and _created_at_raw[7] == "-"
                and _created_at_raw[10] == "T"
                and _created_at_raw[13] == ":"
                and _created_at_raw[16] == ":"
                and _created_at_raw[11:13] != "24"
            ):
                return False

        _updated_at_raw = src_dict.get("updated_at", UNSET)
        if _updated_at_raw is UNSET:
            return False
        if _updated_at_raw is not None:
            if not (
                type(_updated_at_raw) is str
                and (
                    len(_updated_at_raw) == 20
                    or (
                        len(_updated_at_raw) == 27
                        and _updated_at_raw[19] == "."
                        and _updated_at_raw[20:26] != "000000"
                    )
                )
                and _updated_at_raw[-1] == "Z"
                and _updated_at_raw[4] == "-"
                and _updated_at_raw[7] == "-"
                and _updated_at_raw[10] == "T"
                and _updated_at_raw[13] == ":"
                and _updated_at_raw[16] == ":"
                and _updated_at_raw[11:13] != "24"
            ):
                return False

        _definition_raw = src_dict.get("definition", UNSET)
        if _definition_raw is not UNSET and _definition_raw is not None:
            if not MaterialDefinition.is_plain_record(_definition_raw):
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
        "id",
        "organization_id",
        "created_at",
        "updated_at",
        "definition",
        "manufacturer",
        "product_id",
        "property_count",
    )
)

from ..models.material_definition import MaterialDefinition  # noqa: E402

# Nested objects parsed on first read (see from_dict and types.LazyModelField).
lazy_fields(
    Material,
    definition=MaterialDefinition.from_dict,
)
