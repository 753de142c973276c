from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cell_measurement_update_properties_type_0 import (
        CellMeasurementUpdatePropertiesType0,
    )
    from ..models.cell_measurement_update_protocol_type_0 import CellMeasurementUpdateProtocolType0
    from ..models.cell_measurement_update_test_setup_type_0 import (
        CellMeasurementUpdateTestSetupType0,
    )


T = TypeVar("T", bound="CellMeasurementUpdate")


@_attrs_define
class CellMeasurementUpdate:
    name: None | str | Unset = UNSET
    protocol: CellMeasurementUpdateProtocolType0 | None | Unset = UNSET
    test_setup: CellMeasurementUpdateTestSetupType0 | None | Unset = UNSET
    notes: None | str | Unset = UNSET
    properties: CellMeasurementUpdatePropertiesType0 | None | Unset = UNSET
    """ Properties-type only """
    channel_id: None | str | Unset = UNSET
    """ Client-only; null detaches """
    end_time: None | str | Unset = UNSET
    protocol_id: None | str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    """ Replaces whole set """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        protocol: dict[str, Any] | None | Unset
        if isinstance(self.protocol, Unset):
            protocol = UNSET
        elif isinstance(self.protocol, CellMeasurementUpdateProtocolType0):
            protocol = self.protocol.to_dict()
        else:
            protocol = self.protocol

        test_setup: dict[str, Any] | None | Unset
        if isinstance(self.test_setup, Unset):
            test_setup = UNSET
        elif isinstance(self.test_setup, CellMeasurementUpdateTestSetupType0):
            test_setup = self.test_setup.to_dict()
        else:
            test_setup = self.test_setup

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        properties: dict[str, Any] | None | Unset
        if isinstance(self.properties, Unset):
            properties = UNSET
        elif isinstance(self.properties, CellMeasurementUpdatePropertiesType0):
            properties = self.properties.to_dict()
        else:
            properties = self.properties

        channel_id: None | str | Unset
        if isinstance(self.channel_id, Unset):
            channel_id = UNSET
        else:
            channel_id = self.channel_id

        end_time: None | str | Unset
        if isinstance(self.end_time, Unset):
            end_time = UNSET
        else:
            end_time = self.end_time

        protocol_id: None | str | Unset
        if isinstance(self.protocol_id, Unset):
            protocol_id = UNSET
        else:
            protocol_id = self.protocol_id

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if protocol is not UNSET:
            field_dict["protocol"] = protocol
        if test_setup is not UNSET:
            field_dict["test_setup"] = test_setup
        if notes is not UNSET:
            field_dict["notes"] = notes
        if properties is not UNSET:
            field_dict["properties"] = properties
        if channel_id is not UNSET:
            field_dict["channel_id"] = channel_id
        if end_time is not UNSET:
            field_dict["end_time"] = end_time
        if protocol_id is not UNSET:
            field_dict["protocol_id"] = protocol_id
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        _name_raw = d.get("name", UNSET)
        name = _name_raw

        _protocol_raw = d.get("protocol", UNSET)
        protocol: CellMeasurementUpdateProtocolType0 | None | Unset
        if _protocol_raw is None or _protocol_raw is UNSET:
            protocol = _protocol_raw
        else:
            protocol = _protocol_raw
            if isinstance(_protocol_raw, dict):
                try:
                    protocol_type_0 = CellMeasurementUpdateProtocolType0.from_dict(_protocol_raw)

                    protocol = protocol_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _test_setup_raw = d.get("test_setup", UNSET)
        test_setup: CellMeasurementUpdateTestSetupType0 | None | Unset
        if _test_setup_raw is None or _test_setup_raw is UNSET:
            test_setup = _test_setup_raw
        else:
            test_setup = _test_setup_raw
            if isinstance(_test_setup_raw, dict):
                try:
                    test_setup_type_0 = CellMeasurementUpdateTestSetupType0.from_dict(
                        _test_setup_raw
                    )

                    test_setup = test_setup_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _notes_raw = d.get("notes", UNSET)
        notes = _notes_raw

        _properties_raw = d.get("properties", UNSET)
        properties: CellMeasurementUpdatePropertiesType0 | None | Unset
        if _properties_raw is None or _properties_raw is UNSET:
            properties = _properties_raw
        else:
            properties = _properties_raw
            if isinstance(_properties_raw, dict):
                try:
                    properties_type_0 = CellMeasurementUpdatePropertiesType0.from_dict(
                        _properties_raw
                    )

                    properties = properties_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _channel_id_raw = d.get("channel_id", UNSET)
        channel_id = _channel_id_raw

        _end_time_raw = d.get("end_time", UNSET)
        end_time = _end_time_raw

        _protocol_id_raw = d.get("protocol_id", UNSET)
        protocol_id = _protocol_id_raw

        tags = d.get("tags", UNSET)

        cell_measurement_update = cls(
            name,
            protocol,
            test_setup,
            notes,
            properties,
            channel_id,
            end_time,
            protocol_id,
            tags,
        )

        if not d.keys() <= _KNOWN_KEYS:
            cell_measurement_update.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return cell_measurement_update

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
        if "protocol" in rec:
            _protocol_raw = rec["protocol"]
            if _protocol_raw is None:
                rec["protocol"] = _protocol_raw
            else:
                rec["protocol"] = _protocol_raw
                if isinstance(_protocol_raw, dict):
                    try:
                        protocol_type_0_record = (
                            CellMeasurementUpdateProtocolType0.record_from_dict(_protocol_raw)
                        )

                        rec["protocol"] = protocol_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "test_setup" in rec:
            _test_setup_raw = rec["test_setup"]
            if _test_setup_raw is None:
                rec["test_setup"] = _test_setup_raw
            else:
                rec["test_setup"] = _test_setup_raw
                if isinstance(_test_setup_raw, dict):
                    try:
                        test_setup_type_0_record = (
                            CellMeasurementUpdateTestSetupType0.record_from_dict(_test_setup_raw)
                        )

                        rec["test_setup"] = test_setup_type_0_record
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
                        properties_type_0_record = (
                            CellMeasurementUpdatePropertiesType0.record_from_dict(_properties_raw)
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
        if "name" in src_dict:
            _name_raw = src_dict["name"]
            rec["name"] = _name_raw
        if "protocol" in src_dict:
            _protocol_raw = src_dict["protocol"]
            if _protocol_raw is None:
                rec["protocol"] = _protocol_raw
            else:
                rec["protocol"] = _protocol_raw
                if isinstance(_protocol_raw, dict):
                    try:
                        protocol_type_0_record = CellMeasurementUpdateProtocolType0.to_dict_of_raw(
                            _protocol_raw
                        )

                        rec["protocol"] = protocol_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "test_setup" in src_dict:
            _test_setup_raw = src_dict["test_setup"]
            if _test_setup_raw is None:
                rec["test_setup"] = _test_setup_raw
            else:
                rec["test_setup"] = _test_setup_raw
                if isinstance(_test_setup_raw, dict):
                    try:
                        test_setup_type_0_record = (
                            CellMeasurementUpdateTestSetupType0.to_dict_of_raw(_test_setup_raw)
                        )

                        rec["test_setup"] = test_setup_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "notes" in src_dict:
            _notes_raw = src_dict["notes"]
            rec["notes"] = _notes_raw
        if "properties" in src_dict:
            _properties_raw = src_dict["properties"]
            if _properties_raw is None:
                rec["properties"] = _properties_raw
            else:
                rec["properties"] = _properties_raw
                if isinstance(_properties_raw, dict):
                    try:
                        properties_type_0_record = (
                            CellMeasurementUpdatePropertiesType0.to_dict_of_raw(_properties_raw)
                        )

                        rec["properties"] = properties_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "channel_id" in src_dict:
            _channel_id_raw = src_dict["channel_id"]
            rec["channel_id"] = _channel_id_raw
        if "end_time" in src_dict:
            _end_time_raw = src_dict["end_time"]
            rec["end_time"] = _end_time_raw
        if "protocol_id" in src_dict:
            _protocol_id_raw = src_dict["protocol_id"]
            rec["protocol_id"] = _protocol_id_raw
        if "tags" in src_dict:
            _tags_raw = src_dict["tags"]
            rec["tags"] = _tags_raw
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
        _protocol_raw = src_dict.get("protocol", UNSET)
        if _protocol_raw is not UNSET:
            if isinstance(
                _protocol_raw, dict
            ) and not CellMeasurementUpdateProtocolType0.is_plain_record(_protocol_raw):
                return False

        _test_setup_raw = src_dict.get("test_setup", UNSET)
        if _test_setup_raw is not UNSET:
            if isinstance(
                _test_setup_raw, dict
            ) and not CellMeasurementUpdateTestSetupType0.is_plain_record(_test_setup_raw):
                return False

        _properties_raw = src_dict.get("properties", UNSET)
        if _properties_raw is not UNSET:
            if isinstance(
                _properties_raw, dict
            ) and not CellMeasurementUpdatePropertiesType0.is_plain_record(_properties_raw):
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
        "protocol",
        "test_setup",
        "notes",
        "properties",
        "channel_id",
        "end_time",
        "protocol_id",
        "tags",
    )
)

from ..models.cell_measurement_update_properties_type_0 import CellMeasurementUpdatePropertiesType0  # noqa: E402
from ..models.cell_measurement_update_protocol_type_0 import CellMeasurementUpdateProtocolType0  # noqa: E402
from ..models.cell_measurement_update_test_setup_type_0 import CellMeasurementUpdateTestSetupType0  # noqa: E402
