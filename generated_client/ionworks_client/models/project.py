from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.project_cell_spec_project_mappings_type_0_item import (
        ProjectCellSpecProjectMappingsType0Item,
    )
    from ..models.user_project_role import UserProjectRole


T = TypeVar("T", bound="Project")


@_attrs_define
class Project:
    name: str
    id: str
    organization_id: str
    created_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    description: None | str | Unset = UNSET
    cell_spec_project_mappings: list[ProjectCellSpecProjectMappingsType0Item] | None | Unset = UNSET
    """ Specs in the project; item shape unknown """
    user_project_roles: list[UserProjectRole] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

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

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        cell_spec_project_mappings: list[dict[str, Any]] | None | Unset
        if isinstance(self.cell_spec_project_mappings, Unset):
            cell_spec_project_mappings = UNSET
        elif isinstance(self.cell_spec_project_mappings, list):
            cell_spec_project_mappings = []
            for cell_spec_project_mappings_type_0_item_data in self.cell_spec_project_mappings:
                cell_spec_project_mappings_type_0_item = (
                    cell_spec_project_mappings_type_0_item_data.to_dict()
                )
                cell_spec_project_mappings.append(cell_spec_project_mappings_type_0_item)

        else:
            cell_spec_project_mappings = self.cell_spec_project_mappings

        user_project_roles: list[dict[str, Any]] | None | Unset
        if isinstance(self.user_project_roles, Unset):
            user_project_roles = UNSET
        elif isinstance(self.user_project_roles, list):
            user_project_roles = []
            for user_project_roles_type_0_item_data in self.user_project_roles:
                user_project_roles_type_0_item = user_project_roles_type_0_item_data.to_dict()
                user_project_roles.append(user_project_roles_type_0_item)

        else:
            user_project_roles = self.user_project_roles

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "id": id,
                "organization_id": organization_id,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if cell_spec_project_mappings is not UNSET:
            field_dict["cell_spec_project_mappings"] = cell_spec_project_mappings
        if user_project_roles is not UNSET:
            field_dict["user_project_roles"] = user_project_roles

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.project_cell_spec_project_mappings_type_0_item import (
            ProjectCellSpecProjectMappingsType0Item,  # noqa: PLC0415
        )
        from ..models.user_project_role import UserProjectRole  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

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

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_cell_spec_project_mappings(
            data: object,
        ) -> list[ProjectCellSpecProjectMappingsType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                cell_spec_project_mappings_type_0 = []
                _cell_spec_project_mappings_type_0 = data
                for (
                    cell_spec_project_mappings_type_0_item_data
                ) in _cell_spec_project_mappings_type_0:
                    cell_spec_project_mappings_type_0_item = (
                        ProjectCellSpecProjectMappingsType0Item.from_dict(
                            cell_spec_project_mappings_type_0_item_data
                        )
                    )

                    cell_spec_project_mappings_type_0.append(cell_spec_project_mappings_type_0_item)

                return cell_spec_project_mappings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ProjectCellSpecProjectMappingsType0Item] | None | Unset, data)

        cell_spec_project_mappings = _parse_cell_spec_project_mappings(
            d.pop("cell_spec_project_mappings", UNSET)
        )

        def _parse_user_project_roles(data: object) -> list[UserProjectRole] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                user_project_roles_type_0 = []
                _user_project_roles_type_0 = data
                for user_project_roles_type_0_item_data in _user_project_roles_type_0:
                    user_project_roles_type_0_item = UserProjectRole.from_dict(
                        user_project_roles_type_0_item_data
                    )

                    user_project_roles_type_0.append(user_project_roles_type_0_item)

                return user_project_roles_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[UserProjectRole] | None | Unset, data)

        user_project_roles = _parse_user_project_roles(d.pop("user_project_roles", UNSET))

        project = cls(
            name=name,
            id=id,
            organization_id=organization_id,
            created_at=created_at,
            updated_at=updated_at,
            description=description,
            cell_spec_project_mappings=cell_spec_project_mappings,
            user_project_roles=user_project_roles,
        )

        project.additional_properties = d
        return project

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
