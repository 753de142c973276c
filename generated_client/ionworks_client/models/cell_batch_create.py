from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, lazy_fields, nested_to_dict, unparsed

if TYPE_CHECKING:
    from ..models.cell_batch_create_properties import CellBatchCreateProperties


T = TypeVar("T", bound="CellBatchCreate")


@_attrs_define
class CellBatchCreate:
    name: str
    notes: str | Unset = UNSET
    date_manufactured: datetime.date | Unset = UNSET
    properties: CellBatchCreateProperties | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        notes = self.notes

        date_manufactured: str | Unset
        if self.date_manufactured is None:
            date_manufactured = None
        else:
            date_manufactured = UNSET
            if not isinstance(self.date_manufactured, Unset):
                date_manufactured = self.date_manufactured.isoformat()

        properties = CellBatchCreate.__dict__["properties"].to_dict_of(self, optional=True)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if notes is not UNSET:
            field_dict["notes"] = notes
        if date_manufactured is not UNSET:
            field_dict["date_manufactured"] = date_manufactured
        if properties is not UNSET:
            field_dict["properties"] = properties

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        name = d["name"]

        notes = d.get("notes", UNSET)

        _date_manufactured = d.get("date_manufactured", UNSET)
        date_manufactured: datetime.date | Unset
        if _date_manufactured is UNSET or _date_manufactured is None:
            date_manufactured = _date_manufactured
        else:
            date_manufactured = datetime.date.fromisoformat(_date_manufactured)

        _properties = d.get("properties", UNSET)
        properties: CellBatchCreateProperties | Unset
        if type(_properties) is dict:
            properties = unparsed((_properties,))
        elif _properties is UNSET or _properties is None:
            properties = _properties
        else:
            properties = CellBatchCreateProperties.from_dict(_properties)

        cell_batch_create = cls(
            name,
            notes,
            date_manufactured,
            properties,
        )

        if not d.keys() <= _KNOWN_KEYS:
            cell_batch_create.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return cell_batch_create

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
        if "date_manufactured" in rec:
            _date_manufactured_raw = rec["date_manufactured"]
            if _date_manufactured_raw is not None:
                _date_manufactured = _date_manufactured_raw
                date_manufactured: datetime.date | Unset
                if _date_manufactured is UNSET or _date_manufactured is None:
                    date_manufactured = _date_manufactured
                else:
                    date_manufactured = datetime.date.fromisoformat(_date_manufactured)

                rec["date_manufactured"] = UNSET
                if not isinstance(date_manufactured, Unset):
                    rec["date_manufactured"] = date_manufactured.isoformat()

        if "properties" in rec:
            _properties_raw = rec["properties"]
            if _properties_raw is not None:
                rec["properties"] = CellBatchCreateProperties.record_from_dict(_properties_raw)

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
        if "notes" in src_dict:
            _notes_raw = src_dict["notes"]
            rec["notes"] = _notes_raw
        if "date_manufactured" in src_dict:
            _date_manufactured_raw = src_dict["date_manufactured"]
            if _date_manufactured_raw is None:
                rec["date_manufactured"] = None
            else:
                _date_manufactured = _date_manufactured_raw
                date_manufactured: datetime.date | Unset
                if _date_manufactured is UNSET or _date_manufactured is None:
                    date_manufactured = _date_manufactured
                else:
                    date_manufactured = datetime.date.fromisoformat(_date_manufactured)

                rec["date_manufactured"] = UNSET
                if not isinstance(date_manufactured, Unset):
                    rec["date_manufactured"] = date_manufactured.isoformat()

        if "properties" in src_dict:
            _properties_raw = src_dict["properties"]
            if _properties_raw is None:
                rec["properties"] = None
            else:
                rec["properties"] = nested_to_dict(
                    "CellBatchCreate", "properties", CellBatchCreateProperties, _properties_raw
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
        if "name" not in src_dict:
            return False
        _date_manufactured_raw = src_dict.get("date_manufactured", UNSET)
        if _date_manufactured_raw is not UNSET and _date_manufactured_raw is not None:
            return False

        _properties_raw = src_dict.get("properties", UNSET)
        if _properties_raw is not UNSET and _properties_raw is not None:
            if not CellBatchCreateProperties.is_plain_record(_properties_raw):
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
        "notes",
        "date_manufactured",
        "properties",
    )
)

from ..models.cell_batch_create_properties import CellBatchCreateProperties  # noqa: E402

# Nested objects parsed on first read (see from_dict and types.LazyModelField).
lazy_fields(
    CellBatchCreate,
    properties=CellBatchCreateProperties.from_dict,
)
