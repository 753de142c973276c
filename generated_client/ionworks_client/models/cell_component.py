from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.component_type import ComponentType
from ..types import UNSET, Unset, lazy_fields, nested_to_dict, parse_datetime, unparsed

if TYPE_CHECKING:
    from ..models.cell_component_properties import CellComponentProperties
    from ..models.material import Material


T = TypeVar("T", bound="CellComponent")


@_attrs_define
class CellComponent:
    component_type: ComponentType | str
    material_id: str
    id: str
    organization_id: str
    created_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    properties: CellComponentProperties | Unset = UNSET
    """ Quantity for numerics, free values otherwise """
    material: Material | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        component_type: str
        if isinstance(self.component_type, ComponentType):
            component_type = self.component_type.value
        else:
            component_type = self.component_type

        material_id = self.material_id

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

        properties = CellComponent.__dict__["properties"].to_dict_of(self, optional=True)

        material = CellComponent.__dict__["material"].to_dict_of(self, optional=True)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "component_type": component_type,
                "material_id": material_id,
                "id": id,
                "organization_id": organization_id,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if properties is not UNSET:
            field_dict["properties"] = properties
        if material is not UNSET:
            field_dict["material"] = material

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        _component_type_raw = d["component_type"]
        component_type: ComponentType | str
        component_type = _component_type_raw
        if isinstance(_component_type_raw, str):
            # the map is typed dict[Any, Enum]; its members for this enum are ComponentTypes
            component_type = ComponentType._value2member_map_.get(
                _component_type_raw, _component_type_raw
            )  # type: ignore[assignment]

        material_id = d["material_id"]

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

        _properties = d.get("properties", UNSET)
        properties: CellComponentProperties | Unset
        if type(_properties) is dict:
            properties = unparsed((_properties,))
        elif _properties is UNSET or _properties is None:
            properties = _properties
        else:
            properties = CellComponentProperties.from_dict(_properties)

        _material = d.get("material", UNSET)
        material: Material | Unset
        if type(_material) is dict:
            material = unparsed((_material,))
        elif _material is UNSET or _material is None:
            material = _material
        else:
            material = Material.from_dict(_material)

        cell_component = cls(
            component_type,
            material_id,
            id,
            organization_id,
            created_at,
            updated_at,
            properties,
            material,
        )

        if not d.keys() <= _KNOWN_KEYS:
            cell_component.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return cell_component

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
        _component_type_raw = rec["component_type"]
        rec["component_type"] = _component_type_raw

        if "material_id" not in rec:
            raise KeyError("material_id")
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

        if "properties" in rec:
            _properties_raw = rec["properties"]
            if _properties_raw is not None:
                rec["properties"] = CellComponentProperties.record_from_dict(_properties_raw)

        if "material" in rec:
            _material_raw = rec["material"]
            if _material_raw is not None:
                rec["material"] = Material.record_from_dict(_material_raw)

        return rec

    @classmethod
    def to_dict_of_raw(cls, src_dict: Mapping[str, Any]) -> dict[str, Any]:
        """The dict ``cls.from_dict(src_dict).to_dict()`` returns, key order included,
        without building models (``to_dict`` of a nested object never read uses it): the same
        checks and errors, tolerant fallbacks and conversions as ``record_from_dict``. A new
        dict: ``src_dict`` is not changed."""
        rec: dict[str, Any] = {k: v for k, v in src_dict.items() if k not in _KNOWN_KEYS}
        _component_type_raw = src_dict["component_type"]
        rec["component_type"] = _component_type_raw

        _material_id_raw = src_dict["material_id"]
        rec["material_id"] = _material_id_raw
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

        if "properties" in src_dict:
            _properties_raw = src_dict["properties"]
            if _properties_raw is None:
                rec["properties"] = None
            else:
                rec["properties"] = nested_to_dict(
                    "CellComponent", "properties", CellComponentProperties, _properties_raw
                )
        if "material" in src_dict:
            _material_raw = src_dict["material"]
            if _material_raw is None:
                rec["material"] = None
            else:
                rec["material"] = nested_to_dict(
                    "CellComponent", "material", Material, _material_raw
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
        _component_type_raw = src_dict.get("component_type", UNSET)
        if _component_type_raw is UNSET:
            return False
        pass  # kept as sent either way (see _record_union)

        if "material_id" not in src_dict:
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

        _properties_raw = src_dict.get("properties", UNSET)
        if _properties_raw is not UNSET and _properties_raw is not None:
            if not CellComponentProperties.is_plain_record(_properties_raw):
                return False

        _material_raw = src_dict.get("material", UNSET)
        if _material_raw is not UNSET and _material_raw is not None:
            if not Material.is_plain_record(_material_raw):
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
        "component_type",
        "material_id",
        "id",
        "organization_id",
        "created_at",
        "updated_at",
        "properties",
        "material",
    )
)

from ..models.cell_component_properties import CellComponentProperties  # noqa: E402
from ..models.material import Material  # noqa: E402

# Nested objects parsed on first read (see from_dict and types.LazyModelField).
lazy_fields(
    CellComponent,
    properties=CellComponentProperties.from_dict,
    material=Material.from_dict,
)
