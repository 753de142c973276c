from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

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
        from ..models.cell_measurement_update_properties_type_0 import (
            CellMeasurementUpdatePropertiesType0,  # noqa: PLC0415
        )
        from ..models.cell_measurement_update_protocol_type_0 import (
            CellMeasurementUpdateProtocolType0,  # noqa: PLC0415
        )
        from ..models.cell_measurement_update_test_setup_type_0 import (
            CellMeasurementUpdateTestSetupType0,  # noqa: PLC0415
        )

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
        from ..models.cell_measurement_update_properties_type_0 import (
            CellMeasurementUpdatePropertiesType0,  # noqa: PLC0415
        )
        from ..models.cell_measurement_update_protocol_type_0 import (
            CellMeasurementUpdateProtocolType0,  # noqa: PLC0415
        )
        from ..models.cell_measurement_update_test_setup_type_0 import (
            CellMeasurementUpdateTestSetupType0,  # noqa: PLC0415
        )

        d = dict(src_dict)

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_protocol(data: object) -> CellMeasurementUpdateProtocolType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                protocol_type_0 = CellMeasurementUpdateProtocolType0.from_dict(data)

                return protocol_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CellMeasurementUpdateProtocolType0 | None | Unset, data)

        protocol = _parse_protocol(d.pop("protocol", UNSET))

        def _parse_test_setup(data: object) -> CellMeasurementUpdateTestSetupType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                test_setup_type_0 = CellMeasurementUpdateTestSetupType0.from_dict(data)

                return test_setup_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CellMeasurementUpdateTestSetupType0 | None | Unset, data)

        test_setup = _parse_test_setup(d.pop("test_setup", UNSET))

        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))

        def _parse_properties(data: object) -> CellMeasurementUpdatePropertiesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                properties_type_0 = CellMeasurementUpdatePropertiesType0.from_dict(data)

                return properties_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CellMeasurementUpdatePropertiesType0 | None | Unset, data)

        properties = _parse_properties(d.pop("properties", UNSET))

        def _parse_channel_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel_id = _parse_channel_id(d.pop("channel_id", UNSET))

        def _parse_end_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        end_time = _parse_end_time(d.pop("end_time", UNSET))

        def _parse_protocol_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        protocol_id = _parse_protocol_id(d.pop("protocol_id", UNSET))

        tags = cast(list[str], d.pop("tags", UNSET))

        cell_measurement_update = cls(
            name=name,
            protocol=protocol,
            test_setup=test_setup,
            notes=notes,
            properties=properties,
            channel_id=channel_id,
            end_time=end_time,
            protocol_id=protocol_id,
            tags=tags,
        )

        cell_measurement_update.additional_properties = d
        return cell_measurement_update

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
