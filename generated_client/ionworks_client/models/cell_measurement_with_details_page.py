from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cell_measurement_with_details import CellMeasurementWithDetails


T = TypeVar("T", bound="CellMeasurementWithDetailsPage")


@_attrs_define
class CellMeasurementWithDetailsPage:
    """One page of a project's measurements with specification and instance."""

    items: list[CellMeasurementWithDetails]
    count: int | Unset = UNSET
    """ Number of items on this page. """
    total: int | Unset = UNSET
    """ Number of records matching the filters, over all pages. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        items: list[dict[str, Any]]
        if self.items is None:
            items = None
        else:
            items = []
            for items_item_data in self.items:
                items_item = items_item_data.to_dict()
                items.append(items_item)

        count = self.count

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
            }
        )
        if count is not UNSET:
            field_dict["count"] = count
        if total is not UNSET:
            field_dict["total"] = total

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        _items_value = d["items"]
        items: list[CellMeasurementWithDetails]
        if _items_value is None:
            items = _items_value
        else:
            items = []
            _items = _items_value
            for items_item_data in _items:
                items_item = CellMeasurementWithDetails.from_dict(items_item_data)

                items.append(items_item)

        count = d.get("count", UNSET)

        total = d.get("total", UNSET)

        cell_measurement_with_details_page = cls(
            items,
            count,
            total,
        )

        if not d.keys() <= _KNOWN_KEYS:
            cell_measurement_with_details_page.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return cell_measurement_with_details_page

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
        _items_raw = rec["items"]
        if _items_raw is not None:
            rec["items"] = []
            for items_item_data in _items_raw:
                items_item_record = CellMeasurementWithDetails.record_from_dict(items_item_data)

                rec["items"].append(items_item_record)

        return rec

    @classmethod
    def to_dict_of_raw(cls, src_dict: Mapping[str, Any]) -> dict[str, Any]:
        """The dict ``cls.from_dict(src_dict).to_dict()`` returns, key order included,
        without building models (``to_dict`` of a nested object never read uses it): the same
        checks and errors, tolerant fallbacks and conversions as ``record_from_dict``. A new
        dict: ``src_dict`` is not changed."""
        rec: dict[str, Any] = {k: v for k, v in src_dict.items() if k not in _KNOWN_KEYS}
        _items_raw = src_dict["items"]
        if _items_raw is None:
            rec["items"] = None
        else:
            rec["items"] = []
            for items_item_data in _items_raw:
                items_item_record = CellMeasurementWithDetails.to_dict_of_raw(items_item_data)

                rec["items"].append(items_item_record)

        if "count" in src_dict:
            _count_raw = src_dict["count"]
            rec["count"] = _count_raw
        if "total" in src_dict:
            _total_raw = src_dict["total"]
            rec["total"] = _total_raw
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
        _items_raw = src_dict.get("items", UNSET)
        if _items_raw is UNSET:
            return False
        if _items_raw is not None:
            if type(_items_raw) is not list:
                return False
            for items_item_item in _items_raw:
                if not CellMeasurementWithDetails.is_plain_record(items_item_item):
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
        "items",
        "count",
        "total",
    )
)

from ..models.cell_measurement_with_details import CellMeasurementWithDetails  # noqa: E402
