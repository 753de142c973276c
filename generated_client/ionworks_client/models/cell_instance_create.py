from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, lazy_fields, nested_to_dict, unparsed

if TYPE_CHECKING:
    from ..models.cell_instance_create_measured_properties import (
        CellInstanceCreateMeasuredProperties,
    )


T = TypeVar("T", bound="CellInstanceCreate")


@_attrs_define
class CellInstanceCreate:
    """No docs reference page found for instance creation"""

    name: str
    batch_id: None | str | Unset = UNSET
    date_manufactured: None | str | Unset = UNSET
    """ Guides pass a plain date """
    measured_properties: CellInstanceCreateMeasuredProperties | Unset = UNSET
    notes: None | str | Unset = UNSET
    batch: None | str | Unset = UNSET
    """ Older guides send it; client 0.38 refuses it """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        batch_id: None | str | Unset
        if isinstance(self.batch_id, Unset):
            batch_id = UNSET
        else:
            batch_id = self.batch_id

        date_manufactured: None | str | Unset
        if isinstance(self.date_manufactured, Unset):
            date_manufactured = UNSET
        else:
            date_manufactured = self.date_manufactured

        measured_properties = CellInstanceCreate.__dict__["measured_properties"].to_dict_of(
            self, optional=True
        )

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        batch: None | str | Unset
        if isinstance(self.batch, Unset):
            batch = UNSET
        else:
            batch = self.batch

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if batch_id is not UNSET:
            field_dict["batch_id"] = batch_id
        if date_manufactured is not UNSET:
            field_dict["date_manufactured"] = date_manufactured
        if measured_properties is not UNSET:
            field_dict["measured_properties"] = measured_properties
        if notes is not UNSET:
            field_dict["notes"] = notes
        if batch is not UNSET:
            field_dict["batch"] = batch

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        name = d["name"]

        _batch_id_raw = d.get("batch_id", UNSET)
        batch_id = _batch_id_raw

        _date_manufactured_raw = d.get("date_manufactured", UNSET)
        date_manufactured = _date_manufactured_raw

        _measured_properties = d.get("measured_properties", UNSET)
        measured_properties: CellInstanceCreateMeasuredProperties | Unset
        if type(_measured_properties) is dict:
            measured_properties = unparsed((_measured_properties,))
        elif _measured_properties is UNSET or _measured_properties is None:
            measured_properties = _measured_properties
        else:
            measured_properties = CellInstanceCreateMeasuredProperties.from_dict(
                _measured_properties
            )

        _notes_raw = d.get("notes", UNSET)
        notes = _notes_raw

        _batch_raw = d.get("batch", UNSET)
        batch = _batch_raw

        cell_instance_create = cls(
            name,
            batch_id,
            date_manufactured,
            measured_properties,
            notes,
            batch,
        )

        if not d.keys() <= _KNOWN_KEYS:
            cell_instance_create.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return cell_instance_create

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
        if "measured_properties" in rec:
            _measured_properties_raw = rec["measured_properties"]
            if _measured_properties_raw is not None:
                rec["measured_properties"] = CellInstanceCreateMeasuredProperties.record_from_dict(
                    _measured_properties_raw
                )

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
        if "batch_id" in src_dict:
            _batch_id_raw = src_dict["batch_id"]
            rec["batch_id"] = _batch_id_raw
        if "date_manufactured" in src_dict:
            _date_manufactured_raw = src_dict["date_manufactured"]
            rec["date_manufactured"] = _date_manufactured_raw
        if "measured_properties" in src_dict:
            _measured_properties_raw = src_dict["measured_properties"]
            if _measured_properties_raw is None:
                rec["measured_properties"] = None
            else:
                rec["measured_properties"] = nested_to_dict(
                    "CellInstanceCreate",
                    "measured_properties",
                    CellInstanceCreateMeasuredProperties,
                    _measured_properties_raw,
                )
        if "notes" in src_dict:
            _notes_raw = src_dict["notes"]
            rec["notes"] = _notes_raw
        if "batch" in src_dict:
            _batch_raw = src_dict["batch"]
            rec["batch"] = _batch_raw
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
        _measured_properties_raw = src_dict.get("measured_properties", UNSET)
        if _measured_properties_raw is not UNSET and _measured_properties_raw is not None:
            if not CellInstanceCreateMeasuredProperties.is_plain_record(_measured_properties_raw):
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
        "batch_id",
        "date_manufactured",
        "measured_properties",
        "notes",
        "batch",
    )
)

from ..models.cell_instance_create_measured_properties import CellInstanceCreateMeasuredProperties  # noqa: E402

# Nested objects parsed on first read (see from_dict and types.LazyModelField).
lazy_fields(
    CellInstanceCreate,
    measured_properties=CellInstanceCreateMeasuredProperties.from_dict,
)
