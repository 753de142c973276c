from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, lazy_fields, nested_to_dict, parse_datetime, unparsed

if TYPE_CHECKING:
    from ..models.cell_instance_measured_properties import CellInstanceMeasuredProperties


T = TypeVar("T", bound="CellInstance")


@_attrs_define
class CellInstance:
    name: str
    """ Serial number """
    id: str
    cell_specification_id: str
    created_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    batch: None | str | Unset = UNSET
    """ Docs-era free-text lot; removed in client 0.38 """
    date_manufactured: datetime.date | None | Unset = UNSET
    measured_properties: CellInstanceMeasuredProperties | Unset = UNSET
    """ Per-component measured values, Quantity for numbers """
    notes: None | str | Unset = UNSET
    organization_id: None | str | Unset = UNSET
    created_by: None | str | Unset = UNSET
    created_by_email: None | str | Unset = UNSET
    measurement_ids: list[Any] | Unset = UNSET
    """ Items shown as {}; type unknown """
    batch_id: None | str | Unset = UNSET
    """ Client 0.38: FK to CellBatch """
    batch_name: None | str | Unset = UNSET
    """ Client 0.38: read-only """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        id = self.id

        cell_specification_id = self.cell_specification_id

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

        batch: None | str | Unset
        if isinstance(self.batch, Unset):
            batch = UNSET
        else:
            batch = self.batch

        date_manufactured: None | str | Unset
        if isinstance(self.date_manufactured, Unset):
            date_manufactured = UNSET
        elif isinstance(self.date_manufactured, datetime.date):
            date_manufactured = self.date_manufactured.isoformat()
        else:
            date_manufactured = self.date_manufactured

        measured_properties = CellInstance.__dict__["measured_properties"].to_dict_of(
            self, optional=True
        )

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        organization_id: None | str | Unset
        if isinstance(self.organization_id, Unset):
            organization_id = UNSET
        else:
            organization_id = self.organization_id

        created_by: None | str | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        else:
            created_by = self.created_by

        created_by_email: None | str | Unset
        if isinstance(self.created_by_email, Unset):
            created_by_email = UNSET
        else:
            created_by_email = self.created_by_email

        measurement_ids: list[Any] | Unset = UNSET
        if not isinstance(self.measurement_ids, Unset):
            measurement_ids = self.measurement_ids

        batch_id: None | str | Unset
        if isinstance(self.batch_id, Unset):
            batch_id = UNSET
        else:
            batch_id = self.batch_id

        batch_name: None | str | Unset
        if isinstance(self.batch_name, Unset):
            batch_name = UNSET
        else:
            batch_name = self.batch_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "id": id,
                "cell_specification_id": cell_specification_id,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if batch is not UNSET:
            field_dict["batch"] = batch
        if date_manufactured is not UNSET:
            field_dict["date_manufactured"] = date_manufactured
        if measured_properties is not UNSET:
            field_dict["measured_properties"] = measured_properties
        if notes is not UNSET:
            field_dict["notes"] = notes
        if organization_id is not UNSET:
            field_dict["organization_id"] = organization_id
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if created_by_email is not UNSET:
            field_dict["created_by_email"] = created_by_email
        if measurement_ids is not UNSET:
            field_dict["measurement_ids"] = measurement_ids
        if batch_id is not UNSET:
            field_dict["batch_id"] = batch_id
        if batch_name is not UNSET:
            field_dict["batch_name"] = batch_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        name = d["name"]

        id = d["id"]

        cell_specification_id = d["cell_specification_id"]

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

        _batch_raw = d.get("batch", UNSET)
        batch = _batch_raw

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

        _measured_properties = d.get("measured_properties", UNSET)
        measured_properties: CellInstanceMeasuredProperties | Unset
        if type(_measured_properties) is dict:
            measured_properties = unparsed((_measured_properties,))
        elif _measured_properties is UNSET or _measured_properties is None:
            measured_properties = _measured_properties
        else:
            measured_properties = CellInstanceMeasuredProperties.from_dict(_measured_properties)

        _notes_raw = d.get("notes", UNSET)
        notes = _notes_raw

        _organization_id_raw = d.get("organization_id", UNSET)
        organization_id = _organization_id_raw

        _created_by_raw = d.get("created_by", UNSET)
        created_by = _created_by_raw

        _created_by_email_raw = d.get("created_by_email", UNSET)
        created_by_email = _created_by_email_raw

        measurement_ids = d.get("measurement_ids", UNSET)

        _batch_id_raw = d.get("batch_id", UNSET)
        batch_id = _batch_id_raw

        _batch_name_raw = d.get("batch_name", UNSET)
        batch_name = _batch_name_raw

        cell_instance = cls(
            name,
            id,
            cell_specification_id,
            created_at,
            updated_at,
            batch,
            date_manufactured,
            measured_properties,
            notes,
            organization_id,
            created_by,
            created_by_email,
            measurement_ids,
            batch_id,
            batch_name,
        )

        if not d.keys() <= _KNOWN_KEYS:
            cell_instance.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return cell_instance

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
        if "cell_specification_id" not in rec:
            raise KeyError("cell_specification_id")
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

        if "measured_properties" in rec:
            _measured_properties_raw = rec["measured_properties"]
            if _measured_properties_raw is not None:
                rec["measured_properties"] = CellInstanceMeasuredProperties.record_from_dict(
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
        _id_raw = src_dict["id"]
        rec["id"] = _id_raw
        _cell_specification_id_raw = src_dict["cell_specification_id"]
        rec["cell_specification_id"] = _cell_specification_id_raw
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

        if "batch" in src_dict:
            _batch_raw = src_dict["batch"]
            rec["batch"] = _batch_raw
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

        if "measured_properties" in src_dict:
            _measured_properties_raw = src_dict["measured_properties"]
            if _measured_properties_raw is None:
                rec["measured_properties"] = None
            else:
                rec["measured_properties"] = nested_to_dict(
                    "CellInstance",
                    "measured_properties",
                    CellInstanceMeasuredProperties,
                    _measured_properties_raw,
                )
        if "notes" in src_dict:
            _notes_raw = src_dict["notes"]
            rec["notes"] = _notes_raw
        if "organization_id" in src_dict:
            _organization_id_raw = src_dict["organization_id"]
            rec["organization_id"] = _organization_id_raw
        if "created_by" in src_dict:
            _created_by_raw = src_dict["created_by"]
            rec["created_by"] = _created_by_raw
        if "created_by_email" in src_dict:
            _created_by_email_raw = src_dict["created_by_email"]
            rec["created_by_email"] = _created_by_email_raw
        if "measurement_ids" in src_dict:
            _measurement_ids_raw = src_dict["measurement_ids"]
            rec["measurement_ids"] = _measurement_ids_raw
        if "batch_id" in src_dict:
            _batch_id_raw = src_dict["batch_id"]
            rec["batch_id"] = _batch_id_raw
        if "batch_name" in src_dict:
            _batch_name_raw = src_dict["batch_name"]
            rec["batch_name"] = _batch_name_raw
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
        if "cell_specification_id" not in src_dict:
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

        _date_manufactured_raw = src_dict.get("date_manufactured", UNSET)
        if _date_manufactured_raw is not UNSET:
            if _date_manufactured_raw is not None:
                return False

        _measured_properties_raw = src_dict.get("measured_properties", UNSET)
        if _measured_properties_raw is not UNSET and _measured_properties_raw is not None:
            if not CellInstanceMeasuredProperties.is_plain_record(_measured_properties_raw):
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
        "cell_specification_id",
        "created_at",
        "updated_at",
        "batch",
        "date_manufactured",
        "measured_properties",
        "notes",
        "organization_id",
        "created_by",
        "created_by_email",
        "measurement_ids",
        "batch_id",
        "batch_name",
    )
)

from ..models.cell_instance_measured_properties import CellInstanceMeasuredProperties  # noqa: E402

# Nested objects parsed on first read (see from_dict and types.LazyModelField).
lazy_fields(
    CellInstance,
    measured_properties=CellInstanceMeasuredProperties.from_dict,
)
