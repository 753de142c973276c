from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.measurement_type import MeasurementType
from ..types import UNSET, Unset, lazy_fields, nested_to_dict, parse_datetime, unparsed

if TYPE_CHECKING:
    from ..models.cell_instance import CellInstance
    from ..models.cell_measurement_file_metadata import CellMeasurementFileMetadata
    from ..models.cell_measurement_properties import CellMeasurementProperties
    from ..models.cell_measurement_protocol import CellMeasurementProtocol
    from ..models.cell_measurement_test_setup import CellMeasurementTestSetup
    from ..models.cell_specification_with_components import CellSpecificationWithComponents


T = TypeVar("T", bound="CellMeasurementWithDetails")


@_attrs_define
class CellMeasurementWithDetails:
    """A cell measurement with its full cell specification and cell instance nested (GET /cell_measurements/by-
    project/{project_id}). Open to extra properties.

    """

    name: str
    id: str
    cell_instance_id: str
    created_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    protocol: CellMeasurementProtocol | Unset = UNSET
    """ Keys such as name, ambient_temperature_degc, definition (UCP dict or string) """
    start_time: datetime.datetime | None | Unset = UNSET
    """ Test start, tz-aware ISO 8601 """
    test_setup: CellMeasurementTestSetup | Unset = UNSET
    """ Cycler, operator, lab, channel_number """
    step_labels_validated: bool | Unset = False
    """ True only after human review of step labels """
    notes: None | str | Unset = UNSET
    measurement_type: MeasurementType | str | Unset = MeasurementType.TIME_SERIES
    properties: CellMeasurementProperties | Unset = UNSET
    """ Only meaningful for properties type; Quantity for numbers """
    file_metadata: CellMeasurementFileMetadata | Unset = UNSET
    """ Upload metadata such as MIME type / dimensions """
    organization_id: None | str | Unset = UNSET
    created_by: None | str | Unset = UNSET
    created_by_email: None | str | Unset = UNSET
    channel_id: None | str | Unset = UNSET
    """ Time_series only; requires start_time """
    protocol_id: None | str | Unset = UNSET
    end_time: None | str | Unset = UNSET
    """ Null means still running """
    estimated_end_time: None | str | Unset = UNSET
    estimated_end_time_note: None | str | Unset = UNSET
    estimated_end_time_calculated_at: None | str | Unset = UNSET
    processing_status: None | str | Unset = UNSET
    processing_error: None | str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    """ Normalised: trimmed, case-insensitive dedupe, sorted; <=50 tags of <=50 chars """
    specification: CellSpecificationWithComponents | Unset = UNSET
    """ Returned by GET/POST/PATCH spec endpoints; nullability of slots assumed """
    instance: CellInstance | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        id = self.id

        cell_instance_id = self.cell_instance_id

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

        protocol = CellMeasurementWithDetails.__dict__["protocol"].to_dict_of(self, optional=True)

        start_time: None | str | Unset
        if isinstance(self.start_time, Unset):
            start_time = UNSET
        elif isinstance(self.start_time, datetime.datetime):
            start_time = self.start_time.isoformat()
        else:
            start_time = self.start_time

        test_setup = CellMeasurementWithDetails.__dict__["test_setup"].to_dict_of(
            self, optional=True
        )

        step_labels_validated = self.step_labels_validated

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        measurement_type: str | Unset
        if isinstance(self.measurement_type, Unset):
            measurement_type = UNSET
        elif isinstance(self.measurement_type, MeasurementType):
            measurement_type = self.measurement_type.value
        else:
            measurement_type = self.measurement_type

        properties = CellMeasurementWithDetails.__dict__["properties"].to_dict_of(
            self, optional=True
        )

        file_metadata = CellMeasurementWithDetails.__dict__["file_metadata"].to_dict_of(
            self, optional=True
        )

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

        channel_id: None | str | Unset
        if isinstance(self.channel_id, Unset):
            channel_id = UNSET
        else:
            channel_id = self.channel_id

        protocol_id: None | str | Unset
        if isinstance(self.protocol_id, Unset):
            protocol_id = UNSET
        else:
            protocol_id = self.protocol_id

        end_time: None | str | Unset
        if isinstance(self.end_time, Unset):
            end_time = UNSET
        else:
            end_time = self.end_time

        estimated_end_time: None | str | Unset
        if isinstance(self.estimated_end_time, Unset):
            estimated_end_time = UNSET
        else:
            estimated_end_time = self.estimated_end_time

        estimated_end_time_note: None | str | Unset
        if isinstance(self.estimated_end_time_note, Unset):
            estimated_end_time_note = UNSET
        else:
            estimated_end_time_note = self.estimated_end_time_note

        estimated_end_time_calculated_at: None | str | Unset
        if isinstance(self.estimated_end_time_calculated_at, Unset):
            estimated_end_time_calculated_at = UNSET
        else:
            estimated_end_time_calculated_at = self.estimated_end_time_calculated_at

        processing_status: None | str | Unset
        if isinstance(self.processing_status, Unset):
            processing_status = UNSET
        else:
            processing_status = self.processing_status

        processing_error: None | str | Unset
        if isinstance(self.processing_error, Unset):
            processing_error = UNSET
        else:
            processing_error = self.processing_error

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        specification = CellMeasurementWithDetails.__dict__["specification"].to_dict_of(
            self, optional=True
        )

        instance = CellMeasurementWithDetails.__dict__["instance"].to_dict_of(self, optional=True)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "id": id,
                "cell_instance_id": cell_instance_id,
                "created_at": created_at,
                "updated_at": updated_at,
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
        if properties is not UNSET:
            field_dict["properties"] = properties
        if file_metadata is not UNSET:
            field_dict["file_metadata"] = file_metadata
        if organization_id is not UNSET:
            field_dict["organization_id"] = organization_id
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if created_by_email is not UNSET:
            field_dict["created_by_email"] = created_by_email
        if channel_id is not UNSET:
            field_dict["channel_id"] = channel_id
        if protocol_id is not UNSET:
            field_dict["protocol_id"] = protocol_id
        if end_time is not UNSET:
            field_dict["end_time"] = end_time
        if estimated_end_time is not UNSET:
            field_dict["estimated_end_time"] = estimated_end_time
        if estimated_end_time_note is not UNSET:
            field_dict["estimated_end_time_note"] = estimated_end_time_note
        if estimated_end_time_calculated_at is not UNSET:
            field_dict["estimated_end_time_calculated_at"] = estimated_end_time_calculated_at
        if processing_status is not UNSET:
            field_dict["processing_status"] = processing_status
        if processing_error is not UNSET:
            field_dict["processing_error"] = processing_error
        if tags is not UNSET:
            field_dict["tags"] = tags
        if specification is not UNSET:
            field_dict["specification"] = specification
        if instance is not UNSET:
            field_dict["instance"] = instance

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        name = d["name"]

        id = d["id"]

        cell_instance_id = d["cell_instance_id"]

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

        _protocol = d.get("protocol", UNSET)
        protocol: CellMeasurementProtocol | Unset
        if type(_protocol) is dict:
            protocol = unparsed((_protocol,))
        elif _protocol is UNSET or _protocol is None:
            protocol = _protocol
        else:
            protocol = CellMeasurementProtocol.from_dict(_protocol)

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
        test_setup: CellMeasurementTestSetup | Unset
        if type(_test_setup) is dict:
            test_setup = unparsed((_test_setup,))
        elif _test_setup is UNSET or _test_setup is None:
            test_setup = _test_setup
        else:
            test_setup = CellMeasurementTestSetup.from_dict(_test_setup)

        step_labels_validated = d.get("step_labels_validated", UNSET)

        _notes_raw = d.get("notes", UNSET)
        notes = _notes_raw

        _measurement_type_raw = d.get("measurement_type", UNSET)
        measurement_type: MeasurementType | str | Unset
        if _measurement_type_raw is UNSET:
            measurement_type = _measurement_type_raw
        else:
            measurement_type = _measurement_type_raw
            if isinstance(_measurement_type_raw, str):
                # the map is typed dict[Any, Enum]; its members for this enum are MeasurementTypes
                measurement_type = MeasurementType._value2member_map_.get(
                    _measurement_type_raw, _measurement_type_raw
                )  # type: ignore[assignment]

        _properties = d.get("properties", UNSET)
        properties: CellMeasurementProperties | Unset
        if type(_properties) is dict:
            properties = unparsed((_properties,))
        elif _properties is UNSET or _properties is None:
            properties = _properties
        else:
            properties = CellMeasurementProperties.from_dict(_properties)

        _file_metadata = d.get("file_metadata", UNSET)
        file_metadata: CellMeasurementFileMetadata | Unset
        if type(_file_metadata) is dict:
            file_metadata = unparsed((_file_metadata,))
        elif _file_metadata is UNSET or _file_metadata is None:
            file_metadata = _file_metadata
        else:
            file_metadata = CellMeasurementFileMetadata.from_dict(_file_metadata)

        _organization_id_raw = d.get("organization_id", UNSET)
        organization_id = _organization_id_raw

        _created_by_raw = d.get("created_by", UNSET)
        created_by = _created_by_raw

        _created_by_email_raw = d.get("created_by_email", UNSET)
        created_by_email = _created_by_email_raw

        _channel_id_raw = d.get("channel_id", UNSET)
        channel_id = _channel_id_raw

        _protocol_id_raw = d.get("protocol_id", UNSET)
        protocol_id = _protocol_id_raw

        _end_time_raw = d.get("end_time", UNSET)
        end_time = _end_time_raw

        _estimated_end_time_raw = d.get("estimated_end_time", UNSET)
        estimated_end_time = _estimated_end_time_raw

        _estimated_end_time_note_raw = d.get("estimated_end_time_note", UNSET)
        estimated_end_time_note = _estimated_end_time_note_raw

        _estimated_end_time_calculated_at_raw = d.get("estimated_end_time_calculated_at", UNSET)
        estimated_end_time_calculated_at = _estimated_end_time_calculated_at_raw

        _processing_status_raw = d.get("processing_status", UNSET)
        processing_status = _processing_status_raw

        _processing_error_raw = d.get("processing_error", UNSET)
        processing_error = _processing_error_raw

        tags = d.get("tags", UNSET)

        _specification = d.get("specification", UNSET)
        specification: CellSpecificationWithComponents | Unset
        if type(_specification) is dict:
            specification = unparsed((_specification,))
        elif _specification is UNSET or _specification is None:
            specification = _specification
        else:
            specification = CellSpecificationWithComponents.from_dict(_specification)

        _instance = d.get("instance", UNSET)
        instance: CellInstance | Unset
        if type(_instance) is dict:
            instance = unparsed((_instance,))
        elif _instance is UNSET or _instance is None:
            instance = _instance
        else:
            instance = CellInstance.from_dict(_instance)

        cell_measurement_with_details = cls(
            name,
            id,
            cell_instance_id,
            created_at,
            updated_at,
            protocol,
            start_time,
            test_setup,
            step_labels_validated,
            notes,
            measurement_type,
            properties,
            file_metadata,
            organization_id,
            created_by,
            created_by_email,
            channel_id,
            protocol_id,
            end_time,
            estimated_end_time,
            estimated_end_time_note,
            estimated_end_time_calculated_at,
            processing_status,
            processing_error,
            tags,
            specification,
            instance,
        )

        if not d.keys() <= _KNOWN_KEYS:
            cell_measurement_with_details.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return cell_measurement_with_details

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
        if "cell_instance_id" not in rec:
            raise KeyError("cell_instance_id")
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

        if "protocol" in rec:
            _protocol_raw = rec["protocol"]
            if _protocol_raw is not None:
                rec["protocol"] = CellMeasurementProtocol.record_from_dict(_protocol_raw)

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
                rec["test_setup"] = CellMeasurementTestSetup.record_from_dict(_test_setup_raw)

        if "measurement_type" in rec:
            _measurement_type_raw = rec["measurement_type"]
            rec["measurement_type"] = _measurement_type_raw

        if "properties" in rec:
            _properties_raw = rec["properties"]
            if _properties_raw is not None:
                rec["properties"] = CellMeasurementProperties.record_from_dict(_properties_raw)

        if "file_metadata" in rec:
            _file_metadata_raw = rec["file_metadata"]
            if _file_metadata_raw is not None:
                rec["file_metadata"] = CellMeasurementFileMetadata.record_from_dict(
                    _file_metadata_raw
                )

        if "specification" in rec:
            _specification_raw = rec["specification"]
            if _specification_raw is not None:
                rec["specification"] = CellSpecificationWithComponents.record_from_dict(
                    _specification_raw
                )

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
        _name_raw = src_dict["name"]
        rec["name"] = _name_raw
        _id_raw = src_dict["id"]
        rec["id"] = _id_raw
        _cell_instance_id_raw = src_dict["cell_instance_id"]
        rec["cell_instance_id"] = _cell_instance_id_raw
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

        if "protocol" in src_dict:
            _protocol_raw = src_dict["protocol"]
            if _protocol_raw is None:
                rec["protocol"] = None
            else:
                rec["protocol"] = nested_to_dict(
                    "CellMeasurementWithDetails", "protocol", CellMeasurementProtocol, _protocol_raw
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
                    "CellMeasurementWithDetails",
                    "test_setup",
                    CellMeasurementTestSetup,
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
            rec["measurement_type"] = _measurement_type_raw

        if "properties" in src_dict:
            _properties_raw = src_dict["properties"]
            if _properties_raw is None:
                rec["properties"] = None
            else:
                rec["properties"] = nested_to_dict(
                    "CellMeasurementWithDetails",
                    "properties",
                    CellMeasurementProperties,
                    _properties_raw,
                )
        if "file_metadata" in src_dict:
            _file_metadata_raw = src_dict["file_metadata"]
            if _file_metadata_raw is None:
                rec["file_metadata"] = None
            else:
                rec["file_metadata"] = nested_to_dict(
                    "CellMeasurementWithDetails",
                    "file_metadata",
                    CellMeasurementFileMetadata,
                    _file_metadata_raw,
                )
        if "organization_id" in src_dict:
            _organization_id_raw = src_dict["organization_id"]
            rec["organization_id"] = _organization_id_raw
        if "created_by" in src_dict:
            _created_by_raw = src_dict["created_by"]
            rec["created_by"] = _created_by_raw
        if "created_by_email" in src_dict:
            _created_by_email_raw = src_dict["created_by_email"]
            rec["created_by_email"] = _created_by_email_raw
        if "channel_id" in src_dict:
            _channel_id_raw = src_dict["channel_id"]
            rec["channel_id"] = _channel_id_raw
        if "protocol_id" in src_dict:
            _protocol_id_raw = src_dict["protocol_id"]
            rec["protocol_id"] = _protocol_id_raw
        if "end_time" in src_dict:
            _end_time_raw = src_dict["end_time"]
            rec["end_time"] = _end_time_raw
        if "estimated_end_time" in src_dict:
            _estimated_end_time_raw = src_dict["estimated_end_time"]
            rec["estimated_end_time"] = _estimated_end_time_raw
        if "estimated_end_time_note" in src_dict:
            _estimated_end_time_note_raw = src_dict["estimated_end_time_note"]
            rec["estimated_end_time_note"] = _estimated_end_time_note_raw
        if "estimated_end_time_calculated_at" in src_dict:
            _estimated_end_time_calculated_at_raw = src_dict["estimated_end_time_calculated_at"]
            rec["estimated_end_time_calculated_at"] = _estimated_end_time_calculated_at_raw
        if "processing_status" in src_dict:
            _processing_status_raw = src_dict["processing_status"]
            rec["processing_status"] = _processing_status_raw
        if "processing_error" in src_dict:
            _processing_error_raw = src_dict["processing_error"]
            rec["processing_error"] = _processing_error_raw
        if "tags" in src_dict:
            _tags_raw = src_dict["tags"]
            rec["tags"] = _tags_raw
        if "specification" in src_dict:
            _specification_raw = src_dict["specification"]
            if _specification_raw is None:
                rec["specification"] = None
            else:
                rec["specification"] = nested_to_dict(
                    "CellMeasurementWithDetails",
                    "specification",
                    CellSpecificationWithComponents,
                    _specification_raw,
                )
        if "instance" in src_dict:
            _instance_raw = src_dict["instance"]
            if _instance_raw is None:
                rec["instance"] = None
            else:
                rec["instance"] = nested_to_dict(
                    "CellMeasurementWithDetails", "instance", CellInstance, _instance_raw
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
        if "id" not in src_dict:
            return False
        if "cell_instance_id" not in src_dict:
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

        _protocol_raw = src_dict.get("protocol", UNSET)
        if _protocol_raw is not UNSET and _protocol_raw is not None:
            if not CellMeasurementProtocol.is_plain_record(_protocol_raw):
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
            if not CellMeasurementTestSetup.is_plain_record(_test_setup_raw):
                return False

        _measurement_type_raw = src_dict.get("measurement_type", UNSET)
        if _measurement_type_raw is not UNSET:
            pass  # kept as sent either way (see _record_union)

        _properties_raw = src_dict.get("properties", UNSET)
        if _properties_raw is not UNSET and _properties_raw is not None:
            if not CellMeasurementProperties.is_plain_record(_properties_raw):
                return False

        _file_metadata_raw = src_dict.get("file_metadata", UNSET)
        if _file_metadata_raw is not UNSET and _file_metadata_raw is not None:
            if not CellMeasurementFileMetadata.is_plain_record(_file_metadata_raw):
                return False

        _specification_raw = src_dict.get("specification", UNSET)
        if _specification_raw is not UNSET and _specification_raw is not None:
            if not CellSpecificationWithComponents.is_plain_record(_specification_raw):
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
        "name",
        "id",
        "cell_instance_id",
        "created_at",
        "updated_at",
        "protocol",
        "start_time",
        "test_setup",
        "step_labels_validated",
        "notes",
        "measurement_type",
        "properties",
        "file_metadata",
        "organization_id",
        "created_by",
        "created_by_email",
        "channel_id",
        "protocol_id",
        "end_time",
        "estimated_end_time",
        "estimated_end_time_note",
        "estimated_end_time_calculated_at",
        "processing_status",
        "processing_error",
        "tags",
        "specification",
        "instance",
    )
)

from ..models.cell_instance import CellInstance  # noqa: E402
from ..models.cell_measurement_file_metadata import CellMeasurementFileMetadata  # noqa: E402
from ..models.cell_measurement_properties import CellMeasurementProperties  # noqa: E402
from ..models.cell_measurement_protocol import CellMeasurementProtocol  # noqa: E402
from ..models.cell_measurement_test_setup import CellMeasurementTestSetup  # noqa: E402
from ..models.cell_specification_with_components import CellSpecificationWithComponents  # noqa: E402

# Nested objects parsed on first read (see from_dict and types.LazyModelField).
lazy_fields(
    CellMeasurementWithDetails,
    protocol=CellMeasurementProtocol.from_dict,
    test_setup=CellMeasurementTestSetup.from_dict,
    properties=CellMeasurementProperties.from_dict,
    file_metadata=CellMeasurementFileMetadata.from_dict,
    specification=CellSpecificationWithComponents.from_dict,
    instance=CellInstance.from_dict,
)
