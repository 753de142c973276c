from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.component_type import ComponentType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cell_component_properties import CellComponentProperties
    from ..models.material import Material


T = TypeVar("T", bound="CellComponent")


@_attrs_define
class CellComponent:
    component_type: ComponentType | str
    material_id: str
    id: str
    organization_id: str
    created_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    properties: CellComponentProperties | Unset = UNSET
    """ Quantity for numerics, free values otherwise """
    material: Material | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        component_type: str
        if isinstance(self.component_type, ComponentType):
            component_type = self.component_type.value
        else:
            component_type = self.component_type

        material_id = self.material_id

        id = self.id

        organization_id = self.organization_id

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

        properties: dict[str, Any] | Unset = UNSET
        if not isinstance(self.properties, Unset):
            properties = self.properties.to_dict()

        material: dict[str, Any] | Unset = UNSET
        if not isinstance(self.material, Unset):
            material = self.material.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "component_type": component_type,
                "material_id": material_id,
                "id": id,
                "organization_id": organization_id,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if properties is not UNSET:
            field_dict["properties"] = properties
        if material is not UNSET:
            field_dict["material"] = material

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cell_component_properties import CellComponentProperties  # noqa: PLC0415
        from ..models.material import Material  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_component_type(data: object) -> ComponentType | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                component_type_type_0 = ComponentType(data)

                return component_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ComponentType | str, data)

        component_type = _parse_component_type(d.pop("component_type"))

        material_id = d.pop("material_id")

        id = d.pop("id")

        organization_id = d.pop("organization_id")

        def _parse_created_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        created_at = _parse_created_at(d.pop("created_at"))

        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        _properties = d.pop("properties", UNSET)
        properties: CellComponentProperties | Unset
        if isinstance(_properties, Unset):
            properties = UNSET
        else:
            properties = CellComponentProperties.from_dict(_properties)

        _material = d.pop("material", UNSET)
        material: Material | Unset
        if isinstance(_material, Unset):
            material = UNSET
        else:
            material = Material.from_dict(_material)

        cell_component = cls(
            component_type=component_type,
            material_id=material_id,
            id=id,
            organization_id=organization_id,
            created_at=created_at,
            updated_at=updated_at,
            properties=properties,
            material=material,
        )

        cell_component.additional_properties = d
        return cell_component

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
