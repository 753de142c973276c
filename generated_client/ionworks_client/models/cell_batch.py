from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cell_batch_properties_type_0 import CellBatchPropertiesType0


T = TypeVar("T", bound="CellBatch")


@_attrs_define
class CellBatch:
    id: str
    name: str
    cell_specification_id: str
    project_id: None | str | Unset = UNSET
    organization_id: None | str | Unset = UNSET
    notes: None | str | Unset = UNSET
    date_manufactured: datetime.date | None | Unset = UNSET
    properties: CellBatchPropertiesType0 | None | Unset = UNSET
    created_by: None | str | Unset = UNSET
    created_at: None | str | Unset = UNSET
    updated_at: None | str | Unset = UNSET
    instance_count: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        cell_specification_id = self.cell_specification_id

        project_id: None | str | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        organization_id: None | str | Unset
        if isinstance(self.organization_id, Unset):
            organization_id = UNSET
        else:
            organization_id = self.organization_id

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        date_manufactured: None | str | Unset
        if isinstance(self.date_manufactured, Unset):
            date_manufactured = UNSET
        elif isinstance(self.date_manufactured, datetime.date):
            date_manufactured = self.date_manufactured.isoformat()
        else:
            date_manufactured = self.date_manufactured

        properties: dict[str, Any] | None | Unset
        if isinstance(self.properties, Unset):
            properties = UNSET
        elif isinstance(self.properties, CellBatchPropertiesType0):
            properties = self.properties.to_dict()
        else:
            properties = self.properties

        created_by: None | str | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        else:
            created_by = self.created_by

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        else:
            created_at = self.created_at

        updated_at: None | str | Unset
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = self.updated_at

        instance_count = self.instance_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "cell_specification_id": cell_specification_id,
            }
        )
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if organization_id is not UNSET:
            field_dict["organization_id"] = organization_id
        if notes is not UNSET:
            field_dict["notes"] = notes
        if date_manufactured is not UNSET:
            field_dict["date_manufactured"] = date_manufactured
        if properties is not UNSET:
            field_dict["properties"] = properties
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if instance_count is not UNSET:
            field_dict["instance_count"] = instance_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        id = d["id"]

        name = d["name"]

        cell_specification_id = d["cell_specification_id"]

        _project_id_raw = d.get("project_id", UNSET)
        project_id = _project_id_raw

        _organization_id_raw = d.get("organization_id", UNSET)
        organization_id = _organization_id_raw

        _notes_raw = d.get("notes", UNSET)
        notes = _notes_raw

        _date_manufactured_raw = d.get("date_manufactured", UNSET)
        date_manufactured: datetime.date | None | Unset
        if _date_manufactured_raw is None or _date_manufactured_raw is UNSET:
            date_manufactured = _date_manufactured_raw
        else:
            date_manufactured = _date_manufactured_raw
            if isinstance(_date_manufactured_raw, str):
                try:
                    date_manufactured_type_0 = datetime.date.fromisoformat(_date_manufactured_raw)

                    date_manufactured = date_manufactured_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _properties_raw = d.get("properties", UNSET)
        properties: CellBatchPropertiesType0 | None | Unset
        if _properties_raw is None or _properties_raw is UNSET:
            properties = _properties_raw
        else:
            properties = _properties_raw
            if isinstance(_properties_raw, dict):
                try:
                    properties_type_0 = CellBatchPropertiesType0.from_dict(_properties_raw)

                    properties = properties_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _created_by_raw = d.get("created_by", UNSET)
        created_by = _created_by_raw

        _created_at_raw = d.get("created_at", UNSET)
        created_at = _created_at_raw

        _updated_at_raw = d.get("updated_at", UNSET)
        updated_at = _updated_at_raw

        instance_count = d.get("instance_count", UNSET)

        cell_batch = cls(
            id,
            name,
            cell_specification_id,
            project_id,
            organization_id,
            notes,
            date_manufactured,
            properties,
            created_by,
            created_at,
            updated_at,
            instance_count,
        )

        if not d.keys() <= _KNOWN_KEYS:
            cell_batch.additional_properties = {k: v for k, v in d.items() if k not in _KNOWN_KEYS}
        return cell_batch

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
        if "id" not in rec:
            raise KeyError("id")
        if "name" not in rec:
            raise KeyError("name")
        if "cell_specification_id" not in rec:
            raise KeyError("cell_specification_id")
        if "date_manufactured" in rec:
            _date_manufactured_raw = rec["date_manufactured"]
            if _date_manufactured_raw is None:
                rec["date_manufactured"] = _date_manufactured_raw
            else:
                rec["date_manufactured"] = _date_manufactured_raw
                if isinstance(_date_manufactured_raw, str):
                    try:
                        date_manufactured_type_0 = datetime.date.fromisoformat(
                            _date_manufactured_raw
                        )

                        date_manufactured_type_0_record = date_manufactured_type_0.isoformat()

                        rec["date_manufactured"] = date_manufactured_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "properties" in rec:
            _properties_raw = rec["properties"]
            if _properties_raw is None:
                rec["properties"] = _properties_raw
            else:
                rec["properties"] = _properties_raw
                if isinstance(_properties_raw, dict):
                    try:
                        properties_type_0_record = CellBatchPropertiesType0.record_from_dict(
                            _properties_raw
                        )

                        rec["properties"] = properties_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        return rec

    @classmethod
    def to_dict_of_raw(cls, src_dict: Mapping[str, Any]) -> dict[str, Any]:
        """The dict ``cls.from_dict(src_dict).to_dict()`` returns, key order included,
        without building models (``to_dict`` of a nested object never read uses it): the same
        checks and errors, tolerant fallbacks and conversions as ``record_from_dict``. A new
        dict: ``src_dict`` is not changed."""
        rec: dict[str, Any] = {k: v for k, v in src_dict.items() if k not in _KNOWN_KEYS}
        _id_raw = src_dict["id"]
        rec["id"] = _id_raw
        _name_raw = src_dict["name"]
        rec["name"] = _name_raw
        _cell_specification_id_raw = src_dict["cell_specification_id"]
        rec["cell_specification_id"] = _cell_specification_id_raw
        if "project_id" in src_dict:
            _project_id_raw = src_dict["project_id"]
            rec["project_id"] = _project_id_raw
        if "organization_id" in src_dict:
            _organization_id_raw = src_dict["organization_id"]
            rec["organization_id"] = _organization_id_raw
        if "notes" in src_dict:
            _notes_raw = src_dict["notes"]
            rec["notes"] = _notes_raw
        if "date_manufactured" in src_dict:
            _date_manufactured_raw = src_dict["date_manufactured"]
            if _date_manufactured_raw is None:
                rec["date_manufactured"] = _date_manufactured_raw
            else:
                rec["date_manufactured"] = _date_manufactured_raw
                if isinstance(_date_manufactured_raw, str):
                    try:
                        date_manufactured_type_0 = datetime.date.fromisoformat(
                            _date_manufactured_raw
                        )

                        date_manufactured_type_0_record = date_manufactured_type_0.isoformat()

                        rec["date_manufactured"] = date_manufactured_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "properties" in src_dict:
            _properties_raw = src_dict["properties"]
            if _properties_raw is None:
                rec["properties"] = _properties_raw
            else:
                rec["properties"] = _properties_raw
                if isinstance(_properties_raw, dict):
                    try:
                        properties_type_0_record = CellBatchPropertiesType0.to_dict_of_raw(
                            _properties_raw
                        )

                        rec["properties"] = properties_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "created_by" in src_dict:
            _created_by_raw = src_dict["created_by"]
            rec["created_by"] = _created_by_raw
        if "created_at" in src_dict:
            _created_at_raw = src_dict["created_at"]
            rec["created_at"] = _created_at_raw
        if "updated_at" in src_dict:
            _updated_at_raw = src_dict["updated_at"]
            rec["updated_at"] = _updated_at_raw
        if "instance_count" in src_dict:
            _instance_count_raw = src_dict["instance_count"]
            rec["instance_count"] = _instance_count_raw
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
        if "id" not in src_dict:
            return False
        if "name" not in src_dict:
            return False
        if "cell_specification_id" not in src_dict:
            return False
        _date_manufactured_raw = src_dict.get("date_manufactured", UNSET)
        if _date_manufactured_raw is not UNSET:
            if _date_manufactured_raw is not None:
                return False

        _properties_raw = src_dict.get("properties", UNSET)
        if _properties_raw is not UNSET:
            if isinstance(_properties_raw, dict) and not CellBatchPropertiesType0.is_plain_record(
                _properties_raw
            ):
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
        "id",
        "name",
        "cell_specification_id",
        "project_id",
        "organization_id",
        "notes",
        "date_manufactured",
        "properties",
        "created_by",
        "created_at",
        "updated_at",
        "instance_count",
    )
)

from ..models.cell_batch_properties_type_0 import CellBatchPropertiesType0  # noqa: E402
