from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

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
        from ..models.cell_batch_properties_type_0 import CellBatchPropertiesType0  # noqa: PLC0415

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
        from ..models.cell_batch_properties_type_0 import CellBatchPropertiesType0  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        cell_specification_id = d.pop("cell_specification_id")

        def _parse_project_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        def _parse_organization_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        organization_id = _parse_organization_id(d.pop("organization_id", UNSET))

        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))

        def _parse_date_manufactured(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                date_manufactured_type_0 = datetime.date.fromisoformat(data)

                return date_manufactured_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        date_manufactured = _parse_date_manufactured(d.pop("date_manufactured", UNSET))

        def _parse_properties(data: object) -> CellBatchPropertiesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                properties_type_0 = CellBatchPropertiesType0.from_dict(data)

                return properties_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CellBatchPropertiesType0 | None | Unset, data)

        properties = _parse_properties(d.pop("properties", UNSET))

        def _parse_created_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_by = _parse_created_by(d.pop("created_by", UNSET))

        def _parse_created_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))

        def _parse_updated_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        updated_at = _parse_updated_at(d.pop("updated_at", UNSET))

        instance_count = d.pop("instance_count", UNSET)

        cell_batch = cls(
            id=id,
            name=name,
            cell_specification_id=cell_specification_id,
            project_id=project_id,
            organization_id=organization_id,
            notes=notes,
            date_manufactured=date_manufactured,
            properties=properties,
            created_by=created_by,
            created_at=created_at,
            updated_at=updated_at,
            instance_count=instance_count,
        )

        cell_batch.additional_properties = d
        return cell_batch

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
