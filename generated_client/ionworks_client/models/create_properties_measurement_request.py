from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.measurement_type import MeasurementType
from ..types import UNSET, Unset, lazy_fields, nested_to_dict, parse_datetime, unparsed

if TYPE_CHECKING:
    from ..models.create_properties_measurement_request_file_metadata import (
        CreatePropertiesMeasurementRequestFileMetadata,
    )
    from ..models.create_properties_measurement_request_properties import (
        CreatePropertiesMeasurementRequestProperties,
    )
    from ..models.create_properties_measurement_request_protocol import (
        CreatePropertiesMeasurementRequestProtocol,
    )
    from ..models.create_properties_measurement_request_test_setup import (
        CreatePropertiesMeasurementRequestTestSetup,
    )


T = TypeVar("T", bound="CreatePropertiesMeasurementRequest")


@_attrs_define
class CreatePropertiesMeasurementRequest:
    name: str
    properties: CreatePropertiesMeasurementRequestProperties
    """ Quantity for numbers """
    protocol: CreatePropertiesMeasurementRequestProtocol | Unset = UNSET
    start_time: datetime.datetime | None | Unset = UNSET
    test_setup: CreatePropertiesMeasurementRequestTestSetup | Unset = UNSET
    step_labels_validated: bool | Unset = False
    notes: None | str | Unset = UNSET
    measurement_type: MeasurementType | Unset = UNSET
    file_metadata: CreatePropertiesMeasurementRequestFileMetadata | Unset = UNSET
    end_time: None | str | Unset = UNSET
    """ Client sends; not on docs page """
    tags: list[str] | Unset = UNSET
    """ Client sends; not on docs page """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        properties = CreatePropertiesMeasurementRequest.__dict__["properties"].to_dict_of(self)

        protocol = CreatePropertiesMeasurementRequest.__dict__["protocol"].to_dict_of(
            self, optional=True
        )

        start_time: None | str | Unset
        if isinstance(self.start_time, Unset):
            start_time = UNSET
        elif isinstance(self.start_time, datetime.datetime):
            start_time = self.start_time.isoformat()
        else:
            start_time = self.start_time

        test_setup = CreatePropertiesMeasurementRequest.__dict__["test_setup"].to_dict_of(
            self, optional=True
        )

        step_labels_validated = self.step_labels_validated

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        measurement_type: str | Unset
        if self.measurement_type is None:
            measurement_type = None
        else:
            measurement_type = UNSET
            if not isinstance(self.measurement_type, Unset):
                measurement_type = self.measurement_type.value

        file_metadata = CreatePropertiesMeasurementRequest.__dict__["file_metadata"].to_dict_of(
            self, optional=True
        )

        end_time: None | str | Unset
        if isinstance(self.end_time, Unset):
            end_time = UNSET
        else:
            end_time = self.end_time

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "properties": properties,
            }
        )
        if protocol is not UNSET:
            field_dict["protocol"] = protocol
        if start_time is not UNSET:
            field_dict["start_time"] = start_time
        if test_setup is not UNSET:
            field_dict["test_setup"] = test_setup
        if step_labels_validated is not UNSET:
            field_dict["step_labels_validated"] = step_labels_validated
        if notes is not UNSET:
            field_dict["notes"] = notes
        if measurement_type is not UNSET:
            field_dict["measurement_type"] = measurement_type
        if file_metadata is not UNSET:
            field_dict["file_metadata"] = file_metadata
        if end_time is not UNSET:
            field_dict["end_time"] = end_time
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        name = d["name"]

        _properties = d["properties"]
        properties: CreatePropertiesMeasurementRequestProperties
        if type(_properties) is dict:
            properties = unparsed((_properties,))
        elif _properties is None:
            properties = _properties
        else:
            properties = CreatePropertiesMeasurementRequestProperties.from_dict(_properties)

        _protocol = d.get("protocol", UNSET)
        protocol: CreatePropertiesMeasurementRequestProtocol | Unset
        if type(_protocol) is dict:
            protocol = unparsed((_protocol,))
        elif _protocol is UNSET or _protocol is None:
            protocol = _protocol
        else:
            protocol = CreatePropertiesMeasurementRequestProtocol.from_dict(_protocol)

        _start_time_raw = d.get("start_time", UNSET)
        start_time: datetime.datetime | None | Unset
        if _start_time_raw is None or _start_time_raw is UNSET:
            start_time = _start_time_raw
        else:
            start_time = _start_time_raw
            if isinstance(_start_time_raw, str):
                try:
                    start_time_type_0 = parse_datetime(_start_time_raw)

                    start_time = start_time_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _test_setup = d.get("test_setup", UNSET)
        test_setup: CreatePropertiesMeasurementRequestTestSetup | Unset
        if type(_test_setup) is dict:
            test_setup = unparsed((_test_setup,))
        elif _test_setup is UNSET or _test_setup is None:
            test_setup = _test_setup
        else:
            test_setup = CreatePropertiesMeasurementRequestTestSetup.from_dict(_test_setup)

        step_labels_validated = d.get("step_labels_validated", UNSET)

        _notes_raw = d.get("notes", UNSET)
        notes = _notes_raw

        _measurement_type = d.get("measurement_type", UNSET)
        measurement_type: MeasurementType | Unset
        if _measurement_type is UNSET or _measurement_type is None:
            measurement_type = _measurement_type
        else:
            measurement_type = MeasurementType(_measurement_type)

        _file_metadata = d.get("file_metadata", UNSET)
        file_metadata: CreatePropertiesMeasurementRequestFileMetadata | Unset
        if type(_file_metadata) is dict:
            file_metadata = unparsed((_file_metadata,))
        elif _file_metadata is UNSET or _file_metadata is None:
            file_metadata = _file_metadata
        else:
            file_metadata = CreatePropertiesMeasurementRequestFileMetadata.from_dict(_file_metadata)

        _end_time_raw = d.get("end_time", UNSET)
        end_time = _end_time_raw

        tags = d.get("tags", UNSET)

        create_properties_measurement_request = cls(
            name,
            properties,
            protocol,
            start_time,
            test_setup,
            step_labels_validated,
            notes,
            measurement_type,
            file_metadata,
            end_time,
            tags,
        )

        if not d.keys() <= _KNOWN_KEYS:
            create_properties_measurement_request.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return create_properties_measurement_request

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
        _properties_raw = rec["properties"]
        if _properties_raw is not None:
            rec["properties"] = CreatePropertiesMeasurementRequestProperties.record_from_dict(
                _properties_raw
            )

        if "protocol" in rec:
            _protocol_raw = rec["protocol"]
            if _protocol_raw is not None:
                rec["protocol"] = CreatePropertiesMeasurementRequestProtocol.record_from_dict(
                    _protocol_raw
                )

        if "start_time" in rec:
            _start_time_raw = rec["start_time"]
            if _start_time_raw is None:
                rec["start_time"] = _start_time_raw
            else:
                rec["start_time"] = _start_time_raw
                if isinstance(_start_time_raw, str):
                    try:
                        _start_time_type_0_parsed = parse_datetime(_start_time_raw)
                        if (
                            len(_start_time_raw) == 20
                            and _start_time_raw[19] == "Z"
                            and _start_time_raw[4] == "-"
                            and _start_time_raw[7] == "-"
                            and _start_time_raw[10] == "T"
                            and _start_time_raw[13] == ":"
                            and _start_time_raw[16] == ":"
                            and _start_time_raw[11:13] != "24"
                        ):
                            start_time_type_0_record = _start_time_raw[:19] + "+00:00"
                        else:
                            start_time_type_0_record = _start_time_type_0_parsed.isoformat()

                        rec["start_time"] = start_time_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "test_setup" in rec:
            _test_setup_raw = rec["test_setup"]
            if _test_setup_raw is not None:
                rec["test_setup"] = CreatePropertiesMeasurementRequestTestSetup.record_from_dict(
                    _test_setup_raw
                )

        if "measurement_type" in rec:
            _measurement_type_raw = rec["measurement_type"]
            if _measurement_type_raw is not None:
                _measurement_type = _measurement_type_raw
                measurement_type: MeasurementType | Unset
                if _measurement_type is UNSET or _measurement_type is None:
                    measurement_type = _measurement_type
                else:
                    measurement_type = MeasurementType(_measurement_type)

                rec["measurement_type"] = UNSET
                if not isinstance(measurement_type, Unset):
                    rec["measurement_type"] = measurement_type.value

        if "file_metadata" in rec:
            _file_metadata_raw = rec["file_metadata"]
            if _file_metadata_raw is not None:
                rec["file_metadata"] = (
                    CreatePropertiesMeasurementRequestFileMetadata.record_from_dict(
                        _file_metadata_raw
                    )
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
        _properties_raw = src_dict["properties"]
        if _properties_raw is None:
            rec["properties"] = None
        else:
            rec["properties"] = nested_to_dict(
                "CreatePropertiesMeasurementRequest",
                "properties",
                CreatePropertiesMeasurementRequestProperties,
                _properties_raw,
            )
        if "protocol" in src_dict:
            _protocol_raw = src_dict["protocol"]
            if _protocol_raw is None:
                rec["protocol"] = None
            else:
                rec["protocol"] = nested_to_dict(
                    "CreatePropertiesMeasurementRequest",
                    "protocol",
                    CreatePropertiesMeasurementRequestProtocol,
                    _protocol_raw,
                )
        if "start_time" in src_dict:
            _start_time_raw = src_dict["start_time"]
            if _start_time_raw is None:
                rec["start_time"] = _start_time_raw
            else:
                rec["start_time"] = _start_time_raw
                if isinstance(_start_time_raw, str):
                    try:
                        _start_time_type_0_parsed = parse_datetime(_start_time_raw)
                        if (
                            len(_start_time_raw) == 20
                            and _start_time_raw[19] == "Z"
                            and _start_time_raw[4] == "-"
                            and _start_time_raw[7] == "-"
                            and _start_time_raw[10] == "T"
                            and _start_time_raw[13] == ":"
                            and _start_time_raw[16] == ":"
                            and _start_time_raw[11:13] != "24"
                        ):
                            start_time_type_0_record = _start_time_raw[:19] + "+00:00"
                        else:
                            start_time_type_0_record = _start_time_type_0_parsed.isoformat()

                        rec["start_time"] = start_time_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "test_setup" in src_dict:
            _test_setup_raw = src_dict["test_setup"]
            if _test_setup_raw is None:
                rec["test_setup"] = None
            else:
                rec["test_setup"] = nested_to_dict(
                    "CreatePropertiesMeasurementRequest",
                    "test_setup",
                    CreatePropertiesMeasurementRequestTestSetup,
                    _test_setup_raw,
                )
        if "step_labels_validated" in src_dict:
            _step_labels_validated_raw = src_dict["step_labels_validated"]
            rec["step_labels_validated"] = _step_labels_validated_raw
        if "notes" in src_dict:
            _notes_raw = src_dict["notes"]
            rec["notes"] = _notes_raw
        if "measurement_type" in src_dict:
            _measurement_type_raw = src_dict["measurement_type"]
            if _measurement_type_raw is None:
                rec["measurement_type"] = None
            else:
                _measurement_type = _measurement_type_raw
                measurement_type: MeasurementType | Unset
                if _measurement_type is UNSET or _measurement_type is None:
                    measurement_type = _measurement_type
                else:
                    measurement_type = MeasurementType(_measurement_type)

                rec["measurement_type"] = UNSET
                if not isinstance(measurement_type, Unset):
                    rec["measurement_type"] = measurement_type.value

        if "file_metadata" in src_dict:
            _file_metadata_raw = src_dict["file_metadata"]
            if _file_metadata_raw is None:
                rec["file_metadata"] = None
            else:
                rec["file_metadata"] = nested_to_dict(
                    "CreatePropertiesMeasurementRequest",
                    "file_metadata",
                    CreatePropertiesMeasurementRequestFileMetadata,
                    _file_metadata_raw,
                )
        if "end_time" in src_dict:
            _end_time_raw = src_dict["end_time"]
            rec["end_time"] = _end_time_raw
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
        if "name" not in src_dict:
            return False
        _properties_raw = src_dict.get("properties", UNSET)
        if _properties_raw is UNSET:
            return False
        if _properties_raw is not None:
            if not CreatePropertiesMeasurementRequestProperties.is_plain_record(_properties_raw):
                return False

        _protocol_raw = src_dict.get("protocol", UNSET)
        if _protocol_raw is not UNSET and _protocol_raw is not None:
            if not CreatePropertiesMeasurementRequestProtocol.is_plain_record(_protocol_raw):
                return False

        _start_time_raw = src_dict.get("start_time", UNSET)
        if _start_time_raw is not UNSET:
            if _start_time_raw is not None:
                if not (
                    type(_start_time_raw) is str
                    and (
                        len(_start_time_raw) == 20
                        or (
                            len(_start_time_raw) == 27
                            and _start_time_raw[19] == "."
                            and _start_time_raw[20:26] != "000000"
                        )
                    )
                    and _start_time_raw[-1] == "Z"
                    and _start_time_raw[4] == "-"
                    and _start_time_raw[7] == "-"
                    and _start_time_raw[10] == "T"
                    and _start_time_raw[13] == ":"
                    and _start_time_raw[16] == ":"
                    and _start_time_raw[11:13] != "24"
                ):
                    return False

        _test_setup_raw = src_dict.get("test_setup", UNSET)
        if _test_setup_raw is not UNSET and _test_setup_raw is not None:
            if not CreatePropertiesMeasurementRequestTestSetup.is_plain_record(_test_setup_raw):
                return False

        _measurement_type_raw = src_dict.get("measurement_type", UNSET)
        if _measurement_type_raw is not UNSET and _measurement_type_raw is not None:
            return False

        _file_metadata_raw = src_dict.get("file_metadata", UNSET)
        if _file_metadata_raw is not UNSET and _file_metadata_raw is not None:
            if not CreatePropertiesMeasurementRequestFileMetadata.is_plain_record(
                _file_metadata_raw
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
        "name",
        "properties",
        "protocol",
        "start_time",
        "test_setup",
        "step_labels_validated",
        "notes",
        "measurement_type",
        "file_metadata",
        "end_time",
        "tags",
    )
)

from ..models.create_properties_measurement_request_file_metadata import (
    CreatePropertiesMeasurementRequestFileMetadata,  # noqa: E402
)
from ..models.create_properties_measurement_request_properties import (
    CreatePropertiesMeasurementRequestProperties,  # noqa: E402
)
from ..models.create_properties_measurement_request_protocol import (
    CreatePropertiesMeasurementRequestProtocol,  # noqa: E402
)
from ..models.create_properties_measurement_request_test_setup import (
    CreatePropertiesMeasurementRequestTestSetup,  # noqa: E402
)

# Nested objects parsed on first read (see from_dict and types.LazyModelField).
lazy_fields(
    CreatePropertiesMeasurementRequest,
    properties=CreatePropertiesMeasurementRequestProperties.from_dict,
    protocol=CreatePropertiesMeasurementRequestProtocol.from_dict,
    test_setup=CreatePropertiesMeasurementRequestTestSetup.from_dict,
    file_metadata=CreatePropertiesMeasurementRequestFileMetadata.from_dict,
)
