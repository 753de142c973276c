from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, lazy_fields, nested_to_dict, unparsed

if TYPE_CHECKING:
    from ..models.cell_instance import CellInstance
    from ..models.cell_specification import CellSpecification


T = TypeVar("T", bound="CellMeasurementDetailResponse")


@_attrs_define
class CellMeasurementDetailResponse:
    specification: CellSpecification | Unset = UNSET
    """ Docs examples show no created_at/updated_at; model declared extra=allow in client (id, name only required
    there) """
    instance: CellInstance | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        specification = CellMeasurementDetailResponse.__dict__["specification"].to_dict_of(
            self, optional=True
        )

        instance = CellMeasurementDetailResponse.__dict__["instance"].to_dict_of(
            self, optional=True
        )

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if specification is not UNSET:
            field_dict["specification"] = specification
        if instance is not UNSET:
            field_dict["instance"] = instance

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        _specification = d.get("specification", UNSET)
        specification: CellSpecification | Unset
        if type(_specification) is dict:
            specification = unparsed((_specification,))
        elif _specification is UNSET or _specification is None:
            specification = _specification
        else:
            specification = CellSpecification.from_dict(_specification)

        _instance = d.get("instance", UNSET)
        instance: CellInstance | Unset
        if type(_instance) is dict:
            instance = unparsed((_instance,))
        elif _instance is UNSET or _instance is None:
            instance = _instance
        else:
            instance = CellInstance.from_dict(_instance)

        cell_measurement_detail_response = cls(
            specification,
            instance,
        )

        if not d.keys() <= _KNOWN_KEYS:
            cell_measurement_detail_response.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return cell_measurement_detail_response

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
        if "specification" in rec:
            _specification_raw = rec["specification"]
            if _specification_raw is not None:
                rec["specification"] = CellSpecification.record_from_dict(_specification_raw)

        if "instance" in rec:
            _instance_raw = rec["instance"]
            if _instance_raw is not None:
                rec["instance"] = CellInstance.record_from_dict(_instance_raw)

        return rec

    @classmethod
    def to_dict_of_raw(cls, src_dict: Mapping[str, Any]) -> dict[str, Any]:
        """The dict ``cls.from_dict(src_dict).to_dict()`` returns, key order included,
        without building models (``to_dict`` of a nested object never read uses it): the same
        checks and errors, tolerant fallbacks and conversions as ``record_from_dict``. A new
        dict: ``src_dict`` is not changed."""
        rec: dict[str, Any] = {k: v for k, v in src_dict.items() if k not in _KNOWN_KEYS}
        if "specification" in src_dict:
            _specification_raw = src_dict["specification"]
            if _specification_raw is None:
                rec["specification"] = None
            else:
                rec["specification"] = nested_to_dict(
                    "CellMeasurementDetailResponse",
                    "specification",
                    CellSpecification,
                    _specification_raw,
                )
        if "instance" in src_dict:
            _instance_raw = src_dict["instance"]
            if _instance_raw is None:
                rec["instance"] = None
            else:
                rec["instance"] = nested_to_dict(
                    "CellMeasurementDetailResponse", "instance", CellInstance, _instance_raw
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
        _specification_raw = src_dict.get("specification", UNSET)
        if _specification_raw is not UNSET and _specification_raw is not None:
            if not CellSpecification.is_plain_record(_specification_raw):
                return False

        _instance_raw = src_dict.get("instance", UNSET)
        if _instance_raw is not UNSET and _instance_raw is not None:
            if not CellInstance.is_plain_record(_instance_raw):
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
        "specification",
        "instance",
    )
)

from ..models.cell_instance import CellInstance  # noqa: E402
from ..models.cell_specification import CellSpecification  # noqa: E402

# Nested objects parsed on first read (see from_dict and types.LazyModelField).
lazy_fields(
    CellMeasurementDetailResponse,
    specification=CellSpecification.from_dict,
    instance=CellInstance.from_dict,
)
